"""When the weekly summary goes out: Monday 08:30 (``config/summary.toml``) for everyone with
the summary role, once per week and person, at its own time on a working day."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from cycle.session_ports import SessionToolkit, toolkit_for
from cycle.sessions import SessionConfig, load_session_config
from kernel.logging import get_logger
from turn.visibility import Viewer, can_see

if TYPE_CHECKING:
    from storage.uow import UnitOfWork
    from turn.context import Services
from cycle.summary import (
    LATE_SUMMARY,
    SummaryConfig,
    WeeklySummary,
    collect_summary,
    load_summary_config,
)
from cycle.summary_render import chart_png, summary_reply

log = get_logger("signaalbot.summary")


def due_week(now: datetime, tz: str, config: SummaryConfig) -> tuple[int, int, datetime]:
    """The week the latest due summary reports on, and the moment it became due.

    The summary sent on Monday 08:30 of week N covers week N-1. Missed ones are not sent
    again after downtime: only the latest, and only while it is less than three days late.
    """
    zone = ZoneInfo(tz)
    local = now.astimezone(zone)
    day = local.date() - timedelta(days=(local.weekday() - config.weekday) % 7)
    moment = datetime.combine(day, config.time, zone)
    if moment > local:
        day -= timedelta(days=7)
        moment = datetime.combine(day, config.time, zone)
    reported = day - timedelta(days=7)
    year, week, _ = reported.isocalendar()
    return year, week, moment.astimezone(ZoneInfo("UTC"))


async def visible_summary(uow: UnitOfWork, viewer: Viewer, summary: WeeklySummary) -> WeeklySummary:
    """The summary as this reader may see it: a guest's copy lists only signals they may see
    (:mod:`turn.visibility`); counts per theme stay, they carry no text."""
    if not viewer.guest:
        return summary
    kept = []
    for ref, text, support in summary.top_signals:
        signal = await uow.signals.get_by_ref(ref)
        if signal is not None and await can_see(uow, viewer, signal):
            kept.append((ref, text, support))
    return replace(summary, top_signals=kept)


async def summary_due(
    uow: UnitOfWork,
    services: Services,
    now: datetime,
    *,
    toolkit: SessionToolkit | None = None,
    config: SummaryConfig | None = None,
    session_config: SessionConfig | None = None,
) -> int:
    """Queue the weekly summary for everyone with the summary role; returns how many."""
    toolkit = toolkit or toolkit_for(services.settings)
    config = config or load_summary_config(services.settings.config_dir)
    session_config = session_config or load_session_config(services.settings.config_dir)
    added = 0
    for person in await uow.people.with_role(session_config.summary_role):
        if person.identity() is None:
            continue
        year, week, moment = due_week(now, person.timezone, config)
        if now - moment > LATE_SUMMARY:
            continue  # more than a few days late (downtime, a new leader): wait for next week
        key = f"weekly-summary:{year}-W{week:02d}:person:{person.id}"
        if await uow.outbox.has(key):
            continue
        t = services.translator(person.locale, person.timezone)
        summary = await collect_summary(
            uow,
            services,
            year,
            week,
            toolkit=toolkit,
            config=config,
            session_config=session_config,
            locale=t.locale,
        )
        summary = await visible_summary(uow, Viewer.of_person(person), summary)
        chart = toolkit.chart_dir / f"summary-{summary.label}-{t.locale}.png"
        if not chart.exists():
            chart.parent.mkdir(parents=True, exist_ok=True)
            chart.write_bytes(chart_png(summary, t))
        reply = summary_reply(summary, t, chart)
        if await uow.outbox.enqueue(
            key=key,
            person_id=person.id,
            payload=reply.model_dump(mode="json"),
            now=now,
            not_before=summary_moment(toolkit, max(now, moment), person.timezone),
            # The summary is for reading, at its own time (Monday 08:30 by default), which may
            # lie before office hours; on a holiday it waits for the next working day.
            office_hours_only=False,
        ):
            added += 1
            log.info("summary_queued", person_id=person.id, week=summary.label)
    return added


def summary_moment(toolkit: SessionToolkit, moment: datetime, tz: str) -> datetime:
    """``moment`` itself on a working day; else the first working moment after it."""
    if toolkit.calendar.is_working_day(moment.astimezone(ZoneInfo(tz)).date()):
        return moment
    return toolkit.calendar.next_working_moment(moment, tz)


async def sessions_and_summary_due(
    uow: UnitOfWork, services: Services, now: datetime, *, toolkit: SessionToolkit | None = None
) -> int:
    """The one hook for ``cycle.tick``: session prompts plus the weekly summary."""
    from cycle.sessions import session_due

    toolkit = toolkit or toolkit_for(services.settings)
    added = await session_due(uow, services, now, toolkit=toolkit)
    return added + await summary_due(uow, services, now, toolkit=toolkit)
