"""The one assembly of signaalbot: ``bootstrap`` builds the whole runtime, in order.

Why one place (cosmicpython's ``bootstrap``): settings are read once, every dependency is
passed down, nothing registers itself into shared dicts and nothing is swapped after
construction. ``serve``, ``chat``, ``run``, ``demo``, the data commands and the tests all
start here, so what a test drives is what runs in production.

Order: database (migrated or checked) → reference data → match index → services (catalogue,
domain, clock) → router and middleware → platform adapters → one messenger per platform →
dispatcher and scheduler (built last, started by whoever runs the loop, never before its
messengers exist).
"""

from __future__ import annotations

import asyncio
import csv
import io
from collections.abc import AsyncIterator, Iterable, Mapping
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from dataclasses import dataclass
from datetime import datetime
from importlib import resources
from types import MappingProxyType, ModuleType

from slack_sdk.web.async_client import AsyncWebClient

from bot.adapters.console_messenger import ConsoleMessenger
from bot.adapters.slack import SlackAdapter
from bot.adapters.slack_messenger import SlackMessenger
from bot.adapters.teams import TeamsAdapter, build_teams_adapter
from cycle.scheduler import CycleScheduler
from cycle.study_news import announce_new_studies
from handlers import (
    admin,
    general,
    questions,
    sessions,
    signals,
    studies,
    support,
    triage,
    views,
)
from handlers import cycle as cycle_chat
from kernel.clock import Clock, SystemClock
from kernel.core import Platform
from kernel.domain_config import DomainConfig, load_domain_config
from kernel.i18n import Catalogue
from kernel.messenger import Messenger
from kernel.settings import Settings
from matching import MatchIndex
from storage.db import Database, ensure_schema
from storage.uow import UnitOfWork, unit_of_work
from turn.context import Services
from turn.index_jobs import IndexJobs
from turn.index_sync import IndexSync
from turn.middleware import default_middleware
from turn.pipeline import Signaalbot
from turn.router import Router
from turn.search_index import load_index
from turn.state import ConversationState

HANDLER_MODULES: tuple[ModuleType, ...] = (
    general,
    signals,
    support,
    triage,
    questions,
    studies,
    views,
    admin,
    sessions,
    cycle_chat,
)


def build_router(modules: Iterable[ModuleType] = HANDLER_MODULES) -> Router:
    router = Router()
    for module in modules:
        module.register(router)
    return router


@dataclass(frozen=True, slots=True)
class Runtime:
    """The assembled bot: everything a running process needs, built once and frozen."""

    settings: Settings
    services: Services
    bot: Signaalbot
    messengers: Mapping[str, Messenger]
    scheduler: CycleScheduler
    index_jobs: IndexJobs
    slack: SlackAdapter | None
    teams: TeamsAdapter | None

    async def close(self) -> None:
        await self.scheduler.stop()
        if self.slack is not None:
            await self.slack.drain()
            await self.slack.close()
        if self.teams is not None:
            await self.teams.close()
        await self.services.db.dispose()


async def bootstrap(
    settings: Settings,
    clock: Clock | None = None,
    *,
    domain: DomainConfig | None = None,
    matcher: MatchIndex | None = None,
    messengers: Mapping[str, Messenger] | None = None,
    slack_client: AsyncWebClient | None = None,
    demo_catalogue: bool = False,
    worker_id: str | None = None,
) -> Runtime:
    """Build the runtime. ``messengers`` replaces the platform messengers by name (tests and the
    demo record what would be sent); ``demo_catalogue`` fills an empty study catalogue with
    the demo titles (``config/studies.csv``) so a first ``make run`` already shows studies."""
    clock = clock or SystemClock()
    await asyncio.to_thread(ensure_schema, settings.database_url)
    db = Database(settings.database_url)
    try:
        domain = domain or load_domain_config(settings.config_dir)
        async with unit_of_work(db) as uow:
            await uow.themes.seed((*domain.themes, *domain.subdomains))
            if demo_catalogue and not await uow.studies.all():
                await seed_demo_studies(uow, clock.now())
            await uow.commit()

        def storage() -> AbstractAsyncContextManager[UnitOfWork]:
            return unit_of_work(db)

        # One index, kept equal to the database (other instances, CLI imports) by the
        # scheduler's index job (turn.index_jobs: change log, vectors, study news).
        sync = IndexSync(storage, matcher) if matcher is not None else None
        sync = sync or await load_index(storage, settings)
        index = sync.index
        services = Services(
            settings=settings,
            db=db,
            clock=clock,
            catalogue=Catalogue.load(settings.config_dir),
            domain=domain,
            matcher=index,
        )
        bot = Signaalbot(
            services=services,
            router=build_router(),
            middleware=default_middleware(services),
            state=ConversationState(services),
        )
        slack = SlackAdapter(bot, client=slack_client) if settings.slack_enabled else None
        teams = build_teams_adapter(bot) if settings.teams_enabled else None
        chosen: dict[str, Messenger] = {Platform.CONSOLE.value: ConsoleMessenger(services)}
        if slack is not None:
            chosen[Platform.SLACK.value] = SlackMessenger(
                bot, slack.token_for, settings.slack_api_url
            )
        if teams is not None:
            chosen[Platform.TEAMS.value] = teams.messenger
        chosen.update(messengers or {})
        frozen = MappingProxyType(chosen)
        index_jobs = IndexJobs(
            sync, after=(lambda: announce_new_studies(services, services.clock.now()),)
        )
        scheduler = CycleScheduler(services, frozen, worker_id=worker_id, index_jobs=index_jobs)
    except BaseException:
        await db.dispose()
        raise
    return Runtime(
        settings=settings,
        services=services,
        bot=bot,
        messengers=frozen,
        scheduler=scheduler,
        index_jobs=index_jobs,
        slack=slack,
        teams=teams,
    )


@asynccontextmanager
async def running(
    settings: Settings,
    clock: Clock | None = None,
    *,
    scheduler: bool = False,
    **options: object,
) -> AsyncIterator[Runtime]:
    """A bootstrapped runtime, closed however the block ends; ``scheduler=True`` also ticks."""
    runtime = await bootstrap(settings, clock, **options)  # type: ignore[arg-type]
    try:
        if scheduler:
            runtime.scheduler.start()
        yield runtime
    finally:
        await runtime.close()


async def seed_demo_studies(uow: UnitOfWork, now: datetime) -> int:
    """Load the demo catalogue shipped in ``config/studies.csv``.

    The demo catalogue is the starting shelf, not news: its studies count as announced, so
    nobody is told of them as new studies (``cycle.study_news``).
    """
    text = (resources.files("config") / "studies.csv").read_text(encoding="utf-8")
    count = 0
    for row in csv.DictReader(io.StringIO(text)):
        year = row.get("year") or ""
        study, _created = await uow.studies.upsert(
            ref=row["ref"],
            title=row["title"],
            summary=row.get("summary") or "",
            year=int(year) if year.isdigit() else None,
            source=row.get("source") or "",
            url=row.get("url") or "",
            now=now,
        )
        await uow.studies.mark_announced(study.id, now)
        count += 1
    return count
