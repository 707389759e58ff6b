"""Pluggable SMS backends, chosen by settings.MINXIN_SMS_BACKEND (a dotted path).

- ConsoleBackend: prints the message (masked number) — development.
- FileBackend: appends JSON lines to MINXIN_SMS_FILE_PATH — development, demos.
- LocmemBackend: keeps messages in `outbox` — tests read verification codes from it.
- HttpGatewayBackend: POSTs to a gateway, signed with HMAC-SHA256, retried with backoff.
- OutboxBackend (SMS) and OutboxEmailBackend (e-mail): the development default. Each message
  is printed in the terminal and appended to the outbox file (MINXIN_OUTBOX_PATH, JSON lines)
  that /dev/outbox/ shows while DEBUG is on, so a demo's verification code can be read.

A backend's `send` returns the gateway's message id (or "") and raises SmsError on
failure; `SmsError.retryable` tells the caller whether trying again can help. It may take a
keyword `idempotency_key` (the same on every attempt for one message); a backend whose `send`
has no such parameter is called without it (minxin.notify.services.send_sms).
"""

import hashlib
import hmac
import json
import secrets
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.mail.backends.base import BaseEmailBackend
from django.utils.module_loading import import_string

from minxin.core import clock
from minxin.core.identity import mask_email, mask_phone


class SmsError(Exception):
    def __init__(self, message: str, *, retryable: bool = True):
        super().__init__(message)
        self.retryable = retryable


class BaseBackend:
    def send(self, phone: str, text: str, *, idempotency_key: str = "") -> str:  # pragma: no cover - interface
        raise NotImplementedError


class ConsoleBackend(BaseBackend):
    def send(self, phone: str, text: str, *, idempotency_key: str = "") -> str:
        sys.stdout.write(f"[短信] {mask_phone(phone)}: {text}\n")
        sys.stdout.flush()
        return ""


class FileBackend(BaseBackend):
    """One JSON object per line; the number is masked so the file is safe to share."""

    _lock = threading.Lock()

    def send(self, phone: str, text: str, *, idempotency_key: str = "") -> str:
        path = getattr(settings, "MINXIN_SMS_FILE_PATH", "")
        if not path:
            raise ImproperlyConfigured("MINXIN_SMS_FILE_PATH must be set for the file SMS backend")
        record = {"at": clock.now().isoformat(), "to": mask_phone(phone), "text": text, "key": idempotency_key}
        line = json.dumps(record, ensure_ascii=False)
        with self._lock, open(path, "a", encoding="utf-8") as fh:
            fh.write(line + "\n")
        return ""


_outbox_lock = threading.Lock()


def outbox_path() -> str:
    path = getattr(settings, "MINXIN_OUTBOX_PATH", "")
    if not path:
        raise ImproperlyConfigured("MINXIN_OUTBOX_PATH must be set for the outbox backends")
    return str(path)


def write_outbox(*, channel: str, to: str, text: str, subject: str = "") -> None:
    """Print one message and append it to the outbox file (recipient masked, text in full:
    the outbox exists so a developer can read what was sent, verification codes included)."""
    record = {"at": clock.now().isoformat(), "channel": channel, "to": to, "subject": subject, "text": text}
    label = "短信" if channel == "sms" else "邮件"
    heading = f"{subject}｜" if subject else ""
    sys.stdout.write(f"[发件箱·{label}] {to}: {heading}{text}\n")
    sys.stdout.flush()
    path = Path(outbox_path())
    path.parent.mkdir(parents=True, exist_ok=True)
    with _outbox_lock, path.open("a", encoding="utf-8") as fh:
        fh.write(json.dumps(record, ensure_ascii=False) + "\n")


def read_outbox(limit: int = 100) -> list[dict]:
    """The newest `limit` messages of the outbox file, newest first; a torn last line is skipped."""
    try:
        with open(outbox_path(), "rb") as fh:
            fh.seek(0, 2)
            size = fh.tell()
            # Only the tail is read, so a long-lived development outbox stays cheap to show.
            fh.seek(max(0, size - 512 * 1024))
            lines = fh.read().decode("utf-8", errors="replace").splitlines()
    except FileNotFoundError:
        return []
    messages = []
    for line in reversed(lines):
        try:
            record = json.loads(line)
        except ValueError:
            continue
        if isinstance(record, dict):
            messages.append(record)
        if len(messages) >= limit:
            break
    return messages


class OutboxBackend(BaseBackend):
    """Development SMS backend: terminal and outbox file (see write_outbox)."""

    def send(self, phone: str, text: str) -> str:
        write_outbox(channel="sms", to=mask_phone(phone), text=text)
        return ""


