"""What sessions need from the other parts of ``cycle``, as small protocols.

Why: the working-time calendar (``cycle.working_time``), the series rules (``cycle.series``,
``cycle.calendar_config``), invitations (``cycle.ics``) and the learning cycle
(``cycle.start_cycle_for_study``) are built beside this module. Sessions speak to them only
through these protocols; :func:`default_toolkit` imports the real ones lazily, and tests pass
small stand-ins.
"""

from __future__ import annotations

import importlib
from collections.abc import Awaitable, Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any, Protocol

from kernel.domain_config import read_config_file


class WorkingCalendar(Protocol):
    def is_working_day(self, day: date, /) -> bool: ...

    def is_working_moment(self, moment: datetime, tz: str, /) -> bool: ...

    def next_working_moment(self, moment: datetime, tz: str, /) -> datetime:
        """The first working moment at or after ``moment`` in ``tz``, as aware UTC."""
        ...

    def add_working_days(self, day: date, n: int, /) -> date:
        """The ``n``-th working day after ``day`` (``day`` itself never counts)."""
        ...


class SeriesRuleLike(Protocol):
    @property
    def key(self) -> str: ...

    @property
    def duration_minutes(self) -> int: ...


Occurrences = Callable[[Any, datetime, datetime, WorkingCalendar, str], Iterable[datetime]]
Invitation = Callable[..., bytes]
StartCycle = Callable[[Any, int, Mapping[int, Sequence[int]], datetime], Awaitable[Any]]


@dataclass(frozen=True, slots=True)
class CycleLine:
    """Learning cycles in one stage, for the weekly summary."""

    stage: int
    count: int
    overdue_owners: tuple[str, ...] = ()


# (uow, now) -> one line per stage; provided by the learning-cycle part of ``cycle``.
CycleOverview = Callable[[Any, datetime], Awaitable[Sequence[CycleLine]]]


class MissingPartError(RuntimeError):
    """A part built by another engineer is not installed yet; the message names it."""


@dataclass(frozen=True, slots=True)
class SessionToolkit:
    """Everything :mod:`cycle.sessions` needs besides the database."""

    calendar: WorkingCalendar
    rules: Sequence[Any]  # SeriesRule objects: key, months, weekday, week_of_month, start, ...
    occurrences: Occurrences
    invitation: Invitation | None = None
    start_cycle: StartCycle | None = None
    cycle_overview: CycleOverview | None = None
    ics_dir: Path = Path("invitations")
    chart_dir: Path = Path("summaries")


def _optional(module: str, name: str) -> Any:
    try:
        return getattr(importlib.import_module(module), name)
    except (ImportError, AttributeError):
        return None


def _required(module: str, name: str) -> Any:
    found = _optional(module, name)
    if found is None:
        raise MissingPartError(f"{module}.{name} is not available")
    return found


def load_rules(override_dir: Path | None) -> Sequence[Any]:
    """The H, I and K series rules from ``cycle.calendar_config`` (calendar.toml)."""
    loader = _required("cycle.calendar_config", "load_calendar_config")
    config = loader(override_dir)
    return tuple(config.series.values())


def default_toolkit(
    override_dir: Path | None = None, base_dir: Path | None = None
) -> SessionToolkit:
    """The real parts, imported lazily; raises :class:`MissingPartError` when one is missing."""
    loader = _required("cycle.calendar_config", "load_calendar_config")
    summary = read_config_file("summary.toml", override_dir)
    base = base_dir or Path.cwd()
    return SessionToolkit(
        calendar=loader(override_dir).calendar,  # office hours, closures from calendar.toml
        rules=load_rules(override_dir),
        occurrences=_required("cycle.series", "occurrences"),
        invitation=_optional("cycle.ics", "invitation"),
        start_cycle=_optional("cycle.engine", "start_cycle_for_study"),
        cycle_overview=_optional("cycle.learning", "cycles_by_stage"),
        ics_dir=base / "invitations",
        chart_dir=base / str(summary.get("chart_dir", "summaries")),
    )
