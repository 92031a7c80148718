"""Conversation state, idempotency keys, audit trail and the outbox."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.domain import AuditEvent
from storage.models import AuditEventRow, ConversationStateRow, ProcessedEventRow
from storage.repositories.upsert import insert_for


class ConversationStateRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def _row(self, platform: str, user_id: str, flow: str) -> ConversationStateRow | None:
        return await self._session.scalar(
            select(ConversationStateRow).where(
                ConversationStateRow.platform == platform,
                ConversationStateRow.user_id == user_id,
                ConversationStateRow.flow == flow,
            )
        )

    async def get(self, platform: str, user_id: str, flow: str) -> dict[str, Any] | None:
        row = await self._row(platform, user_id, flow)
        return dict(row.data) if row else None

    async def put(
        self, platform: str, user_id: str, flow: str, data: dict[str, Any], now: datetime
    ) -> None:
        row = await self._row(platform, user_id, flow)
        if row is None:
            self._session.add(
                ConversationStateRow(
                    platform=platform, user_id=user_id, flow=flow, data=data, updated_at=now
                )
            )
        else:
            row.data, row.updated_at = data, now
        await self._session.flush()

    async def clear(self, platform: str, user_id: str, flow: str) -> None:
        await self._session.execute(
            delete(ConversationStateRow).where(
                ConversationStateRow.platform == platform,
                ConversationStateRow.user_id == user_id,
                ConversationStateRow.flow == flow,
            )
        )


# Every turn with a delivery key reads it: built once (building cost as much as running it).
_ANSWER = select(ProcessedEventRow.key, ProcessedEventRow.replies).where(
    ProcessedEventRow.key == bindparam("key")
)


class ProcessedEventRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def first_time(
        self, key: str, now: datetime, replies: list[dict[str, Any]] | None = None
    ) -> bool:
        """Claim an idempotency key, with the answer so far; False when handled before.

        One ``INSERT … ON CONFLICT DO NOTHING``: every turn with a key claims it, and a
        savepoint around an ORM insert cost three statements and a flush."""
        statement = (
            insert_for(self._session, ProcessedEventRow)
            .values(key=key, received_at=now, replies=replies)
            .on_conflict_do_nothing(index_elements=[ProcessedEventRow.key])
            .returning(ProcessedEventRow.key)
        )
        return await self._session.scalar(statement) is not None

    async def answer(self, key: str) -> tuple[bool, list[dict[str, Any]] | None]:
        """(seen, replies): whether ``key`` was committed before, and what the turn answered."""
        row = (await self._session.execute(_ANSWER, {"key": key})).first()
        if row is None:
            return False, None
        replies = row[1]
        return True, list(replies) if replies is not None else None

    async def keep_answer(self, key: str, replies: list[dict[str, Any]]) -> None:
        await self._session.execute(
            update(ProcessedEventRow).where(ProcessedEventRow.key == key).values(replies=replies)
        )

    async def release(self, key: str) -> None:
        """Forget a key after a failed turn, so the platform's retry is handled."""
        await self._session.execute(delete(ProcessedEventRow).where(ProcessedEventRow.key == key))

    async def forget_before(self, moment: datetime) -> None:
        await self._session.execute(
            delete(ProcessedEventRow).where(ProcessedEventRow.received_at < moment)
        )


class AuditRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def record(
        self,
        *,
        actor_id: int | None,
        action: str,
        entity: str,
        entity_id: str | int,
        now: datetime,
        details: dict[str, Any] | None = None,
    ) -> None:
        self._session.add(
            AuditEventRow(
                at=now,
                actor_id=actor_id,
                action=action,
                entity=entity,
                entity_id=str(entity_id),
                details=details or {},
            )
        )

    async def for_entity(self, entity: str, entity_id: str | int) -> list[AuditEvent]:
        rows = await self._session.scalars(
            select(AuditEventRow)
            .where(AuditEventRow.entity == entity, AuditEventRow.entity_id == str(entity_id))
            .order_by(AuditEventRow.id)
        )
        return [_audit(r) for r in rows]

    async def by_actor(self, actor_id: int) -> list[AuditEvent]:
        rows = await self._session.scalars(
            select(AuditEventRow)
            .where(AuditEventRow.actor_id == actor_id)
            .order_by(AuditEventRow.id)
        )
        return [_audit(r) for r in rows]


def _audit(row: AuditEventRow) -> AuditEvent:
    return AuditEvent(
        id=row.id,
        at=row.at,
        actor_id=row.actor_id,
        action=row.action,
        entity=row.entity,
        entity_id=row.entity_id,
        details=dict(row.details),
    )
