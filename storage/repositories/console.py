"""Messages for console people: written by the dispatcher, read by an open ``signaalbot chat``."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import ConsoleMessageRow


@dataclass(frozen=True, slots=True)
class ConsoleMessage:
    id: int
    user_id: str
    payload: dict[str, Any]
    created_at: datetime


class ConsoleInboxRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def deliver(self, user_id: str, payload: dict[str, Any], now: datetime) -> int:
        row = ConsoleMessageRow(user_id=user_id, payload=payload, created_at=now)
        self._session.add(row)
        await self._session.flush()
        return row.id

    async def unshown(self, user_id: str, limit: int = 100) -> list[ConsoleMessage]:
        """Messages not yet shown to ``user_id``, oldest first."""
        rows = await self._session.scalars(
            select(ConsoleMessageRow)
            .where(ConsoleMessageRow.user_id == user_id, ConsoleMessageRow.shown_at.is_(None))
            .order_by(ConsoleMessageRow.id)
            .limit(limit)
        )
        return [ConsoleMessage(r.id, r.user_id, dict(r.payload), r.created_at) for r in rows]

    async def mark_shown(self, ids: Iterable[int], now: datetime) -> None:
        wanted = list(ids)
        if wanted:
            await self._session.execute(
                update(ConsoleMessageRow)
                .where(ConsoleMessageRow.id.in_(wanted))
                .values(shown_at=now)
            )

    async def forget(self, user_id: str) -> None:
        """Privacy erase: drop every message of this console person."""
        await self._session.execute(
            delete(ConsoleMessageRow).where(ConsoleMessageRow.user_id == user_id)
        )
