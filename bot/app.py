"""The composition root: settings, database, clock, catalogue, handlers and adapters meet here.

Why one place: nothing else creates engines, reads settings or picks a clock, so a test or the
demo can assemble the same bot with a different clock or database and no global state leaks.
"""

from __future__ import annotations

import asyncio
import csv
import io
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from importlib import resources
from typing import Any

from cycle.study_news import announce_new_studies
from handlers import admin, general, questions, sessions, signals, support, triage, views
from handlers import cycle as cycle_chat
from kernel.clock import Clock, SystemClock
from kernel.core import (
    Action,
    Actor,
    Command,
    Identity,
    Message,
    OrgType,
    Reply,
    Role,
    Submit,
    Text,
)
from kernel.domain_config import DomainConfig, load_domain_config
from kernel.i18n import Catalogue, normalise_locale
from kernel.logging import get_logger
from kernel.messenger import Messenger
from kernel.settings import Settings
from privacy import guard as privacy
from storage.db import Database, DatabaseUnavailableError, ensure_schema
from storage.domain import Person
from storage.uow import UnitOfWork
from turn.context import Services, TurnContext
from turn.index_jobs import IndexJobs
from turn.router import Router
from turn.search_index import load_index

log = get_logger("signaalbot.app")

Event = Command | Message | Action | Submit

HANDLER_MODULES = (general, signals, support, triage, questions, views, admin, sessions, cycle_chat)


def build_router(modules: Iterable[Any] = HANDLER_MODULES) -> Router:
    router = Router()
    for module in modules:
        module.register(router)
    return router


