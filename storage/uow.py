"""Unit of work: one session, the repositories on it, one commit.

Why: a handler's changes (a signal, its audit entry, the outbox rows that tell supporters)
land together or not at all.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from sqlalchemy.ext.asyncio import AsyncSession

from storage.db import Database
from storage.repositories.catalogue import StudyRepository, ThemeRepository
from storage.repositories.cycle import CycleRepository, OutboxOps
from storage.repositories.infra import (
    AuditRepository,
    ConversationStateRepository,
    OutboxRepository,
    ProcessedEventRepository,
)
from storage.repositories.intake import IntakeRepository
from storage.repositories.matching import MatchingRepository
from storage.repositories.people import PeopleRepository
from storage.repositories.sessions import SessionRepository
from storage.repositories.signals import QuestionRepository, SignalRepository
from storage.repositories.slack import SlackInstallationRepository
from storage.repositories.summary import SummaryQueries


class UnitOfWork:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session
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
        self.outbox_ops = OutboxOps(session)
        self.matching = MatchingRepository(session)

    async def commit(self) -> None:
        await self.session.commit()

    async def rollback(self) -> None:
        await self.session.rollback()


@asynccontextmanager
async def unit_of_work(db: Database) -> AsyncIterator[UnitOfWork]:
    """Open a unit of work; uncommitted changes are rolled back when the block ends."""
    async with db.session() as session:
        uow = UnitOfWork(session)
        try:
            yield uow
        finally:
            await session.rollback()
