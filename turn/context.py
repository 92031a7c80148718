"""What a handler gets: the actor, the event, the services, and a place to put replies.

Shaped after botbuilder's ``TurnContext``: one object per turn, passed in, never global.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING

from kernel.clock import Clock
from kernel.core import Action, Actor, Block, Command, Message, Reply, Submit, Text
from kernel.i18n import Catalogue, Translator
from storage.db import Database
from storage.uow import UnitOfWork, unit_of_work

if TYPE_CHECKING:
    from kernel.domain_config import DomainConfig
    from kernel.settings import Settings
    from matching import MatchIndex
    from turn.index_sync import IndexSync


@dataclass(slots=True)
class Services:
    """Everything handlers may use, assembled once in ``bot.app``."""

    settings: Settings
    db: Database
    clock: Clock
    catalogue: Catalogue
    domain: DomainConfig
    matcher: MatchIndex | None = None  # shared by all handlers; built in Signaalbot.start
    index_sync: IndexSync | None = None  # follows the change log into ``matcher``

    def translator(self, locale: str | None, timezone: str | None = None) -> Translator:
        return self.catalogue.translator(
            locale or self.settings.default_locale, timezone or self.settings.timezone
        )

    @asynccontextmanager
    async def uow(self) -> AsyncIterator[UnitOfWork]:
        async with unit_of_work(self.db) as uow:
            yield uow


@dataclass(slots=True)
class TurnContext:
    services: Services
    actor: Actor
    event: Command | Message | Action | Submit
    replies: list[Reply] = field(default_factory=list)

    @property
    def t(self) -> Translator:
        return self.services.translator(self.actor.locale, self.actor.timezone)

    def now(self) -> datetime:
        return self.services.clock.now()

    def uow(self) -> AbstractAsyncContextManager[UnitOfWork]:
        return self.services.uow()

    async def reply(self, reply: Reply) -> None:
        self.replies.append(reply)

    async def blocks(self, *blocks: Block) -> None:
        self.replies.append(Reply(blocks=blocks))

    async def say(self, key: str, /, **params: object) -> None:
        """Reply with one translated text."""
        self.replies.append(Reply(blocks=(Text(text=self.t(key, **params)),)))
