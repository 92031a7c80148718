"""What a handler gets: the actor, the event, the services, and a place to put replies.

Shaped after botbuilder's ``TurnContext``: one object per turn, passed in, never global.
``Services`` is built once by ``bot.bootstrap`` and frozen: nothing swaps a part at run time.
"""

from __future__ import annotations

from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol

from kernel.clock import Clock
from kernel.core import Action, Actor, Block, Command, Message, Reply, Submit, Text
from kernel.domain_config import DomainConfig
from kernel.i18n import Catalogue, Translator
from kernel.settings import Settings
from matching import MatchIndex
from storage.db import Database
from storage.uow import DeliveryClaim, UnitOfWork, unit_of_work


class UnitOfWorkFactory(Protocol):
    """How a unit of work is opened (``storage.uow.unit_of_work``, or a fake in tests)."""

    def __call__(
        self, db: Database, claim: DeliveryClaim | None = None, *, read_only: bool = False
    ) -> AbstractAsyncContextManager[UnitOfWork]: ...


@dataclass(frozen=True, slots=True)
class Services:
    """Everything handlers may use, assembled once in ``bot.bootstrap``."""

    settings: Settings
    db: Database
    clock: Clock
    catalogue: Catalogue
    domain: DomainConfig
    matcher: MatchIndex  # one index shared by all handlers, loaded from storage at start
    # How a unit of work is opened: the real one, or a fake so handler tests run in milliseconds.
    unit_of_work: UnitOfWorkFactory = unit_of_work

    def translator(self, locale: str | None, timezone: str | None = None) -> Translator:
        return self.catalogue.translator(
            locale or self.settings.default_locale, timezone or self.settings.timezone
        )

    def uow(
        self, claim: DeliveryClaim | None = None, *, read_only: bool = False
    ) -> AbstractAsyncContextManager[UnitOfWork]:
        """A unit of work; ``read_only`` when it only reads (no write lock on SQLite)."""
        return self.unit_of_work(self.db, claim, read_only=read_only)


@dataclass(slots=True)
class TurnContext:
    services: Services
    actor: Actor
    event: Command | Message | Action | Submit
    replies: list[Reply] = field(default_factory=list)
    claim: DeliveryClaim | None = None  # the event's idempotency key, claimed by the first commit

    @property
    def t(self) -> Translator:
        return self.services.translator(self.actor.locale, self.actor.timezone)

    def now(self) -> datetime:
        return self.services.clock.now()

    def uow(self) -> AbstractAsyncContextManager[UnitOfWork]:
        """A unit of work whose first commit also claims this event's delivery key."""
        return self.services.uow(self.claim)

    async def reply(self, reply: Reply) -> None:
        self.replies.append(reply)

    async def blocks(self, *blocks: Block) -> None:
        self.replies.append(Reply(blocks=blocks))

    async def say(self, key: str, /, **params: object) -> None:
        """Reply with one translated text."""
        self.replies.append(Reply(blocks=(Text(text=self.t(key, **params)),)))
