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
