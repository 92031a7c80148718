"""Slack tokens at rest: encrypted with Fernet keys from the settings, rotation with MultiFernet.

Why: an installation row holds a bot token that can read and write in a whole workspace. A copy
of the database (a backup, a support dump) must not be a copy of those tokens. The keys come
from ``SIGNAALBOT_SLACK_TOKEN_KEYS`` (comma-separated, newest first): the first key encrypts,
every key decrypts, so a new key can be put in front and the old ones removed after
:meth:`SqlInstallationStore.rotate` has re-encrypted the stored tokens.

A stored value looks like ``fernet:<token>``; a value without that prefix was stored before
encryption and is read as it is (and encrypted by the next rotation).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from cryptography.fernet import Fernet, InvalidToken, MultiFernet

PREFIX = "fernet:"
SECRET_KEYS = frozenset({"bot_token", "bot_refresh_token", "user_token", "user_refresh_token"})


class TokenKeyError(ValueError):
    """The configured keys are missing or not Fernet keys; the message says what to set."""


class UndecryptableTokenError(ValueError):
    """A stored token was encrypted with a key that is no longer configured."""


def parse_keys(raw: str) -> list[bytes]:
    keys = [part.strip().encode("ascii", "replace") for part in raw.split(",") if part.strip()]
    if not keys:
        raise TokenKeyError("SIGNAALBOT_SLACK_TOKEN_KEYS holds no key")
    for index, key in enumerate(keys, start=1):
        try:
            Fernet(key)
        except ValueError:
            raise TokenKeyError(
                f"SIGNAALBOT_SLACK_TOKEN_KEYS key {index} is not a Fernet key (32 url-safe "
                "base64-encoded bytes; make one with `signaalbot slack new-key`)"
            ) from None
    return keys


def new_key() -> str:
    return Fernet.generate_key().decode("ascii")


class TokenCipher:
    """Encrypts and decrypts the secret fields of an installation."""

    def __init__(self, keys: Iterable[bytes]) -> None:
        self._fernet = MultiFernet([Fernet(k) for k in keys])

    @classmethod
    def from_setting(cls, raw: str) -> TokenCipher:
        return cls(parse_keys(raw))

    def encrypt(self, value: str | None) -> str | None:
        if value is None or value.startswith(PREFIX):
            return value
        return PREFIX + self._fernet.encrypt(value.encode("utf-8")).decode("ascii")

    def decrypt(self, value: str | None) -> str | None:
        if value is None or not value.startswith(PREFIX):
            return value  # stored before encryption
        try:
            return self._fernet.decrypt(value[len(PREFIX) :].encode("ascii")).decode("utf-8")
        except InvalidToken:
            raise UndecryptableTokenError(
                "a stored Slack token was encrypted with a key that is not in "
                "SIGNAALBOT_SLACK_TOKEN_KEYS"
            ) from None

    def rotate(self, value: str | None) -> str | None:
        """The same secret under the first key (plain legacy values get encrypted)."""
        if value is None:
            return None
        if not value.startswith(PREFIX):
            return self.encrypt(value)
        token = self._fernet.rotate(value[len(PREFIX) :].encode("ascii"))
        return PREFIX + token.decode("ascii")

    def seal(self, data: Mapping[str, Any]) -> dict[str, Any]:
        return {
            k: self.encrypt(v) if k in SECRET_KEYS and isinstance(v, str) else v
            for k, v in data.items()
        }

    def open(self, data: Mapping[str, Any]) -> dict[str, Any]:
        return {
            k: self.decrypt(v) if k in SECRET_KEYS and isinstance(v, str) else v
            for k, v in data.items()
        }

    def reseal(self, data: Mapping[str, Any]) -> dict[str, Any]:
        return {
            k: self.rotate(v) if k in SECRET_KEYS and isinstance(v, str) else v
            for k, v in data.items()
        }
