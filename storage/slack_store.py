"""bolt's installation and OAuth-state stores, on our database (SQLite or PostgreSQL).

Why our own implementation: slack_sdk's SQLAlchemy stores are synchronous and keep their own
metadata outside our migrations. These run on the app's async engine through the unit of work.
Tokens are stored encrypted (:mod:`storage.token_cipher`, keys from ``SIGNAALBOT_SLACK_TOKEN_KEYS``);
they are decrypted only when bolt asks for an installation.
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Callable
from contextlib import AbstractAsyncContextManager
from datetime import datetime, timedelta
from typing import Any

from slack_sdk.oauth.installation_store import Bot, Installation
from slack_sdk.oauth.installation_store.async_installation_store import AsyncInstallationStore
from slack_sdk.oauth.state_store.async_state_store import AsyncOAuthStateStore
from typing_extensions import override

from storage.token_cipher import TokenCipher
from storage.uow import UnitOfWork

UowFactory = Callable[[], AbstractAsyncContextManager[UnitOfWork]]
Now = Callable[[], datetime]

_BOT_KEYS = (
    "app_id",
    "enterprise_id",
    "enterprise_name",
    "team_id",
    "team_name",
    "bot_token",
    "bot_id",
    "bot_user_id",
    "bot_scopes",
    "bot_refresh_token",
    "bot_token_expires_at",
    "is_enterprise_install",
    "installed_at",
)


def _jsonable(data: dict[str, Any]) -> dict[str, Any]:
    """slack_sdk hands out datetimes; JSON columns want numbers (epoch seconds)."""
    return {k: (v.timestamp() if isinstance(v, datetime) else v) for k, v in data.items()}


class SqlInstallationStore(AsyncInstallationStore):
    def __init__(self, uow: UowFactory, now: Now, cipher: TokenCipher, client_id: str = "") -> None:
        self._uow = uow
        self._now = now
        self._cipher = cipher
        self._client_id = client_id
        self._logger = logging.getLogger("signaalbot.slack.installations")

    @property
    @override
    def logger(self) -> logging.Logger:
        return self._logger

    @override
    async def async_save(self, installation: Installation) -> None:
        data = self._cipher.seal(_jsonable(installation.to_dict()))
        async with self._uow() as uow:
            await uow.slack.add(
                client_id=self._client_id,
                enterprise_id=installation.enterprise_id or "",
                team_id=installation.team_id or "",
                user_id=installation.user_id,
                is_enterprise_install=bool(installation.is_enterprise_install),
                bot_token=self._cipher.encrypt(installation.bot_token),
                bot_id=installation.bot_id,
                bot_user_id=installation.bot_user_id,
                app_id=installation.app_id,
                data=data,
                installed_at=self._now(),
            )
            await uow.commit()

    @override
    async def async_save_bot(self, bot: Bot) -> None:
        data = _jsonable(bot.to_dict())
        installation = Installation(user_id="", **{k: v for k, v in data.items() if k in _BOT_KEYS})
        await self.async_save(installation)

    @staticmethod
    def _key(
        enterprise_id: str | None, team_id: str | None, is_enterprise_install: bool | None
    ) -> tuple[str, str]:
        # An org-wide install answers for every workspace of the org.
        return enterprise_id or "", "" if is_enterprise_install else (team_id or "")

    @override
    async def async_find_bot(
        self,
        *,
        enterprise_id: str | None,
        team_id: str | None,
        is_enterprise_install: bool | None = False,
    ) -> Bot | None:
        ent, team = self._key(enterprise_id, team_id, is_enterprise_install)
        async with self._uow() as uow:
            found = await uow.slack.latest(enterprise_id=ent, team_id=team, with_bot=True)
        if found is None:
            return None
        data = self._cipher.open(found.data)
        return Bot(**{k: v for k, v in data.items() if k in _BOT_KEYS and v is not None})

    @override
    async def async_find_installation(
        self,
        *,
        enterprise_id: str | None,
        team_id: str | None,
        user_id: str | None = None,
        is_enterprise_install: bool | None = False,
    ) -> Installation | None:
        ent, team = self._key(enterprise_id, team_id, is_enterprise_install)
        async with self._uow() as uow:
            found = await uow.slack.latest(enterprise_id=ent, team_id=team, user_id=user_id)
        if found is None:
            return None
        return Installation(**self._cipher.open(found.data))

    async def rotate(self) -> int:
        """Re-encrypt every stored token under the first configured key; the number of rows."""
        async with self._uow() as uow:
            count = await uow.slack.rewrite_secrets(self._cipher.rotate, self._cipher.reseal)
            await uow.commit()
        return count

    @override
    async def async_delete_bot(self, *, enterprise_id: str | None, team_id: str | None) -> None:
        async with self._uow() as uow:
            await uow.slack.forget_bot(enterprise_id=enterprise_id or "", team_id=team_id or "")
            await uow.commit()

    @override
    async def async_delete_installation(
        self, *, enterprise_id: str | None, team_id: str | None, user_id: str | None = None
    ) -> None:
        async with self._uow() as uow:
            await uow.slack.delete(
                enterprise_id=enterprise_id or "", team_id=team_id or "", user_id=user_id
            )
            await uow.commit()

    @override
    async def async_delete_all(self, *, enterprise_id: str | None, team_id: str | None) -> None:
        await self.async_delete_installation(enterprise_id=enterprise_id, team_id=team_id)


class SqlOAuthStateStore(AsyncOAuthStateStore):
    def __init__(self, uow: UowFactory, now: Now, expiration_seconds: int = 600) -> None:
        self._uow = uow
        self._now = now
        self._ttl = timedelta(seconds=expiration_seconds)
        self._logger = logging.getLogger("signaalbot.slack.oauth_state")

    @property
    @override
    def logger(self) -> logging.Logger:
        return self._logger

    @override
    async def async_issue(self, *args: Any, **kwargs: Any) -> str:
        state = secrets.token_urlsafe(24)
        async with self._uow() as uow:
            await uow.slack.issue_state(state, self._now() + self._ttl)
            await uow.commit()
        return state

    @override
    async def async_consume(self, state: str) -> bool:
        async with self._uow() as uow:
            valid = await uow.slack.consume_state(state[:100], self._now())
            await uow.commit()
        return valid
