"""A fake unit of work, as in cosmicpython: in-memory repositories with the real ones' meaning.

Why: the conversation logic of many handlers does not need a database to be tested; a fake
makes those tests run in milliseconds. It covers the repositories the turn machinery, the
general handlers and the study form use (people, audit, processed events, conversation state,
studies); a handler that needs more is tested on a real database, where the database is the
point. Asking the fake for a repository it lacks fails loudly instead of passing silently.
"""

from __future__ import annotations

import dataclasses
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from bot.bootstrap import build_router
from kernel.clock import ManualClock
from kernel.domain_config import load_domain_config
from kernel.i18n import Catalogue
from kernel.messenger import Address
from kernel.settings import Settings
from matching import MatchIndex
from storage.db import Database
from storage.domain import OutboxMessage, Person, Study
from storage.repositories.catalogue import STUDY_PREFIX
from storage.repositories.refs import format_ref
from storage.uow import AlreadyHandledError, DeliveryClaim
from turn.context import Services
from turn.middleware import default_middleware
from turn.pipeline import Signaalbot
from turn.state import ConversationState

StateKey = tuple[str, str, str]


@dataclass
class Store:
    """What the fake database holds; each unit of work stages changes until commit."""

    people: dict[int, Person] = field(default_factory=dict)
    audit: list[dict[str, Any]] = field(default_factory=list)
    processed: dict[str, list[dict[str, Any]] | None] = field(default_factory=dict)
    conversations: dict[StateKey, dict[str, Any]] = field(default_factory=dict)
    studies: dict[int, Study] = field(default_factory=dict)
    outbox: dict[str, OutboxMessage] = field(default_factory=dict)  # by key
    leases: dict[str, tuple[str, datetime]] = field(default_factory=dict)  # key: (token, until)
    commits: int = 0


class FakePeople:
    def __init__(self, work: FakeUnitOfWork) -> None:
        self._work = work

    async def find_by_identity(self, platform: str, user_id: str) -> Person | None:
        for person in self._work.staged_people.values():
            if any(i.platform == platform and i.user_id == user_id for i in person.identities):
                return person
        return None

    async def create(self, *, platform: str, user_id: str, now: datetime, **data: Any) -> Person:
        person = Person(
            id=max(self._work.staged_people, default=0) + 1,
            display_name=data.get("display_name", ""),
            locale=data.get("locale"),
            timezone=data.get("timezone", "Europe/Amsterdam"),
            org_type=data.get("org_type", "municipality"),
            roles=frozenset(data.get("roles", {"professional"})),
            identities=(Address(platform=platform, user_id=user_id, last_seen_at=now),),
        )
        self._work.staged_people[person.id] = person
        return person

    async def touch(
        self, platform: str, user_id: str, now: datetime, conversation_ref: Any = None
    ) -> None:
        return None

    async def update(self, person_id: int, *, locale: str | None = None, **_: Any) -> None:
        person = self._work.staged_people[person_id]
        if locale is not None:
            self._work.staged_people[person_id] = dataclasses.replace(person, locale=locale)


class FakeAudit:
    def __init__(self, work: FakeUnitOfWork) -> None:
        self._work = work

    async def record(self, **entry: Any) -> None:
        self._work.staged_audit.append(entry)


class FakeProcessed:
    def __init__(self, work: FakeUnitOfWork) -> None:
        self._work = work

    async def answer(self, key: str) -> tuple[bool, list[dict[str, Any]] | None]:
        if key not in self._work.store.processed:
            return False, None
        return True, self._work.store.processed[key]

    async def first_time(
        self, key: str, now: datetime, replies: list[dict[str, Any]] | None = None
    ) -> bool:
        if key in self._work.store.processed or key in self._work.staged_processed:
            return False
        self._work.staged_processed[key] = replies
        return True

    async def keep_answer(self, key: str, replies: list[dict[str, Any]]) -> None:
        self._work.staged_processed[key] = replies

    async def release(self, key: str) -> None:
        self._work.released.add(key)


class FakeOutbox:
    """The outbox calls of the turn's follow-up (turn/follow_up.py), with the real meaning:
    unique keys, a lease that excludes every other sender, only pending messages dropped."""

    def __init__(self, work: FakeUnitOfWork) -> None:
        self._work = work

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
        if key in self._work.staged_outbox:
            return False
        self._work.staged_outbox[key] = OutboxMessage(
            id=max((m.id for m in self._work.staged_outbox.values()), default=0) + 1,
            key=key,
            person_id=person_id,
            payload=payload,
            status="pending",
            attempts=0,
            not_before=not_before or now,
            platform=None,
            platform_message_id=None,
            last_error="",
            created_at=now,
            sent_at=None,
            office_hours_only=office_hours_only,
        )
        return True

    async def drop_pending(self, key: str) -> None:
        found = self._work.staged_outbox.get(key)
        if found is not None and found.status == "pending" and key not in self._work.leases:
            del self._work.staged_outbox[key]

    async def take(
        self, key: str, *, token: str, now: datetime, until: datetime
    ) -> tuple[bool, OutboxMessage | None]:
        found = self._work.staged_outbox.get(key)
        if found is None:
            return False, None
        lease = self._work.leases.get(key)
        if found.status != "pending" or (lease is not None and lease[1] >= now):
            return True, None
        self._work.leases[key] = (token, until)
        return True, found

    async def finish(
        self,
        message_id: int,
        token: str,
        *,
        status: str,
        now: datetime,
        platform: str | None = None,
        error: str = "",
        attempted: bool = True,
        **_: Any,
    ) -> bool:
        for key, message in self._work.staged_outbox.items():
            if message.id == message_id and self._work.leases.get(key, ("",))[0] == token:
                self._work.staged_outbox[key] = dataclasses.replace(
                    message,
                    status=status,
                    platform=platform or message.platform,
                    last_error=error,
                    attempts=message.attempts + attempted,
                    sent_at=now if status == "sent" else message.sent_at,
                )
                del self._work.leases[key]
                return True
        return False


