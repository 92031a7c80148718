"""Slack installations and OAuth state: plain data in, plain data out (no slack_sdk here)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import SlackInstallationRow, SlackOAuthStateRow


@dataclass(frozen=True, slots=True)
class SlackInstallation:
    enterprise_id: str
    team_id: str
    user_id: str
    is_enterprise_install: bool
    bot_token: str | None
    data: dict[str, Any]
    installed_at: datetime


def _to_installation(row: SlackInstallationRow) -> SlackInstallation:
    return SlackInstallation(
        enterprise_id=row.enterprise_id,
        team_id=row.team_id,
        user_id=row.user_id,
        is_enterprise_install=row.is_enterprise_install,
        bot_token=row.bot_token,
        data=dict(row.data),
        installed_at=row.installed_at,
    )


class SlackInstallationRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def add(
        self,
        *,
        client_id: str,
        enterprise_id: str,
        team_id: str,
        user_id: str,
        is_enterprise_install: bool,
        bot_token: str | None,
        bot_id: str | None,
        bot_user_id: str | None,
        app_id: str | None,
        data: dict[str, Any],
        installed_at: datetime,
    ) -> None:
        self._session.add(
            SlackInstallationRow(
                client_id=client_id,
                app_id=app_id,
                enterprise_id=enterprise_id,
                team_id=team_id,
                user_id=user_id,
                is_enterprise_install=is_enterprise_install,
                bot_token=bot_token,
                bot_id=bot_id,
                bot_user_id=bot_user_id,
                data=data,
                installed_at=installed_at,
            )
        )
        await self._session.flush()

    async def latest(
        self,
        *,
        enterprise_id: str,
        team_id: str,
        user_id: str | None = None,
        with_bot: bool = False,
    ) -> SlackInstallation | None:
        query = select(SlackInstallationRow).where(
            SlackInstallationRow.enterprise_id == enterprise_id,
            SlackInstallationRow.team_id == team_id,
        )
        if user_id is not None:
            query = query.where(SlackInstallationRow.user_id == user_id)
        if with_bot:
            query = query.where(SlackInstallationRow.bot_token.is_not(None))
        row = await self._session.scalar(
            query.order_by(
                SlackInstallationRow.installed_at.desc(), SlackInstallationRow.id.desc()
            ).limit(1)
        )
        return _to_installation(row) if row else None

    async def delete(self, *, enterprise_id: str, team_id: str, user_id: str | None = None) -> int:
        query = delete(SlackInstallationRow).where(
            SlackInstallationRow.enterprise_id == enterprise_id,
            SlackInstallationRow.team_id == team_id,
        )
        if user_id is not None:
            query = query.where(SlackInstallationRow.user_id == user_id)
        result = await self._session.execute(query)
        return int(getattr(result, "rowcount", 0) or 0)

    async def forget_bot(self, *, enterprise_id: str, team_id: str) -> None:
        """The bot token was revoked: keep who installed, drop the token."""
        rows = await self._session.scalars(
            select(SlackInstallationRow).where(
                SlackInstallationRow.enterprise_id == enterprise_id,
                SlackInstallationRow.team_id == team_id,
            )
        )
        for row in rows:
            row.bot_token = None
            row.data = {**row.data, "bot_token": None}

    async def rewrite_secrets(
        self,
        token: Callable[[str | None], str | None],
        data: Callable[[dict[str, Any]], dict[str, Any]],
    ) -> int:
        """Apply ``token`` to every bot token column and ``data`` to every data document."""
        rows = list(await self._session.scalars(select(SlackInstallationRow)))
        for row in rows:
            row.bot_token = token(row.bot_token)
            row.data = data(dict(row.data))
        await self._session.flush()
        return len(rows)

    # --- OAuth state ----------------------------------------------------------------------

    async def issue_state(self, state: str, expires_at: datetime) -> None:
        self._session.add(SlackOAuthStateRow(state=state, expires_at=expires_at))
        await self._session.flush()

    async def consume_state(self, state: str, now: datetime) -> bool:
        """True once for a known, unexpired state; the state is gone afterwards."""
        row = await self._session.get(SlackOAuthStateRow, state)
        await self._session.execute(
            delete(SlackOAuthStateRow).where(
                (SlackOAuthStateRow.state == state) | (SlackOAuthStateRow.expires_at < now)
            )
        )
        return row is not None and row.expires_at >= now
