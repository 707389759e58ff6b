"""The signature on every webhook request (the same scheme as Stripe's):

    Minxin-Signature: t=1767225600,v1=5257a869e7ecebeda32affa62cdca3fa51cad7e77a0e56ff536d0ce8e108d8bd

`t` is the Unix time of sending; `v1` is hex HMAC-SHA256 over `f"{t}.{raw body}"` keyed with the
subscription's secret. A receiver recomputes it over the raw bytes it received, compares in constant
time, and refuses a `t` older than a few minutes (replayed requests). More than one `v1` may appear
while a secret is being changed; any match is enough.
"""

import hashlib
import hmac
import time

HEADER = "Minxin-Signature"
TOLERANCE_SECONDS = 300


def compute(secret: str, timestamp: int, body: bytes) -> str:
    return hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()


def header(secret: str, body: bytes, *, timestamp: int | None = None) -> str:
    t = int(time.time()) if timestamp is None else timestamp
    return f"t={t},v1={compute(secret, t, body)}"


def verify(secret: str, body: bytes, value: str, *, tolerance: int = TOLERANCE_SECONDS, now: int | None = None) -> bool:
    """True when `value` (the header) signs `body` with `secret` and is recent enough."""
    parts: dict[str, list[str]] = {}
    for item in (value or "").split(","):
        key, _sep, val = item.strip().partition("=")
        parts.setdefault(key, []).append(val)
    try:
        t = int(parts.get("t", [""])[0])
    except ValueError:
        return False
    if abs((int(time.time()) if now is None else now) - t) > tolerance:
        return False
    expected = compute(secret, t, body)
    return any(hmac.compare_digest(expected, v) for v in parts.get("v1", []))