@dataclass
class Signaalbot:
    """The running bot: one per process, passed to adapters, CLI commands and the scheduler."""

    services: Services
    router: Router
    messengers: dict[str, Messenger] = field(default_factory=dict)
    index_jobs: IndexJobs | None = None

    @property
    def settings(self) -> Settings:
        return self.services.settings

    async def start(self, *, demo_catalogue: bool = False) -> None:
        """Prepare the database (migrate SQLite, check PostgreSQL) and load reference data.

        ``demo_catalogue``: when the study catalogue is empty, fill it with the demo catalogue
        (``config/studies.csv``, real titles from the Eindhoven programme), so a first
        ``make run`` already shows studies. A municipality's own import replaces nothing.
        """
        await asyncio.to_thread(ensure_schema, self.settings.database_url)
        async with self.services.uow() as uow:
            domain = self.services.domain
            await uow.themes.seed((*domain.themes, *domain.subdomains))
            if demo_catalogue and not await uow.studies.all():
                await seed_demo_studies(uow, self.services.clock.now())
            await uow.commit()
        # One index for all handlers, updated by them on every new or merged signal and kept
        # equal to the database (other instances, CLI imports) by ``index_sync.catch_up``.
        sync = await load_index(self.services.uow, self.settings)
        self.services.index_sync = sync
        self.services.matcher = sync.index
        services = self.services
        self.index_jobs = IndexJobs(
            sync, after=(lambda: announce_new_studies(services, services.clock.now()),)
        )
        self.index_jobs.start()

    async def stop(self) -> None:
        if self.index_jobs is not None:
            await self.index_jobs.stop()
        await self.services.db.dispose()

    def parse_text(self, text: str, idempotency_key: str | None = None) -> Command | Message:
        return self.router.parse_text(text, idempotency_key)

    async def handle(
        self,
        identity: Identity,
        event: Event,
        *,
        conversation_ref: dict[str, Any] | None = None,
    ) -> list[Reply]:
        """Handle one inbound event from any platform and return the replies to show."""
        fallback_t = self.services.translator(
            normalise_locale(identity.locale, self.settings.default_locale)
        )
        key = f"{identity.platform}:{event.idempotency_key}" if event.idempotency_key else None
        logger = log.bind(platform=identity.platform, kind=event.kind, event_key=key)
        try:
            actor = await self._resolve(identity, key, conversation_ref)
        except DatabaseUnavailableError:
            logger.warning("database_unavailable", stage="resolve")
            return [self._db_unavailable(event, fallback_t("core.db_unavailable"))]
        if actor is None:
            logger.info("duplicate_event_ignored")
            return []
        logger = logger.bind(person_id=actor.person_id)
        ctx = TurnContext(services=self.services, actor=actor, event=event)
        route = self.router.route_for(event)
        if route is None:
            logger.info("no_route")
            await ctx.say("core.unknown_command")
            return ctx.replies
        if route.roles and not actor.has(*route.roles):
            logger.info("refused", roles=sorted(route.roles))
            await ctx.say("core.not_allowed")
            return ctx.replies
        try:
            await route.handler(ctx)
        except DatabaseUnavailableError:
            logger.warning("database_unavailable", stage="handler")
            await self._forget(key)
            return [self._db_unavailable(event, ctx.t("core.db_unavailable"))]
        except Exception:
            code = uuid.uuid4().hex[:8]
            logger.exception("handler_failed", code=code)
            await self._forget(key)
            return [Reply(blocks=(Text(text=ctx.t("core.error", code=code), style="warning"),))]
        logger.info("handled", replies=len(ctx.replies))
        return ctx.replies

    async def load_draft(self, identity: Identity, form_id: str) -> dict[str, str]:
        """A half-filled form, kept in the database so it survives a restart."""
        try:
            async with self.services.uow() as uow:
                data = await uow.conversations.get(
                    identity.platform.value, identity.user_id, f"draft:{form_id}"
                )
        except DatabaseUnavailableError:
            return {}
        return {k: str(v) for k, v in (data or {}).items()}

    async def save_draft(self, identity: Identity, form_id: str, values: dict[str, str]) -> bool:
        """Keep a half-filled form; False (not saved) when it holds personal data or the
        database is away. The privacy guard runs first: personal data never reaches storage."""
        if any(privacy.contains_personal_data(str(v)) for v in values.values()):
            log.info("draft_not_saved_personal_data", platform=identity.platform.value)
            return False
        try:
            async with self.services.uow() as uow:
                await uow.conversations.put(
                    identity.platform.value,
                    identity.user_id,
                    f"draft:{form_id}",
                    dict(values),
                    self.services.clock.now(),
                )
                await uow.commit()
        except DatabaseUnavailableError:
            log.warning("draft_not_saved", platform=identity.platform.value)
            return False
        return True

    async def clear_draft(self, identity: Identity, form_id: str) -> None:
        try:
            async with self.services.uow() as uow:
                await uow.conversations.clear(
                    identity.platform.value, identity.user_id, f"draft:{form_id}"
                )
                await uow.commit()
        except DatabaseUnavailableError:
            log.warning("draft_not_cleared", platform=identity.platform.value)

    @staticmethod
    def _db_unavailable(event: Event, message: str) -> Reply:
        # For a form, an error keeps the form open with everything the person typed.
        errors = {"_form": message} if isinstance(event, Submit) else {}
        return Reply(blocks=(Text(text=message, style="warning"),), errors=errors)

    async def _forget(self, key: str | None) -> None:
        """Release an idempotency key after a failure, so the platform's retry is handled."""
        if key is None:
            return
        try:
            async with self.services.uow() as uow:
                from sqlalchemy import delete

                from storage.models import ProcessedEventRow

                await uow.session.execute(
                    delete(ProcessedEventRow).where(ProcessedEventRow.key == key)
                )
                await uow.commit()
        except DatabaseUnavailableError:
            log.warning("idempotency_key_not_released", event_key=key)

    async def _resolve(
        self, identity: Identity, key: str | None, conversation_ref: dict[str, Any] | None
    ) -> Actor | None:
        """Find or create the person; None when this event was handled before."""
        now = self.services.clock.now()
        async with self.services.uow() as uow:
            if key is not None and not await uow.processed.first_time(key, now):
                await uow.commit()
                return None
            person = await uow.people.find_by_identity(identity.platform, identity.user_id)
            if person is None:
                person = await uow.people.create(
                    platform=identity.platform.value,
                    user_id=identity.user_id,
                    now=now,
                    display_name=identity.display_name,
                    tenant=identity.tenant,
                    org_type=self._org_type(identity).value,
                    roles=frozenset({self._initial_role(identity).value}),
                    timezone=self.settings.timezone,
                )
                await uow.audit.record(
                    actor_id=person.id,
                    action="person.create",
                    entity="person",
                    entity_id=person.id,
                    now=now,
                )
            await uow.people.touch(identity.platform.value, identity.user_id, now, conversation_ref)
            await uow.commit()
        return self._actor(identity, person)

    def _is_provider(self, identity: Identity) -> bool:
        return (
            identity.tenant is not None and identity.tenant in self.settings.provider_tenants
        ) or (
            identity.email_domain is not None
            and identity.email_domain.lower()
            in {d.lower() for d in self.settings.provider_email_domains}
        )

    def _initial_role(self, identity: Identity) -> Role:
        return Role.PROVIDER if self._is_provider(identity) else Role.PROFESSIONAL

    def _org_type(self, identity: Identity) -> OrgType:
        return OrgType.PROVIDER if self._is_provider(identity) else OrgType.MUNICIPALITY

    def _actor(self, identity: Identity, person: Person) -> Actor:
        locale = person.locale or normalise_locale(identity.locale, self.settings.default_locale)
        roles = frozenset(Role(r) for r in person.roles if r in Role._value2member_map_)
        return Actor(
            platform=identity.platform,
            user_id=identity.user_id,
            person_id=person.id,
            name=person.display_name or identity.display_name,
            locale=locale,
            timezone=person.timezone,
            roles=roles or frozenset({Role.PROFESSIONAL}),
            org_type=OrgType(person.org_type)
            if person.org_type in OrgType._value2member_map_
            else OrgType.OTHER,
        )


async def seed_demo_studies(uow: UnitOfWork, now: datetime) -> int:
    """Load the demo catalogue shipped in ``config/studies.csv``."""
    text = (resources.files("config") / "studies.csv").read_text(encoding="utf-8")
    count = 0
    for row in csv.DictReader(io.StringIO(text)):
        year = row.get("year") or ""
        await uow.studies.upsert(
            ref=row["ref"],
            title=row["title"],
            summary=row.get("summary") or "",
            year=int(year) if year.isdigit() else None,
            source=row.get("source") or "",
            url=row.get("url") or "",
            now=now,
        )
        count += 1
    return count


def build_services(settings: Settings, clock: Clock | None = None) -> Services:
    return Services(
        settings=settings,
        db=Database(settings.database_url),
        clock=clock or SystemClock(),
        catalogue=Catalogue.load(settings.config_dir),
        domain=load_domain_config(settings.config_dir),
    )


def build_app(
    settings: Settings,
    *,
    clock: Clock | None = None,
    domain: DomainConfig | None = None,
) -> Signaalbot:
    """Assemble the bot. Adapters and the scheduler receive the result; nothing is global."""
    services = build_services(settings, clock)
    if domain is not None:
        services.domain = domain
    return Signaalbot(services=services, router=build_router())
