"""The scheduler: APScheduler only *ticks*; the database holds every bit of state.

Every ``tick_interval_seconds`` one job runs ``cycle.tick(now)`` and then the dispatcher. The
job store is APScheduler's MemoryJobStore with that single job, rebuilt at every start: nothing
in it needs to survive a restart or be shared with a second instance.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from apscheduler.jobstores.memory import MemoryJobStore
from apscheduler.schedulers.asyncio import AsyncIOScheduler

from cycle.dispatcher import Dispatcher, DispatchResult
from cycle.engine import CycleKit, TickResult, kit_for, tick
from kernel.logging import get_logger
from kernel.messenger import Messenger
from storage.db import DatabaseUnavailableError
from turn.context import Services

log = get_logger("signaalbot.scheduler")

JOB_ID = "cycle-tick"


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
        worker_id: str | None = None,
    ) -> None:
        self.services = services
        self.kit = kit or kit_for(services)
        self.dispatcher = Dispatcher(
            services,
            messengers,
            self.kit.calendar,
            self.kit.rules,
            worker_id=worker_id,
        )
        self._scheduler: AsyncIOScheduler | None = None

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
        from cycle.session_ports import MissingPartError
        from cycle.summary import sessions_and_summary_due

        services = self.services
        try:
            async with services.uow() as uow:
                queued = await sessions_and_summary_due(uow, services, now)
                await uow.commit()
        except MissingPartError as exc:
            log.warning("sessions_skipped", reason=str(exc))
            return
        if queued:
            log.info("sessions_queued", count=queued)

    async def _job(self) -> None:
        try:
            await self.run_round()
        except Exception:
            log.exception("scheduler_round_failed")

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
        scheduler.start()
        self._scheduler = scheduler
        log.info("scheduler_started", worker=self.dispatcher.worker_id)

    def shutdown(self) -> None:
        if self._scheduler is not None:
            self._scheduler.shutdown(wait=False)
            self._scheduler = None
