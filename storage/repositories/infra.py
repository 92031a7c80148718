"""Conversation state, idempotency keys, audit trail and the outbox."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from storage.domain import AuditEvent, OutboxMessage
from storage.models import AuditEventRow, ConversationStateRow, OutboxRow, ProcessedEventRow


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


class ProcessedEventRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def first_time(self, key: str, now: datetime) -> bool:
        """Claim an idempotency key; False when the event was handled before."""
        try:
            async with self._session.begin_nested():
                self._session.add(ProcessedEventRow(key=key, received_at=now))
                await self._session.flush()
        except IntegrityError:
            return False
        return True

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


def to_outbox(row: OutboxRow) -> OutboxMessage:
    return OutboxMessage(
        id=row.id,
        key=row.key,
        person_id=row.person_id,
        payload=dict(row.payload),
        status=row.status,
        attempts=row.attempts,
        not_before=row.not_before,
        platform=row.platform,
        platform_message_id=row.platform_message_id,
        last_error=row.last_error,
        created_at=row.created_at,
        sent_at=row.sent_at,
    )


class OutboxRepository:
    """Messages to send later. Claiming and sending belong to ``cycle``'s dispatcher."""

    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def enqueue(
        self,
        *,
        key: str,
        person_id: int,
        payload: dict[str, Any],
        now: datetime,
        not_before: datetime | None = None,
    ) -> bool:
        """Add a message unless one with this key exists; True when it was added."""
        try:
            async with self._session.begin_nested():
                self._session.add(
                    OutboxRow(
                        key=key,
                        person_id=person_id,
                        payload=payload,
                        not_before=not_before or now,
                        created_at=now,
                    )
                )
                await self._session.flush()
        except IntegrityError:
            return False
        return True

    async def get(self, message_id: int) -> OutboxMessage | None:
        row = await self._session.get(OutboxRow, message_id)
        return to_outbox(row) if row else None

    async def find(self, status: str | None = None, limit: int = 100) -> list[OutboxMessage]:
        query = select(OutboxRow).order_by(OutboxRow.id).limit(limit)
        if status:
            query = query.where(OutboxRow.status == status)
        return [to_outbox(r) for r in await self._session.scalars(query)]
