"""Encrypt stored database passwords with Fernet, keyed from SECRET_KEY.

The key is derived with HKDF-SHA256 and a fixed salt/info, so the same
SECRET_KEY always gives the same key and nothing extra has to be stored.
Passwords are decrypted with SECRET_KEY or any key in SECRET_KEY_FALLBACKS
(MultiFernet), so a new SECRET_KEY keeps them readable while the old one is a
fallback; `rowbook rotate-secrets` then re-encrypts them with the new key.
A password that matches no key raises UndecryptablePassword: the UI then asks
for the password again instead of failing.
"""

import base64

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

SALT = b"rowbook.connections.v1"
INFO = b"rowbook: stored database passwords"


class UndecryptablePassword(Exception):
    """The token was made with a key that is neither SECRET_KEY nor a fallback (or is damaged)."""


def _fernet(secret_key: str) -> Fernet:
    key = HKDF(algorithm=hashes.SHA256(), length=32, salt=SALT, info=INFO).derive(
        secret_key.encode("utf-8"))
    return Fernet(base64.urlsafe_b64encode(key))


def _keys(secret_key: str | None) -> MultiFernet:
    """The given key alone, or the settings' SECRET_KEY first, then its fallbacks."""
    if secret_key is not None:
        return MultiFernet([_fernet(secret_key)])
    from django.conf import settings

    keys = [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", ())]
    return MultiFernet([_fernet(key) for key in keys])


def encrypt(password: str, secret_key: str | None = None) -> str:
    # MultiFernet encrypts with its first key: SECRET_KEY.
    return _keys(secret_key).encrypt(password.encode("utf-8")).decode("ascii")


def decrypt(token: str, secret_key: str | None = None) -> str:
    try:
        return _keys(secret_key).decrypt(token.encode("ascii")).decode("utf-8")
    except (InvalidToken, ValueError):
        raise UndecryptablePassword() from None


def rotate(token: str) -> str:
    """The same password, encrypted anew with the current SECRET_KEY."""
    try:
        return _keys(None).rotate(token.encode("ascii")).decode("ascii")
    except (InvalidToken, ValueError):
        raise UndecryptablePassword() from None
