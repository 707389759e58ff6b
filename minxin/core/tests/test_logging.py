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
