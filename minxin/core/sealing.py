"""Keyed seals for the audit chains (case events, security events).

A plain SHA-256 chain proves only that rows agree with each other: whoever can
write to the database can edit a row and recompute every hash after it. Each
link is therefore an HMAC-SHA256 under MINXIN_AUDIT_KEY, which lives outside the
database; a chain rebuilt without the key — with plain SHA-256 or a wrong key —
no longer verifies.

Every sealed row stores the id of the key that sealed it (a keyed fingerprint
that reveals nothing about the key). After a rotation the previous keys stay in
MINXIN_AUDIT_OLD_KEYS, so older rows still verify; `manage.py audit reseal`
re-signs every intact chain with the current key, after which old keys can go.
"""

import functools
import hashlib
import hmac

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder

# Rows sealed before keyed seals existed carry no key id and a plain SHA-256.
LEGACY_KEY_ID = ""


# json.dumps(parts, cls=DjangoJSONEncoder, ensure_ascii=False, sort_keys=True, separators=(",", ":")),
# with the encoder built once (json.dumps builds one per call when given options).
_CANONICAL = DjangoJSONEncoder(ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def canonical(parts: list) -> bytes:
    return _CANONICAL.encode(parts).encode("utf-8")


@functools.cache
def key_id_of(key: str) -> str:
    return hmac.new(key.encode("utf-8"), b"minxin-audit-key-id", hashlib.sha256).hexdigest()[:12]


def keyring() -> dict[str, str]:
    """Key id -> key, the current key and every old one still accepted for verifying."""
    ring = {key_id_of(k): k for k in settings.AUDIT_OLD_KEYS if k}
    ring[key_id_of(settings.AUDIT_KEY)] = settings.AUDIT_KEY
    return ring


def current_key_id() -> str:
    return key_id_of(settings.AUDIT_KEY)


def seal(parts: list, *, key_id: str | None = None) -> tuple[str, str]:
    """(key id, hex HMAC-SHA256) of `parts` under the current key, or under `key_id` from the ring."""
    key_id = key_id or current_key_id()
    key = keyring()[key_id]
    return key_id, hmac.new(key.encode("utf-8"), canonical([key_id, *parts]), hashlib.sha256).hexdigest()


class Sealer:
    """`seal` for many rows in a row (bulk loaders): the key looked up and the HMAC keyed once."""

    def __init__(self):
        self.key_id = current_key_id()
        self._mac = hmac.new(keyring()[self.key_id].encode("utf-8"), digestmod=hashlib.sha256)

    def __call__(self, parts: list) -> tuple[str, str]:
        mac = self._mac.copy()
        mac.update(canonical([self.key_id, *parts]))
        return self.key_id, mac.hexdigest()


def legacy_digest(parts: list) -> str:
    """The unkeyed SHA-256 that chains used before keyed seals; only for migrating them."""
    return hashlib.sha256(canonical(parts)).hexdigest()


def check(parts: list, *, key_id: str, digest: str) -> str | None:
    """None when `digest` is the seal of `parts` under `key_id`; otherwise why not (Chinese)."""
    if key_id == LEGACY_KEY_ID:
        return "记录未经审计密钥签名（无密钥哈希），可能是在没有密钥的情况下被重建"
    if key_id not in keyring():
        return f"记录由未知的审计密钥（编号{key_id}）签名：密钥错误，或旧密钥未列入 MINXIN_AUDIT_OLD_KEYS"
    if not hmac.compare_digest(seal(parts, key_id=key_id)[1], digest):
        return "内容与哈希签名不符，记录被篡改或链被无密钥重建"
    return None
