"""Read-only queries for the weekly summary and the session prompts.

Why a repository of its own: these queries cut across areas (people, signals, outbox) and
only read; keeping them here leaves the other repositories untouched.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.domain import WITHDRAWN_STATUS
from storage.models import OutboxRow, PersonIdentityRow, PersonRow, SignalRow


@dataclass(frozen=True, slots=True)
class Unreachable:
    person_id: int
    display_name: str
    platform: str
    since: datetime


class SummaryQueries:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def outbox_count(self, key_prefix: str) -> int:
        """Messages whose key starts with ``key_prefix`` (e.g. everyone told of one study)."""
        escaped = key_prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        return int(
            await self._session.scalar(
                select(func.count(OutboxRow.id)).where(
                    OutboxRow.key.like(f"{escaped}%", escape="\\")
                )
            )
            or 0
        )

    async def unreachable(self) -> list[Unreachable]:
        rows = await self._session.execute(
            select(
                PersonRow.id,
                PersonRow.display_name,
                PersonIdentityRow.platform,
                PersonIdentityRow.unreachable_since,
            )
            .join(PersonIdentityRow, PersonIdentityRow.person_id == PersonRow.id)
            .where(PersonIdentityRow.unreachable_since.is_not(None), PersonRow.erased.is_(False))
            .order_by(PersonIdentityRow.unreachable_since)
        )
        return [
            Unreachable(pid, name, platform, since)
            for pid, name, platform, since in rows
            if since is not None
        ]

    async def signal_themes_between(
        self, since: datetime, until: datetime
    ) -> list[tuple[datetime, str | None]]:
        """(created_at, theme or sub-domain key) of every signal in the period: not merged into
        another, not withdrawn by its reporter (then it is no signal any more)."""
        rows = await self._session.execute(
            select(
                SignalRow.created_at, func.coalesce(SignalRow.theme_key, SignalRow.subdomain_key)
            ).where(
                SignalRow.created_at >= since,
                SignalRow.created_at < until,
                SignalRow.merged_into_id.is_(None),
                SignalRow.status != WITHDRAWN_STATUS,
            )
        )
        return [(created, key) for created, key in rows]