class OutboxEmailBackend(BaseEmailBackend):
    """Development e-mail backend (Django MAILERS): terminal and the same outbox file."""

    def send_messages(self, email_messages):
        count = 0
        for message in email_messages or ():
            recipients = "、".join(mask_email(address) for address in message.recipients())
            write_outbox(channel="email", to=recipients, subject=str(message.subject), text=str(message.body))
            count += 1
        return count


class LocmemBackend(BaseBackend):
    """Test backend: messages kept in memory (phone in clear, as tests need to match it)."""

    outbox: list[dict] = []

    def send(self, phone: str, text: str, *, idempotency_key: str = "") -> str:
        LocmemBackend.outbox.append({"phone": phone, "text": text, "key": idempotency_key})
        return f"locmem-{len(LocmemBackend.outbox)}"


class HttpGatewayBackend(BaseBackend):
    """Generic JSON gateway.

    Request: POST MINXIN_SMS_GATEWAY_URL with body {"app_key", "phone", "text", "timestamp", "nonce",
    "idempotency_key"} and headers X-App-Key, X-Timestamp, X-Nonce, Idempotency-Key, X-Signature =
    hex HMAC-SHA256(secret, "<timestamp>\\n<nonce>\\n<body>"). A 2xx answer with JSON {"id": "..."}
    (optional) is success; 4xx other than 408/429 is permanent; 5xx, 408, 429 and network errors are
    retried.

    Contract: the gateway sends each idempotency key at most once. A request repeating a key it
    has accepted is answered like the first (2xx, same id) without sending again — we repeat a
    key when a worker died between the gateway's acceptance and our record of it.
    """

    def __init__(self):
        self.url = getattr(settings, "MINXIN_SMS_GATEWAY_URL", "")
        self.app_key = getattr(settings, "MINXIN_SMS_APP_KEY", "")
        self.secret = getattr(settings, "MINXIN_SMS_SIGNING_SECRET", "")
        self.timeout = float(getattr(settings, "MINXIN_SMS_TIMEOUT", 5))
        if not (self.url and self.app_key and self.secret):
            raise ImproperlyConfigured(
                "MINXIN_SMS_GATEWAY_URL, MINXIN_SMS_APP_KEY and MINXIN_SMS_SIGNING_SECRET must be set for the HTTP SMS backend"
            )

    @staticmethod
    def signature(secret: str, timestamp: str, nonce: str, body: bytes) -> str:
        msg = timestamp.encode() + b"\n" + nonce.encode() + b"\n" + body
        return hmac.new(secret.encode("utf-8"), msg, hashlib.sha256).hexdigest()

    def send(self, phone: str, text: str, *, idempotency_key: str = "") -> str:
        timestamp = str(int(time.time()))
        nonce = secrets.token_hex(8)
        payload = {"app_key": self.app_key, "phone": phone, "text": text, "timestamp": timestamp, "nonce": nonce}
        if idempotency_key:
            payload["idempotency_key"] = idempotency_key
        body = json.dumps(payload, ensure_ascii=False).encode("utf-8")
        key_header = {"Idempotency-Key": idempotency_key} if idempotency_key else {}
        req = urllib.request.Request(
            self.url,
            data=body,
            method="POST",
            headers={
                "Content-Type": "application/json; charset=utf-8",
                "X-App-Key": self.app_key,
                "X-Timestamp": timestamp,
                "X-Nonce": nonce,
                "X-Signature": self.signature(self.secret, timestamp, nonce, body),
                **key_header,
            },
        )
        try:
            with urllib.request.urlopen(req, timeout=self.timeout) as resp:
                raw = resp.read(65536)
        except urllib.error.HTTPError as exc:
            retryable = exc.code >= 500 or exc.code in (408, 429)
            raise SmsError(f"gateway answered HTTP {exc.code}", retryable=retryable) from None
        except (urllib.error.URLError, TimeoutError, OSError) as exc:
            reason = getattr(exc, "reason", exc)
            raise SmsError(f"gateway unreachable: {type(reason).__name__}", retryable=True) from None
        try:
            return str(json.loads(raw or b"{}").get("id", ""))[:64]
        except (ValueError, AttributeError):
            return ""


def get_backend() -> BaseBackend:
    path = getattr(settings, "MINXIN_SMS_BACKEND", "minxin.notify.backends.ConsoleBackend")
    try:
        cls = import_string(path)
    except ImportError as exc:
        raise ImproperlyConfigured(f"MINXIN_SMS_BACKEND {path!r} cannot be imported") from exc
    return cls()
