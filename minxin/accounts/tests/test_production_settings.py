"""Production settings (MINXIN_DEBUG=0 with its keys) pass `manage.py check --deploy` and send
HSTS behind a TLS proxy; session length and expiry come from the environment."""

import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[3]


def run(args, tmp_path, **env):
    # The test process allows async-unsafe ORM use for Playwright; a deployment must not.
    clean = {k: v for k, v in os.environ.items() if not k.startswith("MINXIN_") and k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    clean.update(env, DJANGO_SETTINGS_MODULE="minxin.settings", PYTHONPATH=str(REPO), MINXIN_VAR_DIR=str(tmp_path))
    return subprocess.run([sys.executable, *args], cwd=REPO, env=clean, capture_output=True, text=True, timeout=120)


def production_env(**extra):
    return {
        "MINXIN_DEBUG": "0",
        "MINXIN_SECRET_KEY": secrets.token_urlsafe(50),
        "MINXIN_FIELD_KEY": secrets.token_urlsafe(32),
        "MINXIN_AUDIT_KEY": secrets.token_urlsafe(40),
        "MINXIN_ALLOWED_HOSTS": "xf.example.gov.cn",
        "MINXIN_BEHIND_TLS_PROXY": "1",
        "MINXIN_EMAIL_HOST": "smtp.example.gov.cn",
        **extra,
    }


def test_check_deploy_is_clean_with_production_environment(tmp_path):
    result = run(["manage.py", "check", "--deploy", "--fail-level", "WARNING"], tmp_path, **production_env())
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


PROBE = (
    "import json, django; from django.conf import settings; django.setup(); "
    "print(json.dumps({k: getattr(settings, k, None) for k in ['SECURE_HSTS_SECONDS', 'SECURE_SSL_REDIRECT', "
    "'SESSION_COOKIE_AGE', 'SESSION_EXPIRE_AT_BROWSER_CLOSE', 'SESSION_COOKIE_SECURE']}))"
)


def probe(tmp_path, **env):
    result = run(["-c", PROBE], tmp_path, **env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_hsts_and_https_redirect_behind_a_tls_proxy_but_not_on_a_development_server(tmp_path):
    prod = probe(tmp_path, **production_env())
    assert prod["SECURE_HSTS_SECONDS"] == 365 * 24 * 3600 and prod["SECURE_SSL_REDIRECT"] is True
    dev = probe(tmp_path)
    assert dev["SECURE_HSTS_SECONDS"] in (None, 0) and not dev["SECURE_SSL_REDIRECT"]


def test_session_length_and_browser_close_expiry_come_from_the_environment(tmp_path):
    values = probe(tmp_path, MINXIN_SESSION_SECONDS="1800", MINXIN_SESSION_EXPIRE_AT_BROWSER_CLOSE="1")
    assert (values["SESSION_COOKIE_AGE"], values["SESSION_EXPIRE_AT_BROWSER_CLOSE"]) == (1800, True)
