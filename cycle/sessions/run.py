"""What one pass over the sessions shares: the unit of work, the clock's now, the toolkit."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING

from cycle.session_ports import SessionToolkit
from cycle.sessions.config import SessionConfig
from kernel.i18n import Translator
from storage.domain import Person

if TYPE_CHECKING:
    from storage.uow import UnitOfWork
    from turn.context import Services


@dataclass(slots=True)
class SessionRun:
    uow: UnitOfWork
    services: Services
    toolkit: SessionToolkit
    config: SessionConfig
    now: datetime
    added: int = 0
    people_cache: dict[str, list[Person]] = field(default_factory=dict)

    def translator(self, person: Person) -> Translator:
        return self.services.translator(person.locale, person.timezone)
