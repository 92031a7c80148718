"""STAND-INS for parts other engineers build (tests only; the integrator wires the real ones).

- ``StandInCalendar`` stands in for ``cycle.working_time.WorkingCalendar``
- ``StandInRule`` / ``stand_in_occurrences`` for ``cycle.series.SeriesRule`` / ``occurrences``
- ``stand_in_invitation`` for ``cycle.ics.invitation``
- ``StandInCycles`` for ``cycle.start_cycle_for_study`` and the stage prompts of ``cycle.tick``

They are deliberately small: enough behaviour for the session tests and the demo test.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import holidays

from cycle.session_ports import SessionToolkit

OFFICE_START, OFFICE_END = time(8, 30), time(17, 0)


class StandInCalendar:
    """Working days Monday–Friday, office hours 08:30–17:00, no Dutch public holidays."""

    def __init__(self) -> None:
        self._holidays = holidays.country_holidays("NL", years=range(2025, 2030))

    def is_working_day(self, day: date, /) -> bool:
        return day.weekday() < 5 and day not in self._holidays

    def is_working_moment(self, moment: datetime, tz: str, /) -> bool:
        local = moment.astimezone(ZoneInfo(tz))
        return self.is_working_day(local.date()) and OFFICE_START <= local.time() < OFFICE_END

    def add_working_days(self, day: date, n: int, /) -> date:
        for _ in range(n):
            day += timedelta(days=1)
            while not self.is_working_day(day):
                day += timedelta(days=1)
        return day

    def next_working_moment(self, moment: datetime, tz: str, /) -> datetime:
        zone = ZoneInfo(tz)
        local = moment.astimezone(zone)
        if self.is_working_moment(moment, tz):
            return moment.astimezone(UTC)
        day = local.date()
        if self.is_working_day(day) and local.time() < OFFICE_START:
            return datetime.combine(day, OFFICE_START, zone).astimezone(UTC)
        day += timedelta(days=1)
        while not self.is_working_day(day):
            day += timedelta(days=1)
        return datetime.combine(day, OFFICE_START, zone).astimezone(UTC)


@dataclass(frozen=True)
class StandInRule:
    key: str
    months: tuple[int, ...]
    weekday: int
    week_of_month: int
    start: time
    duration_minutes: int


def stand_in_occurrences(
    rule: StandInRule, start: datetime, end: datetime, calendar: Any, tz: str
) -> Iterable[datetime]:
    zone = ZoneInfo(tz)
    for year in range(start.year, end.year + 1):
        for month in rule.months:
            day = date(year, month, 1)
            while day.weekday() != rule.weekday:
                day += timedelta(days=1)
            day += timedelta(weeks=rule.week_of_month - 1)
            while not calendar.is_working_day(day):
                day += timedelta(days=7)
            moment = datetime.combine(day, rule.start, zone).astimezone(UTC)
            if start <= moment < end:
                yield moment


def stand_in_invitation(
    *,
    uid: str,
    title: str,
    start: datetime,
    duration: timedelta,
    location: str,
    description: str,
    stamp: datetime,
    sequence: int = 0,
    method: str = "REQUEST",
) -> bytes:
    fmt = "%Y%m%dT%H%M%SZ"
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//signaalbot test stand-in//",
        f"METHOD:{method}",
        "BEGIN:VEVENT",
        f"UID:{uid}",
        f"SEQUENCE:{sequence}",
        f"DTSTAMP:{stamp.astimezone(UTC).strftime(fmt)}",
        f"DTSTART:{start.astimezone(UTC).strftime(fmt)}",
        f"DTEND:{(start + duration).astimezone(UTC).strftime(fmt)}",
        f"SUMMARY:{title}",
        f"LOCATION:{location}",
        f"DESCRIPTION:{description}",
        "END:VEVENT",
        "END:VCALENDAR",
    ]
    return ("\r\n".join(lines) + "\r\n").encode()


@dataclass
class StandInCycles:
    """Records started cycles; stands in for ``cycle.start_cycle_for_study``."""

    started: list[tuple[int, dict[int, int], datetime]] = field(default_factory=list)

    async def start_cycle(
        self, uow: Any, study_id: int, owners_by_stage: Mapping[int, Sequence[int]], now: datetime
    ) -> None:
        # The real start_cycle_for_study takes a list of owners per stage; sessions agree one.
        owners = {stage: people[0] for stage, people in owners_by_stage.items()}
        self.started.append((study_id, owners, now))


RULES = (
    StandInRule("H", (3, 10), 1, 2, time(14, 0), 120),
    StandInRule("I", (2, 4, 6, 9, 11), 3, 1, time(10, 0), 90),
    StandInRule("K", (12,), 2, 1, time(14, 0), 60),
)


def stand_in_toolkit(folder: Path, cycles: StandInCycles | None = None) -> SessionToolkit:
    return SessionToolkit(
        calendar=StandInCalendar(),
        rules=RULES,
        occurrences=stand_in_occurrences,
        invitation=stand_in_invitation,
        start_cycle=(cycles or StandInCycles()).start_cycle,
        ics_dir=folder / "invitations",
        chart_dir=folder / "summaries",
    )
