"""The case chain is keyed with MINXIN_AUDIT_KEY: rebuilding it without the key is detected,
old keys keep verifying after a rotation, and legacy unkeyed chains are migrated."""

import datetime as dt
import importlib

import pytest
from django.apps import apps
from django.core.management import CommandError, call_command

from minxin.accounts.models import SecurityAction, SecurityEvent
from minxin.cases import services as svc
from minxin.cases.audit import _parts_of, reseal_case, verify_case
from minxin.cases.models import Case, CaseEvent
from minxin.core import sealing

OLD_KEY = "an-old-audit-key-that-was-rotated-out-0123456789"


@pytest.fixture
def audited(city, register, clock):
    case = register()
    clock.shift(dt.timedelta(days=1))
    case = svc.transfer_case(case, actor=city.staff["east_registrar"], unit=city.units["east_housing"])
    case = svc.accept_case(case, actor=city.staff["east_housing_handler"], route="opinion")
    case.refresh_from_db()
    return case


def problems(case):
    case.refresh_from_db()
    return [(p.seq, p.problem) for p in verify_case(case)]


def rebuild(case, *, digest, key_id):
    """What an attacker with database access does: edit a row, then recompute the whole chain."""
    events = list(case.events.order_by("seq"))
    events[0].payload = {**events[0].payload, "subject": "改过的诉求"}
    prev = ""
    for ev in events:
        ev.prev_hash, ev.key_id = prev, key_id
        ev.hash = digest(_parts_of(ev, prev_hash=prev))
        prev = ev.hash
    CaseEvent.objects.bulk_update(events, ["payload", "prev_hash", "key_id", "hash"])
    Case.objects.filter(pk=case.pk).update(audit_head=prev)


def test_events_are_sealed_with_the_current_key(audited):
    assert set(audited.events.values_list("key_id", flat=True)) == {sealing.current_key_id()}
    assert problems(audited) == []


def test_chain_rebuilt_with_plain_sha256_is_detected(audited):
    rebuild(audited, digest=sealing.legacy_digest, key_id=sealing.current_key_id())
    found = problems(audited)
    assert [seq for seq, _ in found] == [1, 2, 3]
    assert all("无密钥重建" in problem for _, problem in found)


def test_chain_rebuilt_as_unkeyed_legacy_rows_is_detected(audited):
    rebuild(audited, digest=sealing.legacy_digest, key_id=sealing.LEGACY_KEY_ID)
    assert {problem for _, problem in problems(audited)} == {"记录未经审计密钥签名（无密钥哈希），可能是在没有密钥的情况下被重建"}


def test_chain_rebuilt_with_a_wrong_key_is_detected(audited, settings):
    real = settings.AUDIT_KEY
    settings.AUDIT_KEY = "a-guessed-key-that-is-not-the-bureau-key-000000"
    rebuild(audited, digest=lambda parts: sealing.seal(parts)[1], key_id=sealing.current_key_id())
    settings.AUDIT_KEY = real
    found = problems(audited)
    assert len(found) == 3 and all("未知的审计密钥" in problem for _, problem in found)
    with pytest.raises(CommandError, match="发现 3 处问题"):
        call_command("audit", "verify")


def test_rotation_keeps_old_events_verifiable_and_reseal_moves_them_to_the_new_key(audited, settings, city):
    new_key = settings.AUDIT_KEY
    # As if these events had been written before the rotation, under the old key.
    settings.AUDIT_KEY, settings.AUDIT_OLD_KEYS = OLD_KEY, [new_key]
    assert reseal_case(audited) == 3
    assert set(audited.events.values_list("key_id", flat=True)) == {sealing.key_id_of(OLD_KEY)}

    settings.AUDIT_KEY, settings.AUDIT_OLD_KEYS = new_key, [OLD_KEY]
    assert problems(audited) == []
    settings.AUDIT_OLD_KEYS = []
    assert all("未知的审计密钥" in p for _, p in problems(audited))

    settings.AUDIT_OLD_KEYS = [OLD_KEY]
    call_command("audit", "reseal")
    settings.AUDIT_OLD_KEYS = []
    assert problems(audited) == []
    assert set(audited.events.values_list("key_id", flat=True)) == {sealing.current_key_id()}
    sealed = SecurityEvent.objects.filter(action=SecurityAction.AUDIT_RESEALED).get()
    assert sealed.payload["cases"] == 1 and sealed.payload["key_id"] == sealing.current_key_id()
    call_command("audit", "verify")


def test_reseal_leaves_a_tampered_chain_untouched(audited):
    CaseEvent.objects.filter(case=audited, seq=2).update(payload={"x": 1})
    before = list(audited.events.order_by("seq").values_list("hash", flat=True))
    with pytest.raises(CommandError, match=audited.number):
        call_command("audit", "reseal")
    assert list(audited.events.order_by("seq").values_list("hash", flat=True)) == before


def _make_legacy(case):
    prev = ""
    events = list(case.events.order_by("seq"))
    for ev in events:
        ev.prev_hash, ev.key_id = prev, sealing.LEGACY_KEY_ID
        ev.hash = sealing.legacy_digest(_parts_of(ev, prev_hash=prev))
        prev = ev.hash
    CaseEvent.objects.bulk_update(events, ["prev_hash", "key_id", "hash"])
    Case.objects.filter(pk=case.pk).update(audit_head=prev)


def test_migration_reseals_intact_legacy_chains_skips_broken_ones_and_records_it(audited, register):
    broken = register(subject="另一件")
    _make_legacy(audited)
    _make_legacy(broken)
    CaseEvent.objects.filter(case=broken, seq=1).update(payload={"forged": True})
    migration = importlib.import_module("minxin.cases.migrations.0006_keyed_audit_seals")
    migration.reseal_legacy_chains(apps, None)

    assert problems(audited) == []
    assert set(audited.events.values_list("key_id", flat=True)) == {sealing.current_key_id()}
    assert problems(broken) != []
    assert set(broken.events.values_list("key_id", flat=True)) == {sealing.LEGACY_KEY_ID}
    sealed = SecurityEvent.objects.get(action=SecurityAction.AUDIT_RESEALED)
    assert sealed.payload["cases"] == 1 and sealed.payload["skipped_broken"] == [broken.number]
