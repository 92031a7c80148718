"""The parts sessions and the weekly summary work with, gathered in one :class:`SessionToolkit`.

Why a toolkit: the working calendar, the series rules, invitations, the learning-cycle start
and the cycle overview are separate modules of ``cycle``; tests of sessions pass a toolkit
with a different calendar or folder. Every part is real and imported at the top: a missing
one fails at start-up, never quietly at run time.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any, Protocol

from cycle.calendar_config import load_calendar_config
from cycle.ics import invitation
from cycle.overview import CycleLine, cycles_by_stage
from cycle.series import SeriesRule, occurrences
from cycle.stage_actions import start_cycle_for_study
from kernel.settings import Settings
from storage.uow import UnitOfWork


class WorkingCalendar(Protocol):
    def is_working_day(self, day: date, /) -> bool: ...

    def is_working_moment(self, moment: datetime, tz: str, /) -> bool: ...

    def next_working_moment(self, moment: datetime, tz: str, /) -> datetime:
        """The first working moment at or after ``moment`` in ``tz``, as aware UTC."""
        ...

    def add_working_days(self, day: date, n: int, /) -> date:
        """The ``n``-th working day after ``day`` (``day`` itself never counts)."""
        ...


Occurrences = Callable[[Any, datetime, datetime, WorkingCalendar, str], Iterable[datetime]]
Invitation = Callable[..., bytes]
StartCycle = Callable[[Any, int, Mapping[int, Sequence[int]], datetime], Awaitable[Any]]
CycleOverview = Callable[[UnitOfWork, datetime], Awaitable[Sequence[CycleLine]]]

__all__ = ["CycleLine", "SessionToolkit", "WorkingCalendar", "default_toolkit", "toolkit_for"]


@dataclass(frozen=True, slots=True)
class SessionToolkit:
    """Everything :mod:`cycle.sessions` and :mod:`cycle.summary` need besides the database."""

    calendar: WorkingCalendar
    rules: Sequence[SeriesRule]
    occurrences: Occurrences
    invitation: Invitation
    start_cycle: StartCycle
    cycle_overview: CycleOverview
    ics_dir: Path
    chart_dir: Path


def default_toolkit(
    override_dir: Path | None, data_dir: Path, tz: str = "Europe/Amsterdam"
) -> SessionToolkit:
    """The real parts; files the bot makes (invitations, charts) go under ``data_dir``."""
    config = load_calendar_config(override_dir)

    async def overview(uow: UnitOfWork, now: datetime) -> Sequence[CycleLine]:
        return await cycles_by_stage(uow, now, tz)

    return SessionToolkit(
        calendar=config.calendar,  # office hours, closures from calendar.toml
        rules=tuple(config.series.values()),
        occurrences=occurrences,  # type: ignore[arg-type]
        invitation=invitation,
        start_cycle=start_cycle_for_study,
        cycle_overview=overview,
        ics_dir=data_dir / "invitations",
        chart_dir=data_dir / "summaries",
    )


def toolkit_for(settings: Settings) -> SessionToolkit:
    return default_toolkit(settings.config_dir, settings.data_dir, settings.timezone)
