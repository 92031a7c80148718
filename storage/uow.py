"""Unit of work: one session, the repositories on it, one commit.

Why: a handler's changes (a signal, its audit entry, the outbox rows that tell supporters)
land together or not at all.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from storage.db import Database
from storage.repositories.catalogue import StudyRepository, ThemeRepository
from storage.repositories.console import ConsoleInboxRepository
from storage.repositories.cycle import CycleRepository
from storage.repositories.files import SharedFileRepository
from storage.repositories.imports import ImportRepository
from storage.repositories.infra import (
    AuditRepository,
    ConversationStateRepository,
    ProcessedEventRepository,
)
from storage.repositories.intake import IntakeRepository
from storage.repositories.matching import MatchingRepository
from storage.repositories.outbox import OutboxRepository
from storage.repositories.people import PeopleRepository
from storage.repositories.sessions import SessionRepository
from storage.repositories.signals import QuestionRepository, SignalRepository
from storage.repositories.slack import SlackInstallationRepository
from storage.repositories.summary import SummaryQueries


class AlreadyHandledError(Exception):
    """Another delivery of the same inbound event committed first; this one's changes are undone."""


@dataclass(slots=True)
class DeliveryClaim:
    """The idempotency key of one inbound event, claimed by the first commit of its turn.

    Why in the commit: a crash before the commit leaves the key free, so the platform's
    redelivery is handled; a second delivery racing the first fails its commit instead of
    storing the same signal twice. ``answer`` gives what the turn has answered by then; it is
    kept with the key in that same commit, so a crash right after the commit still leaves the
    redelivery the answer (the confirmation of a stored signal, the choice it waits for).
    ``with_key`` is more work for that same transaction (the follow-up of an answer the
    adapter delivers after the platform's ack, :mod:`turn.follow_up`): what commits the key
    commits it too, so neither outlives the other.
    """

    key: str
    received_at: datetime
    claimed: bool = False
    answer: Callable[[], list[dict[str, Any]]] | None = None
    kept: list[dict[str, Any]] | None = None  # the answer that went in with the key
    with_key: Callable[[UnitOfWork], Awaitable[None]] | None = None


class UnitOfWork:
    def __init__(self, session: AsyncSession, claim: DeliveryClaim | None = None) -> None:
        self._session = session
        self._claim = claim
        self.people = PeopleRepository(session)
        self.themes = ThemeRepository(session)
        self.studies = StudyRepository(session)
        self.signals = SignalRepository(session)
        self.questions = QuestionRepository(session)
        self.conversations = ConversationStateRepository(session)
        self.processed = ProcessedEventRepository(session)
        self.audit = AuditRepository(session)
        self.outbox = OutboxRepository(session)
        self.intake = IntakeRepository(session)
        self.slack = SlackInstallationRepository(session)
        self.meetings = SessionRepository(session)
        self.summary_queries = SummaryQueries(session)
        self.cycles = CycleRepository(session)
        self.console = ConsoleInboxRepository(session)
        self.matching = MatchingRepository(session)
        self.files = SharedFileRepository(session)
        self.imports = ImportRepository(session)

    async def commit(self) -> None:
        claim = self._claim
        if claim is not None and not claim.claimed:
            answer = claim.answer() if claim.answer is not None else None
            if not await self.processed.first_time(claim.key, claim.received_at, answer or None):
                await self._session.rollback()
                raise AlreadyHandledError(claim.key)
            if claim.with_key is not None:
                await claim.with_key(self)
            await self._session.commit()
            claim.claimed = True
            claim.kept = answer or None
            return
        await self._session.commit()

    async def rollback(self) -> None:
        await self._session.rollback()


@asynccontextmanager
async def unit_of_work(
    db: Database, claim: DeliveryClaim | None = None, *, read_only: bool = False
) -> AsyncIterator[UnitOfWork]:
    """Open a unit of work; uncommitted changes are rolled back when the block ends.

    With ``claim``, the first commit also claims the inbound event's idempotency key.
    ``read_only``: the work only reads, so on SQLite it waits for no writer and blocks none.
    """
    async with db.session(read_only=read_only) as session:
        uow = UnitOfWork(session, claim)
        try:
            yield uow
        finally:
            await session.rollback()
