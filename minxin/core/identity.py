"""Chinese resident ID numbers (GB 11643-1999) and phone numbers: checks and masks."""

import datetime as dt
import re

_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK = "10X98765432"
_ID_RE = re.compile(r"^\d{17}[\dX]$")
_PHONE_RE = re.compile(r"^1[3-9]\d{9}$")


def id_check_digit(first17: str) -> str:
    return _CHECK[sum(int(d) * w for d, w in zip(first17, _WEIGHTS, strict=True)) % 11]


def id_number_problem(value: str) -> str | None:
    """Why `value` is not a valid ID number, in Chinese, or None if it is valid."""
    v = value.strip().upper()
    if not _ID_RE.match(v):
        return "身份证号码应为18位，前17位为数字，末位为数字或X"
    try:
        dt.date(int(v[6:10]), int(v[10:12]), int(v[12:14]))
    except ValueError:
        return "身份证号码中的出生日期无效"
    if id_check_digit(v[:17]) != v[17]:
        return "身份证号码校验位不正确"
    return None


def is_valid_id_number(value: str) -> bool:
    return id_number_problem(value) is None


def is_valid_phone(value: str) -> bool:
    return bool(_PHONE_RE.match(value.strip()))


def mask_id_number(value: str) -> str:
    return f"{value[:6]}********{value[-4:]}" if len(value) == 18 else ("*" * len(value))


def mask_phone(value: str) -> str:
    return f"{value[:3]}****{value[-4:]}" if len(value) == 11 else ("*" * len(value))


def mask_email(address: str) -> str:
    """a***@example.org: the first letter and the domain, for logs and the delivery list."""
    local, _sep, domain = address.partition("@")
    return f"{local[:1]}***@{domain}" if domain else "***"


def mask_name(value: str) -> str:
    if not value:
        return ""
    return value[0] + "*" * (len(value) - 1) if len(value) > 1 else "*"
