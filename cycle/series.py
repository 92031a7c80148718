"""Session series: recurring sessions such as H (half-yearly), I (every two months), K (yearly).

A rule names the months, the preferred weekday and which week of the month ("Tuesday of the
2nd week" means the second Tuesday of the month; ``-1`` means the last one). When that date is
not a working day (public holiday, closure, or a weekday outside office days) the session moves
to the next working day, keeping its local start time.
"""

from __future__ import annotations

import calendar as _stdlib_calendar
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from cycle.working_time import WorkingCalendar, local_datetime, require_aware, zone

__all__ = ["SeriesRule", "nominal_date", "occurrences"]

_WEEKS = frozenset({1, 2, 3, 4, -1})


@dataclass(frozen=True, slots=True)
class SeriesRule:
    """When the sessions of one series take place (local wall-clock ``start``)."""

    key: str
    months: tuple[int, ...]
    weekday: int
    week_of_month: int
    start: time
    duration_minutes: int

    def __post_init__(self) -> None:
        if not self.key:
            raise ValueError("series key must not be empty")
        if not self.months:
            raise ValueError(f"series {self.key}: months must not be empty")
        if any(not 1 <= m <= 12 for m in self.months):
            raise ValueError(f"series {self.key}: months must be 1..12, got {self.months}")
        if len(set(self.months)) != len(self.months):
            raise ValueError(f"series {self.key}: months repeat in {self.months}")
        if not 0 <= self.weekday <= 6:
            raise ValueError(f"series {self.key}: weekday must be 0 (Mon)..6 (Sun)")
        if self.week_of_month not in _WEEKS:
            raise ValueError(f"series {self.key}: week_of_month must be 1..4 or -1 (last)")
        if self.start.tzinfo is not None:
            raise ValueError(f"series {self.key}: start is a wall-clock time, without tzinfo")
        if self.duration_minutes <= 0:
            raise ValueError(f"series {self.key}: duration_minutes must be positive")

    @property
    def duration(self) -> timedelta:
        return timedelta(minutes=self.duration_minutes)


def nominal_date(rule: SeriesRule, year: int, month: int) -> date:
    """The rule's date in ``month`` before any holiday shift."""
    first_weekday, days_in_month = _stdlib_calendar.monthrange(year, month)
    first = 1 + (rule.weekday - first_weekday) % 7
    if rule.week_of_month == -1:
        day = first + 7 * ((days_in_month - first) // 7)
    else:
        day = first + 7 * (rule.week_of_month - 1)
    return date(year, month, day)


def occurrences(
    rule: SeriesRule,
    start: date,
    end: date,
    calendar: WorkingCalendar,
    tz: str = "Europe/Amsterdam",
) -> list[datetime]:
    """Session starts in the window, in order, as aware UTC datetimes.

    ``start``/``end`` given as dates: sessions whose (shifted) local date lies in
    ``start..end``, both inclusive. Given as aware datetimes: sessions starting at an instant
    in ``[start, end)`` (naive datetimes raise ``ValueError``). Each nominal date that is not a
    working day moves to the next working day; two nominal dates shifted onto one day give one
    session.
    """
    tzinfo = zone(tz)
    if isinstance(start, datetime) or isinstance(end, datetime):
        if not (isinstance(start, datetime) and isinstance(end, datetime)):
            raise TypeError("give start and end both as dates or both as datetimes")
        require_aware(start, "start")
        require_aware(end, "end")
        first_day = start.astimezone(tzinfo).date()
        last_day = end.astimezone(tzinfo).date()
        return [
            moment
            for moment in occurrences(rule, first_day, last_day, calendar, tz)
            if start <= moment < end
        ]
    for bound in (start, end):
        if not isinstance(bound, date):
            raise TypeError(f"start and end are dates, got {type(bound).__name__}")
    result: list[datetime] = []
    seen: set[date] = set()
    # Begin a year early: a shift over a long closure may carry an earlier month into range.
    for year in range(start.year - 1, end.year + 1):
        for month in sorted(rule.months):
            day = calendar.next_working_day(nominal_date(rule, year, month))
            if start <= day <= end and day not in seen:
                seen.add(day)
                result.append(local_datetime(day, rule.start, tzinfo).astimezone(UTC))
    result.sort()
    return result
