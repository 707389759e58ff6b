import logging

import pytest

from minxin.core.logging import RedactPIIFilter


def filtered(msg, *args) -> str:
    record = logging.LogRecord("t", logging.INFO, __file__, 1, msg, args, None)
    assert RedactPIIFilter().filter(record) is True
    return record.getMessage()


@pytest.mark.parametrize(
    "text",
    ["身份证11010519491231002X已登记", "id=11010519491231002x", "电话13812345678回访", "phone:19912345678"],
)
def test_id_numbers_and_mobile_numbers_are_redacted(text):
    out = filtered(text)
    assert "[已脱敏]" in out
    assert "11010519491231002" not in out and "13812345678" not in out and "19912345678" not in out


def test_values_passed_as_arguments_are_redacted_too():
    out = filtered("petitioner %s phone %s", "11010519491231002X", "13812345678")
    assert out == "petitioner [已脱敏] phone [已脱敏]"


@pytest.mark.parametrize("text", ["case T20260301000123 routed", "unit id=12 staff id=7", "order 123456789012345678901"])
def test_other_numbers_are_left_alone(text):
    assert filtered(text) == text


def test_the_console_log_handler_uses_the_redaction_filter():
    from django.conf import settings

    assert settings.LOGGING["filters"]["redact_pii"]["()"] == "minxin.core.logging.RedactPIIFilter"
    assert "redact_pii" in settings.LOGGING["handlers"]["console"]["filters"]


ID_NUMBER = "11010519491231002X"


def test_the_development_servers_access_log_redacts_query_strings():
    import io

    logger = logging.getLogger("django.server")
    # Its records reach the root's console handler (it has none of its own under our LOGGING).
    handler = logger.handlers[0] if logger.handlers else logging.getLogger().handlers[0]
    stream = io.StringIO()
    previous = handler.setStream(stream)
    try:
        logger.info('"%s" %s %s', f"GET /reception/lookup/?id_number={ID_NUMBER}&phone=13812345678 HTTP/1.1", "200", "512",
                    extra={"status_code": 200, "server_time": "03/Dec/2026 10:00:00"})
    finally:
        handler.setStream(previous)
    line = stream.getvalue()
    assert "/reception/lookup/?id_number=[已脱敏]&phone=[已脱敏]" in line
    assert ID_NUMBER not in line and "13812345678" not in line


def test_gunicorns_access_log_redacts_query_strings(tmp_path):
    import datetime as dt
    from types import SimpleNamespace

    from gunicorn.config import Config
    from gunicorn.glogging import Logger

    cfg = Config()
    cfg.set("accesslog", str(tmp_path / "access.log"))
    glogger = Logger(cfg)
    environ = {"REQUEST_METHOD": "GET", "RAW_URI": f"/api/v1/cases?q={ID_NUMBER}", "SERVER_PROTOCOL": "HTTP/1.1",
               "QUERY_STRING": f"q={ID_NUMBER}", "PATH_INFO": "/api/v1/cases", "REMOTE_ADDR": "10.0.0.1"}
    response = SimpleNamespace(status="200 OK", headers=[], sent=10)
    glogger.access(response, SimpleNamespace(headers=[]), environ, dt.timedelta(milliseconds=5))
    for handler in logging.getLogger("gunicorn.access").handlers:
        handler.flush()
    written = (tmp_path / "access.log").read_text()
    assert "GET /api/v1/cases?q=[已脱敏] HTTP/1.1" in written
    assert ID_NUMBER not in written


def test_django_records_are_written_once_through_the_redacting_handler():
    assert logging.getLogger("django").handlers == []
    assert logging.getLogger("django").propagate
