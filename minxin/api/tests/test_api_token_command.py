import datetime as dt
import io

import pytest
import time_machine
from django.core.management import CommandError, call_command

from minxin.api.models import ApiToken
from minxin.api.tokens import authenticate_token, hash_token

pytestmark = pytest.mark.django_db


def run(*args) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("api_token", *args, stdout=out, stderr=err)
    return out.getvalue().strip(), err.getvalue().strip()


def test_create_prints_the_token_once_and_stores_only_its_hash(city):
    with time_machine.travel(dt.datetime(2026, 5, 1, 2, 0, tzinfo=dt.UTC), tick=False):
        raw, note = run("create", "--user", "east_registrar", "--name", "对接脚本", "--days", "30")
        assert authenticate_token(raw) == city.staff["east_registrar"]
        listed, _ = run("list")
    token = ApiToken.objects.get()
    assert token.token_hash == hash_token(raw)
    assert token.expires_at == dt.datetime(2026, 5, 31, 2, 0, tzinfo=dt.UTC)
    assert token.prefix in note and "只显示这一次" in note
    assert raw not in note
    assert token.prefix in listed and raw not in listed and "有效" in listed


def test_revoke_stops_the_token_working(city):
    raw, _ = run("create", "--user", "east_registrar", "--name", "对接脚本")
    prefix = ApiToken.objects.get().prefix
    out, _ = run("revoke", prefix)
    assert "已吊销" in out
    from minxin.api.tokens import TokenRejected

    with pytest.raises(TokenRejected):
        authenticate_token(raw)
    assert "已吊销" in run("list", "--user", "east_registrar")[0]


def test_create_for_unknown_user_fails_clearly(city):
    with pytest.raises(CommandError, match="用户名ghost不存在"):
        run("create", "--user", "ghost", "--name", "x")
    assert not ApiToken.objects.exists()


def test_create_with_nonpositive_days_is_refused(city):
    with pytest.raises(CommandError, match="有效天数至少为1天"):
        run("create", "--user", "east_registrar", "--name", "x", "--days", "0")


def test_create_for_account_without_staff_record_is_refused(db):
    from django.contrib.auth import get_user_model

    get_user_model().objects.create_superuser("root", password="x")
    with pytest.raises(CommandError, match="未关联工作人员"):
        run("create", "--user", "root", "--name", "x")


def test_revoking_unknown_prefix_fails_clearly(db):
    with pytest.raises(CommandError, match="没有前缀为mx_nothing的令牌"):
        run("revoke", "mx_nothing")
