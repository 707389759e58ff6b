"""Settings are read from MINXIN_* variables: checked in a fresh interpreter each time."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[3]
PROBE = (
    "import json, django; from django.conf import settings; django.setup(); "
    "db = settings.DATABASES['default']; "
    "print(json.dumps({'debug': settings.DEBUG, 'secret': settings.SECRET_KEY, 'engine': db['ENGINE'], "
    "'name': str(db['NAME']), 'host': db.get('HOST', ''), 'hosts': settings.ALLOWED_HOSTS}))"
)


def run_settings(**env) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("MINXIN_")}
    clean.update(env, DJANGO_SETTINGS_MODULE="minxin.settings", PYTHONPATH=str(REPO))
    return subprocess.run([sys.executable, "-c", PROBE], cwd=REPO, env=clean, capture_output=True, text=True, timeout=60)


def probe(**env) -> dict:
    import json

    result = run_settings(**env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_defaults_are_a_debug_sqlite_development_setup(tmp_path):
    values = probe(MINXIN_VAR_DIR=str(tmp_path))
    assert values["debug"] is True
    assert values["engine"] == "django.db.backends.sqlite3"
    assert values["name"] == str(tmp_path / "minxin.sqlite3")


def test_database_url_selects_postgresql(tmp_path):
    values = probe(MINXIN_VAR_DIR=str(tmp_path), MINXIN_DATABASE_URL="postgres://minxin:pw@db.internal:5432/minxin")
    assert values["engine"] == "django.db.backends.postgresql"
    assert (values["host"], values["name"]) == ("db.internal", "minxin")


def test_production_mode_uses_the_given_secrets(tmp_path):
    values = probe(
        MINXIN_VAR_DIR=str(tmp_path),
        MINXIN_DEBUG="0",
        MINXIN_SECRET_KEY="s" * 50,
        MINXIN_FIELD_KEY="f" * 32,
        MINXIN_AUDIT_KEY="a" * 40,
        MINXIN_ALLOWED_HOSTS="xf.example.gov.cn",
    )
    assert values["debug"] is False
    assert values["secret"] == "s" * 50
    assert values["hosts"] == ["xf.example.gov.cn"]


def test_secret_key_can_come_from_a_file(tmp_path):
    key_file = tmp_path / "secret_key"
    key_file.write_text("k" * 50 + "\n", encoding="utf-8")
    values = probe(MINXIN_VAR_DIR=str(tmp_path), MINXIN_DEBUG="0", MINXIN_SECRET_KEY_FILE=str(key_file), MINXIN_FIELD_KEY="f" * 32, MINXIN_AUDIT_KEY="a" * 40)
    assert values["secret"] == "k" * 50


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"MINXIN_DEBUG": "0", "MINXIN_FIELD_KEY": "f" * 32}, "MINXIN_SECRET_KEY must be set when MINXIN_DEBUG is off"),
        ({"MINXIN_DEBUG": "0", "MINXIN_SECRET_KEY": "s" * 50}, "MINXIN_FIELD_KEY must be set when MINXIN_DEBUG is off"),
        ({"MINXIN_DEBUG": "0", "MINXIN_SECRET_KEY": "s" * 50, "MINXIN_FIELD_KEY": "f" * 32}, "MINXIN_AUDIT_KEY must be set when MINXIN_DEBUG is off"),
        (
            {"MINXIN_DEBUG": "0", "MINXIN_SECRET_KEY": "s" * 50, "MINXIN_FIELD_KEY": "f" * 32, "MINXIN_AUDIT_KEY": "short"},
            "MINXIN_AUDIT_KEY must be at least 32 characters",
        ),
        ({"MINXIN_SESSION_SECONDS": "60"}, "MINXIN_SESSION_SECONDS=60 must be at least 300"),
        ({"MINXIN_DEBUG": "perhaps"}, "MINXIN_DEBUG='perhaps' is not a boolean"),
        ({"MINXIN_DATABASE_URL": "nonsense://x"}, "MINXIN_DATABASE_URL is not a valid database URL"),
        ({"MINXIN_DB_CONN_MAX_AGE": "-5"}, "MINXIN_DB_CONN_MAX_AGE=-5 must be at least 0"),
        ({"MINXIN_REPLICA_DATABASE_URL": "nonsense://x"}, "MINXIN_REPLICA_DATABASE_URL is not a valid database URL"),
    ],
)
def test_bad_configuration_refuses_to_start_with_a_clear_message(tmp_path, env, message):
    result = run_settings(MINXIN_VAR_DIR=str(tmp_path), **env)
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert message in result.stderr


REPLICA_PROBE = (
    "import json, django; from django.conf import settings; django.setup(); "
    "r = settings.DATABASES.get('replica'); "
    "print(json.dumps({'alias': settings.MINXIN_READ_REPLICA, 'host': r and r['HOST'], 'mirror': r and r['TEST']['MIRROR'], "
    "'routers': settings.DATABASE_ROUTERS}))"
)


def test_a_replica_url_adds_the_replica_alias_that_dashboards_read_from(tmp_path):
    import json

    clean = {k: v for k, v in os.environ.items() if not k.startswith("MINXIN_")}
    base = {**clean, "DJANGO_SETTINGS_MODULE": "minxin.settings", "PYTHONPATH": str(REPO), "MINXIN_VAR_DIR": str(tmp_path),
            "MINXIN_DATABASE_URL": "postgres://minxin:pw@primary.internal:5432/minxin"}
    run = lambda env: json.loads(subprocess.run([sys.executable, "-c", REPLICA_PROBE], cwd=REPO, env=env, capture_output=True,
                                                text=True, timeout=60, check=True).stdout.strip().splitlines()[-1])
    assert run(base) == {"alias": None, "host": None, "mirror": None, "routers": ["minxin.core.replica.ReplicaRouter"]}
    with_replica = run({**base, "MINXIN_REPLICA_DATABASE_URL": "postgres://minxin:pw@replica.internal:5432/minxin"})
    assert with_replica == {"alias": "replica", "host": "replica.internal", "mirror": "default",
                            "routers": ["minxin.core.replica.ReplicaRouter"]}
