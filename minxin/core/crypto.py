"""Field encryption and blind indexes for personal data.

Names, ID numbers and phones are stored encrypted (Fernet: AES-128-CBC + HMAC)
so a leaked database dump or backup does not leak petitioners. Exact-match
search (e.g. "this ID number's earlier cases") goes through a keyed HMAC of the
normalised value — the blind index — which reveals nothing without the key.
Both keys are derived from MINXIN_FIELD_KEY with HKDF, so one secret is kept.
"""

import base64
import functools
import hashlib
import hmac

from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings


def _derive(purpose: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=b"minxin-field-keys", info=purpose).derive(
        settings.FIELD_KEY.encode("utf-8")
    )


@functools.cache
def _fernet(field_key: str) -> Fernet:
    return Fernet(base64.urlsafe_b64encode(_derive(b"encrypt")))


@functools.cache
def _index_key(field_key: str) -> bytes:
    return _derive(b"blind-index")


def encrypt(value: str) -> str:
    if value in (None, ""):
        return ""
    return _fernet(settings.FIELD_KEY).encrypt(value.encode("utf-8")).decode("ascii")


def decrypt(token: str) -> str:
    if not token:
        return ""
    try:
        return _fernet(settings.FIELD_KEY).decrypt(token.encode("ascii")).decode("utf-8")
    except InvalidToken as exc:
        raise ValueError("field cannot be decrypted with the configured MINXIN_FIELD_KEY") from exc


def normalise(value: str) -> str:
    return "".join(value.split()).upper()


def blind_index(kind: str, value: str) -> str:
    """Keyed hash for exact-match lookup; `kind` keeps ID and phone indexes apart."""
    if not value:
        return ""
    msg = f"{kind}:{normalise(value)}".encode("utf-8")
    return hmac.new(_index_key(settings.FIELD_KEY), msg, hashlib.sha256).hexdigest()
