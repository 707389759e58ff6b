import logging
import re

# ID numbers and mobile numbers must never reach log files (Art. 46(6) protects petitioners).
_PII = re.compile(r"(?<!\d)(\d{17}[\dXx]|1[3-9]\d{9})(?!\d)")


class RedactPIIFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        redacted = _PII.sub("[已脱敏]", message)
        if redacted != message:
            record.msg, record.args = redacted, None
        return True


# Request lines (with their query strings: a searched ID number, a phone) are written by these
# loggers, gunicorn's through handlers of its own that our LOGGING setting never sees (and
# runserver's would be too under another LOGGING), so the filter goes on the loggers themselves.
REQUEST_LOGGERS = ("django.server", "gunicorn.access", "gunicorn.error")


def protect_request_loggers() -> None:
    for name in REQUEST_LOGGERS:
        logger = logging.getLogger(name)
        if not any(isinstance(f, RedactPIIFilter) for f in logger.filters):
            logger.addFilter(RedactPIIFilter())