class FakeConversations:
    def __init__(self, work: FakeUnitOfWork) -> None:
        self._work = work

    async def get(self, platform: str, user_id: str, flow: str) -> dict[str, Any] | None:
        found = self._work.staged_conversations.get((platform, user_id, flow))
        return dict(found) if found is not None else None

    async def put(
        self, platform: str, user_id: str, flow: str, data: dict[str, Any], now: datetime
    ) -> None:
        self._work.staged_conversations[(platform, user_id, flow)] = dict(data)

    async def clear(self, platform: str, user_id: str, flow: str) -> None:
        self._work.staged_conversations.pop((platform, user_id, flow), None)


class FakeStudies:
    """Studies as the real repository numbers them: ``O-<year>-0001`` onwards per year."""

    def __init__(self, work: FakeUnitOfWork) -> None:
        self._work = work

    async def add(
        self, *, title: str, now: datetime, analysis: bytes | None = None, **data: Any
    ) -> Study:
        """``analysis`` is not kept: no index reads this store."""
        studies = self._work.staged_studies
        taken = sum(1 for s in studies.values() if s.ref.startswith(f"{STUDY_PREFIX}-{now.year}-"))
        study = Study(
            id=max(studies, default=0) + 1,
            ref=format_ref(STUDY_PREFIX, now.year, taken + 1),
            title=title,
            **data,
        )
        studies[study.id] = study
        return study

    async def find_by_title(self, title: str) -> Study | None:
        wanted = " ".join(title.split()).lower()
        return next(
            (s for s in self._work.staged_studies.values() if s.title.strip().lower() == wanted),
            None,
        )


class FakeUnitOfWork:
    def __init__(self, store: Store, claim: DeliveryClaim | None) -> None:
        self.store = store
        self._claim = claim
        self.staged_people = dict(store.people)
        self.staged_audit: list[dict[str, Any]] = []
        self.staged_processed: dict[str, list[dict[str, Any]] | None] = {}
        self.released: set[str] = set()
        self.staged_conversations = dict(store.conversations)
        self.staged_studies = dict(store.studies)
        self.staged_outbox = dict(store.outbox)
        self.leases = store.leases  # outbox leases, kept at once (as their own commit would)
        self.people = FakePeople(self)
        self.conversations = FakeConversations(self)
        self.studies = FakeStudies(self)
        self.audit = FakeAudit(self)
        self.processed = FakeProcessed(self)
        self.outbox = FakeOutbox(self)

    def __getattr__(self, name: str) -> Any:
        raise AttributeError(f"the fake unit of work has no {name!r}: test this on a database")

    async def commit(self) -> None:
        claim = self._claim
        if claim is not None and not claim.claimed:
            if claim.key in self.store.processed:
                await self.rollback()
                raise AlreadyHandledError(claim.key)
            answer = claim.answer() if claim.answer is not None else None
            self.staged_processed.setdefault(claim.key, answer or None)
            if claim.with_key is not None:
                await claim.with_key(self)  # type: ignore[arg-type]
            claim.claimed = True
            claim.kept = answer or None
        self.store.people = dict(self.staged_people)
        self.store.conversations = dict(self.staged_conversations)
        self.store.studies = dict(self.staged_studies)
        self.store.outbox = dict(self.staged_outbox)
        self.store.audit.extend(self.staged_audit)
        self.store.processed.update(self.staged_processed)
        for key in self.released:
            self.store.processed.pop(key, None)
        self.staged_audit, self.staged_processed, self.released = [], {}, set()
        self.store.commits += 1

    async def rollback(self) -> None:
        self.staged_people = dict(self.store.people)
        self.staged_conversations = dict(self.store.conversations)
        self.staged_studies = dict(self.store.studies)
        self.staged_outbox = dict(self.store.outbox)
        self.staged_audit, self.staged_processed, self.released = [], {}, set()


def fake_unit_of_work(store: Store) -> Any:
    """A ``Services.unit_of_work`` factory over ``store``."""

    @asynccontextmanager
    async def open_(
        _db: Any, claim: DeliveryClaim | None = None, *, read_only: bool = False
    ) -> AsyncIterator[FakeUnitOfWork]:
        yield FakeUnitOfWork(store, claim)

    return open_


def fake_bot(store: Store, tmp_path: Path, now: datetime) -> Signaalbot:
    """The real pipeline (router, middleware, handlers) over the fake unit of work."""
    settings = Settings(database_url=f"sqlite:///{tmp_path / 'unused.db'}", _env_file=None)  # type: ignore[call-arg]
    services = Services(
        settings=settings,
        db=Database(settings.database_url),  # never connected: the fake unit of work is used
        clock=ManualClock(now),
        catalogue=Catalogue.load(None),
        domain=load_domain_config(None),
        matcher=MatchIndex(),
        unit_of_work=fake_unit_of_work(store),
    )
    return Signaalbot(
        services=services,
        router=build_router(),
        middleware=default_middleware(services),
        state=ConversationState(services),
    )
