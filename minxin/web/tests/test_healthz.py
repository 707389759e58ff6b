import pytest
from django.db import connection
from django.db.utils import OperationalError


@pytest.mark.django_db
def test_healthz_reports_ok_when_the_database_answers(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}
    assert "no-cache" in response["Cache-Control"]


@pytest.mark.django_db
def test_healthz_is_503_when_the_database_fails(client, monkeypatch):
    def broken_cursor(*args, **kwargs):
        raise OperationalError("connection refused")

    monkeypatch.setattr(connection, "cursor", broken_cursor)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json() == {"status": "error", "database": "unavailable"}


REPO = __import__("pathlib").Path(__file__).resolve().parents[3]
PROBE = ("import django; django.setup(); from django.test import Client; "
         "r = Client(SERVER_NAME='localhost').get('/healthz'); print(r.status_code, r.content.decode())")


def _healthz_in_fresh_process(db_file):
    import os
    import subprocess
    import sys

    env = {k: v for k, v in os.environ.items() if not k.startswith("MINXIN_")}
    env.update(MINXIN_DEBUG="1", MINXIN_DATABASE_URL=f"sqlite:///{db_file}", MINXIN_VAR_DIR=str(db_file.parent),
               DJANGO_SETTINGS_MODULE="minxin.settings", PYTHONPATH=str(REPO))
    result = subprocess.run([sys.executable, "-c", PROBE], cwd=REPO, env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    return result.stdout.strip().splitlines()[-1]


def test_healthz_is_503_and_creates_nothing_when_the_sqlite_file_is_missing(tmp_path):
    db_file = tmp_path / "gone.sqlite3"
    assert _healthz_in_fresh_process(db_file) == '503 {"status": "error", "database": "missing"}'
    assert not db_file.exists()


def test_healthz_is_503_for_a_database_that_was_never_migrated(tmp_path):
    db_file = tmp_path / "empty.sqlite3"
    db_file.touch()
    assert _healthz_in_fresh_process(db_file) == '503 {"status": "error", "database": "unavailable"}'
