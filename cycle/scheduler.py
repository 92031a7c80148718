"""The scheduler: APScheduler only *ticks*; the database holds every bit of state.

Three jobs: every ``tick_interval_seconds`` one runs ``cycle.tick(now)`` (what is due goes into
the outbox) and then the dispatcher; every ``dispatch_interval_seconds`` the other only
dispatches, so a notice a colleague caused reaches a person within seconds; every second the
third runs the index's round (``turn.index_jobs``: vectors, change log, study news). The job store is
APScheduler's MemoryJobStore, rebuilt at every start: nothing in it needs to survive a restart
or be shared with a second instance. ``last_beat`` (monotonic seconds) tells ``/healthz``
that the dispatcher is alive.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from datetime import datetime

from apscheduler.jobstores.memory import MemoryJobStore
from apscheduler.schedulers.asyncio import AsyncIOScheduler

from cycle.dispatcher import Dispatcher, DispatchResult
from cycle.engine import CycleKit, TickResult, kit_for, tick
from cycle.session_ports import SessionToolkit, toolkit_for
from cycle.summary_schedule import sessions_and_summary_due
from kernel.logging import get_logger
from kernel.messenger import Messenger
from storage.db import DatabaseUnavailableError
from turn.context import Services
from turn.index_jobs import IndexJobs

log = get_logger("signaalbot.scheduler")

JOB_ID = "cycle-tick"
DISPATCH_JOB_ID = "outbox-dispatch"
INDEX_JOB_ID = "index-follow"


@dataclass(slots=True)
class Round:
    tick: TickResult | None
    dispatch: DispatchResult | None


class CycleScheduler:
    def __init__(
        self,
        services: Services,
        messengers: Mapping[str, Messenger],
        *,
        kit: CycleKit | None = None,
        toolkit: SessionToolkit | None = None,
        worker_id: str | None = None,
        index_jobs: IndexJobs | None = None,
    ) -> None:
        self.services = services
        self.index_jobs = index_jobs
        self.kit = kit or kit_for(services)
        self.toolkit = toolkit or toolkit_for(services.settings)
        self.dispatcher = Dispatcher(
            services,
            messengers,
            self.kit.calendar,
            self.kit.rules,
            worker_id=worker_id,
        )
        self._scheduler: AsyncIOScheduler | None = None
        self.last_beat: float | None = None  # time.monotonic() of the last finished round
        self._running: set[asyncio.Task[object]] = set()

    @property
    def running(self) -> bool:
        return self._scheduler is not None

    def alive(self, now_monotonic: float) -> bool:
        """Started, and a round finished within three tick intervals (a hung loop is not)."""
        if self._scheduler is None:
            return False
        if self.last_beat is None:
            return True  # just started: the first round is on its way
        return now_monotonic - self.last_beat < 3 * self.kit.rules.tick_interval_seconds

    async def run_round(self) -> Round:
        """One tick and one dispatch at the clock's now; database trouble waits for the next."""
        now = self.services.clock.now()
        try:
            ticked = await tick(self.services, now, kit=self.kit)
            await self._sessions_and_summary(now)
        except DatabaseUnavailableError:
            log.warning("tick_skipped_database_unavailable")
            return Round(None, None)
        try:
            dispatched = await self.dispatcher.run_once(now)
        except DatabaseUnavailableError:
            log.warning("dispatch_skipped_database_unavailable")
            return Round(ticked, None)
        return Round(ticked, dispatched)

    async def _sessions_and_summary(self, now: datetime) -> None:
        """Session invitations, reminders and the weekly summary: derived the same idempotent way."""
        services = self.services
        async with services.uow() as uow:
            queued = await sessions_and_summary_due(uow, services, now, toolkit=self.toolkit)
            await uow.commit()
        if queued:
            log.info("sessions_queued", count=queued)

    async def dispatch_only(self) -> DispatchResult | None:
        try:
            return await self.dispatcher.run_once(self.services.clock.now())
        except DatabaseUnavailableError:
            log.warning("dispatch_skipped_database_unavailable")
            return None

    async def _job(self) -> None:
        await self._guarded(self.run_round, "scheduler_round_failed")

    async def _dispatch_job(self) -> None:
        await self._guarded(self.dispatch_only, "dispatch_round_failed")

    async def _index_job(self) -> None:
        if self.index_jobs is not None:
            await self._guarded(self.index_jobs.run_once, "index_round_failed")

    async def _guarded(self, work: Callable[[], Awaitable[object]], failure: str) -> None:
        """Run one job; remember it while it runs, so :meth:`stop` can let it finish."""
        task = asyncio.current_task()
        if task is not None:
            self._running.add(task)
        try:
            await work()
        except Exception:
            log.exception(failure)
        finally:
            if task is not None:
                self._running.discard(task)
        self.last_beat = time.monotonic()

    def start(self) -> None:
        scheduler = AsyncIOScheduler(jobstores={"default": MemoryJobStore()}, timezone="UTC")
        scheduler.add_job(
            self._job,
            "interval",
            seconds=self.kit.rules.tick_interval_seconds,
            id=JOB_ID,
            max_instances=1,  # a slow round is not overtaken by the next
            coalesce=True,  # missed runs (a sleeping laptop) become one run
            next_run_time=self.services.clock.now(),
            replace_existing=True,
        )
        scheduler.add_job(
            self._dispatch_job,
            "interval",
            seconds=self.kit.rules.dispatch_interval_seconds,
            id=DISPATCH_JOB_ID,
            max_instances=1,
            coalesce=True,
            replace_existing=True,
        )
        if self.index_jobs is not None:
            scheduler.add_job(
                self._index_job,
                "interval",
                seconds=self.index_jobs.interval,
                id=INDEX_JOB_ID,
                max_instances=1,
                coalesce=True,
                replace_existing=True,
            )
        scheduler.start()
        self._scheduler = scheduler
        log.info("scheduler_started", worker=self.dispatcher.worker_id)

    def shutdown(self) -> None:
        if self._scheduler is not None:
            self._scheduler.shutdown(wait=False)
            self._scheduler = None

    async def stop(self, timeout: float = 10.0) -> None:
        """Stop ticking and let a round that is under way finish (its sends are recorded).

        APScheduler cancels running jobs on shutdown; so first pause (no new rounds), wait for
        the round in flight, then shut down.
        """
        if self._scheduler is not None:
            self._scheduler.pause()
        if self._running:
            await asyncio.wait(set(self._running), timeout=timeout)
        self.shutdown()
