"""The outbox: every message waiting to be sent, and everything done with it.

Why one repository: handlers enqueue notices, the cycle enqueues prompts in bulk, the
dispatcher claims and records, operators retry, privacy export and erase read and drop. One
place owns the table, so a rule (unique keys, leases, office hours) is written once.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import and_, delete, func, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from storage.domain import OutboxMessage
from storage.models import OutboxRow
from storage.repositories.upsert import insert_for

CHUNK = 500


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
        office_hours_only=row.office_hours_only,
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
        office_hours_only: bool = True,
    ) -> bool:
        """Add a message unless one with this key exists; True when it was added.

        ``office_hours_only=False`` for a notice about something the person just did: it goes
        out at once instead of waiting for the next working moment.
        """
        try:
            async with self._session.begin_nested():
                self._session.add(
                    OutboxRow(
                        key=key,
                        person_id=person_id,
                        payload=payload,
                        not_before=not_before or now,
                        office_hours_only=office_hours_only,
                        created_at=now,
                    )
                )
                await self._session.flush()
        except IntegrityError:
            return False
        return True

    async def take(
        self, key: str, *, token: str, now: datetime, until: datetime
    ) -> tuple[bool, OutboxMessage | None]:
        """Lease the message with ``key`` for ``token`` whether it is due or not, as the
        dispatcher's claim would; (whether the key exists, the message when it was taken).

        Why: a sender that would deliver this message itself (the adapter, right after the
        turn) takes it first, so the dispatcher cannot send it at the same time; one that finds
        it taken or sent leaves it. The conditional UPDATE makes the two claims exclusive.
        """
        claimable = and_(
            OutboxRow.key == key,
            OutboxRow.status == "pending",
            or_(OutboxRow.claimed_until.is_(None), OutboxRow.claimed_until < now),
        )
        result = await self._session.execute(
            update(OutboxRow)
            .where(claimable)
            .values(claimed_by=token, claimed_until=until)
            .execution_options(synchronize_session=False)
        )
        if not getattr(result, "rowcount", 0):
            return await self.has(key), None
        row = await self._session.scalar(
            select(OutboxRow)
            .where(OutboxRow.key == key, OutboxRow.claimed_by == token)
            .execution_options(populate_existing=True)
        )
        return True, to_outbox(row) if row is not None else None

    async def drop_pending(self, key: str) -> None:
        """Forget the message with ``key`` unless a sender holds it or it went out."""
        await self._session.execute(
            delete(OutboxRow).where(
                OutboxRow.key == key,
                OutboxRow.status == "pending",
                OutboxRow.claimed_by.is_(None),
            )
        )

    async def get(self, message_id: int) -> OutboxMessage | None:
        row = await self._session.get(OutboxRow, message_id)
        return to_outbox(row) if row else None

    async def existing_keys(self, keys: Iterable[str]) -> set[str]:
        wanted = list(dict.fromkeys(keys))
        found: set[str] = set()
        for start in range(0, len(wanted), CHUNK):
            found.update(
                await self._session.scalars(
                    select(OutboxRow.key).where(OutboxRow.key.in_(wanted[start : start + CHUNK]))
                )
            )
        return found

    async def enqueue_many(self, rows: Sequence[Mapping[str, Any]], now: datetime) -> set[str]:
        """Insert many messages at once; a key that exists is skipped (``ON CONFLICT DO NOTHING``).

        Same meaning as :meth:`OutboxRepository.enqueue` row by row, without a savepoint per row.
        Each row has ``key``, ``person_id``, ``payload`` and ``not_before``. Returns the keys added.
        """
        if not rows:
            return set()
        added: set[str] = set()
        for start in range(0, len(rows), CHUNK):
            values = [
                {
                    "key": r["key"],
                    "person_id": r["person_id"],
                    "payload": r["payload"],
                    "not_before": r["not_before"],
                    "status": "pending",
                    "attempts": 0,
                    "last_error": "",
                    "created_at": now,
                }
                for r in rows[start : start + CHUNK]
            ]
            statement = (
                insert_for(self._session, OutboxRow)
                .values(values)
                .on_conflict_do_nothing(index_elements=["key"])
                .returning(OutboxRow.key)
            )
            added.update(await self._session.scalars(statement))
        return added

    async def cancel_pending(
        self, prefixes: Iterable[str], *, person_id: int | None = None, status: str = "cancelled"
    ) -> int:
        """Retire pending messages whose key starts with one of ``prefixes`` (stale prompts)."""
        conditions = [OutboxRow.key.startswith(p, autoescape=True) for p in prefixes]
        if not conditions:
            return 0
        query = (
            update(OutboxRow)
            .where(OutboxRow.status == "pending", or_(*conditions))
            .values(status=status, claimed_by=None, claimed_until=None)
        )
        if person_id is not None:
            query = query.where(OutboxRow.person_id == person_id)
        result = await self._session.execute(query)
        return int(getattr(result, "rowcount", 0))

    async def supersede(self, keys: Iterable[str]) -> int:
        wanted = list(keys)
        if not wanted:
            return 0
        result = await self._session.execute(
            update(OutboxRow)
            .where(OutboxRow.key.in_(wanted), OutboxRow.status == "pending")
            .values(status="superseded", claimed_by=None, claimed_until=None)
        )
        return int(getattr(result, "rowcount", 0))

    async def claim(
        self, *, token: str, now: datetime, until: datetime, limit: int, skip_locked: bool
    ) -> list[OutboxMessage]:
        """Claim up to ``limit`` due messages for ``token`` (a lease that ends at ``until``).

        PostgreSQL: ``FOR UPDATE SKIP LOCKED`` lets several dispatchers claim side by side.
        SQLite: one writer at a time; the conditions in the UPDATE keep a claim exclusive.
        """
        claimable = and_(
            OutboxRow.status == "pending",
            OutboxRow.not_before <= now,
            or_(OutboxRow.claimed_until.is_(None), OutboxRow.claimed_until < now),
        )
        query = (
            select(OutboxRow.id)
            .where(claimable)
            .order_by(OutboxRow.not_before, OutboxRow.id)
            .limit(limit)
        )
        if skip_locked:
            query = query.with_for_update(skip_locked=True)
        ids = list(await self._session.scalars(query))
        if not ids:
            return []
        await self._session.execute(
            update(OutboxRow)
            .where(OutboxRow.id.in_(ids), claimable)
            .values(claimed_by=token, claimed_until=until)
            .execution_options(synchronize_session=False)
        )
        rows = await self._session.scalars(
            select(OutboxRow)
            .where(OutboxRow.id.in_(ids), OutboxRow.claimed_by == token)
            .order_by(OutboxRow.not_before, OutboxRow.id)
            .execution_options(populate_existing=True)
        )
        return [to_outbox(r) for r in rows]

    async def finish(
        self,
        message_id: int,
        token: str,
        *,
        status: str,
        now: datetime,
        platform: str | None = None,
        platform_message_id: str | None = None,
        error: str = "",
        not_before: datetime | None = None,
        attempted: bool = True,
    ) -> bool:
        """Record the outcome of a claimed message; False when our lease was lost meanwhile."""
        values: dict[str, Any] = {
            "status": status,
            "claimed_by": None,
            "claimed_until": None,
            "last_error": error[:500],
        }
        if attempted:
            values["attempts"] = OutboxRow.attempts + 1
        if platform is not None:
            values["platform"] = platform
        if platform_message_id is not None:
            values["platform_message_id"] = platform_message_id
        if status == "sent":
            values["sent_at"] = now
        if not_before is not None:
            values["not_before"] = not_before
        result = await self._session.execute(
            update(OutboxRow)
            .where(OutboxRow.id == message_id, OutboxRow.claimed_by == token)
            .values(**values)
            .execution_options(synchronize_session=False)
        )
        return bool(getattr(result, "rowcount", 0))

    async def retry(self, message_ids: Iterable[int] | None, now: datetime) -> int:
        """Operator retry: failed/unreachable (or the given) messages become pending now."""
        query = update(OutboxRow).values(
            status="pending", not_before=now, claimed_by=None, claimed_until=None, attempts=0
        )
        ids = list(message_ids or [])
        if ids:
            query = query.where(OutboxRow.id.in_(ids), OutboxRow.status != "sent")
        else:
            query = query.where(OutboxRow.status.in_(("failed", "unreachable")))
        result = await self._session.execute(query)
        return int(getattr(result, "rowcount", 0))

    async def find(
        self, status: str | None = None, limit: int = 100, key_prefix: str | None = None
    ) -> list[OutboxMessage]:
        query = select(OutboxRow).order_by(OutboxRow.id).limit(limit)
        if status:
            query = query.where(OutboxRow.status == status)
        if key_prefix:
            query = query.where(OutboxRow.key.startswith(key_prefix, autoescape=True))
        return [to_outbox(r) for r in await self._session.scalars(query)]

    async def counts(self) -> dict[str, int]:
        rows = await self._session.execute(
            select(OutboxRow.status, func.count()).group_by(OutboxRow.status)
        )
        return {status: int(n) for status, n in rows}

    async def has(self, key: str) -> bool:
        return (
            await self._session.scalar(select(OutboxRow.id).where(OutboxRow.key == key))
        ) is not None

    async def for_person(self, person_id: int) -> list[OutboxMessage]:
        rows = await self._session.scalars(
            select(OutboxRow).where(OutboxRow.person_id == person_id).order_by(OutboxRow.id)
        )
        return [to_outbox(r) for r in rows]

    async def drop_pending_for(self, person_id: int) -> None:
        await self._session.execute(
            delete(OutboxRow).where(OutboxRow.person_id == person_id, OutboxRow.status == "pending")
        )
