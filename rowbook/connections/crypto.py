"""Encrypt stored database passwords with Fernet, keyed from SECRET_KEY.

The key is derived with HKDF-SHA256 and a fixed salt/info, so the same
SECRET_KEY always gives the same key and nothing extra has to be stored.
Changing SECRET_KEY makes old passwords undecryptable: the UI then asks for
the password again instead of failing.
"""

import base64

from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

SALT = b"rowbook.connections.v1"
INFO = b"rowbook: stored database passwords"


class UndecryptablePassword(Exception):
    """The token was made with another SECRET_KEY (or is damaged)."""


def _fernet(secret_key: str | None) -> Fernet:
    if secret_key is None:
        from django.conf import settings

        secret_key = settings.SECRET_KEY
    key = HKDF(algorithm=hashes.SHA256(), length=32, salt=SALT, info=INFO).derive(
        secret_key.encode("utf-8"))
    return Fernet(base64.urlsafe_b64encode(key))


def encrypt(password: str, secret_key: str | None = None) -> str:
    return _fernet(secret_key).encrypt(password.encode("utf-8")).decode("ascii")


def decrypt(token: str, secret_key: str | None = None) -> str:
    try:
        return _fernet(secret_key).decrypt(token.encode("ascii")).decode("utf-8")
    except (InvalidToken, ValueError):
        raise UndecryptablePassword() from None
