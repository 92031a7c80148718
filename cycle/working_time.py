"""When may signaalbot prompt someone? Working days, office hours, Dutch public holidays.

Why a calendar object: professionals have full agendas, so prompts go out only on working days
within office hours in the recipient's own time zone, never on a Dutch public holiday or in a
closure week the municipality configured. Nothing here reads the clock; callers pass moments.

Decisions: the public holidays are those of the ``holidays`` package for NL (Nieuwjaarsdag,
Pasen, Koningsdag — moved to the 26th when the 27th is a Sunday —, Hemelvaart, Pinksteren,
Kerstmis). Bevrijdingsdag (5 May) counts as a day off only in lustrum years (2025, 2030),
as in most collective agreements for municipalities; Goede Vrijdag is not a day off.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

import holidays


def _aware(moment: datetime) -> datetime:
    if moment.tzinfo is None:
        raise ValueError("naive datetime: pass a timezone-aware moment")
    return moment


@dataclass(frozen=True, slots=True)
class OfficeHours:
    start: time = time(9, 0)
    end: time = time(17, 0)
    weekdays: frozenset[int] = frozenset({0, 1, 2, 3, 4})


@dataclass(frozen=True, slots=True)
class Closure:
    """A period without prompts, both days included (e.g. the Christmas week)."""

    start: date
    end: date

    def __contains__(self, day: object) -> bool:
        return isinstance(day, date) and self.start <= day <= self.end


@lru_cache(maxsize=64)
def _holidays_for(country: str, year: int) -> dict[date, str]:
    found: dict[date, str] = dict(holidays.country_holidays(country, years=year, language="nl"))
    if country == "NL":
        for day, name in list(found.items()):
            if "goede vrijdag" in name.lower():
                del found[day]
        liberation = date(year, 5, 5)
        if year % 5 == 0:
            found.setdefault(liberation, "Bevrijdingsdag")
        else:
            found.pop(liberation, None)
    return found


@dataclass(frozen=True, slots=True)
class WorkingCalendar:
    hours: OfficeHours = field(default_factory=OfficeHours)
    closures: Sequence[Closure] = ()
    country: str = "NL"
    default_tz: str = "Europe/Amsterdam"

    def holiday_name(self, day: date) -> str | None:
        return _holidays_for(self.country, day.year).get(day)

    def is_working_day(self, day: date) -> bool:
        return (
            day.weekday() in self.hours.weekdays
            and self.holiday_name(day) is None
            and not any(day in closure for closure in self.closures)
        )

    def _zone(self, tz: str | None) -> ZoneInfo:
        return ZoneInfo(tz or self.default_tz)

    def is_working_moment(self, moment: datetime, tz: str | None = None) -> bool:
        local = _aware(moment).astimezone(self._zone(tz))
        return (
            self.is_working_day(local.date()) and self.hours.start <= local.time() < self.hours.end
        )

    def next_working_moment(self, moment: datetime, tz: str | None = None) -> datetime:
        """``moment`` itself when it is within working time, else the next office-hours start (UTC)."""
        if self.is_working_moment(moment, tz):
            return _aware(moment).astimezone(UTC)
        zone = self._zone(tz)
        local = moment.astimezone(zone)
        day = local.date()
        if local.time() >= self.hours.start:
            day += timedelta(days=1)
        for _ in range(400):
            if self.is_working_day(day):
                # Built from the wall-clock time, so DST changes give the right UTC offset.
                start = datetime.combine(day, self.hours.start, tzinfo=zone)
                return start.astimezone(UTC)
            day += timedelta(days=1)
        raise ValueError("no working day within 400 days: check the closures")

    def add_working_days(self, day: date, n: int) -> date:
        """The working day ``n`` working days after ``day`` (``n`` may be 0 or negative)."""
        step = 1 if n >= 0 else -1
        remaining = abs(n)
        current = day
        while remaining:
            current += timedelta(days=step)
            if self.is_working_day(current):
                remaining -= 1
        return current

    def working_days_between(self, start: date, end: date) -> int:
        """Working days after ``start`` up to and including ``end`` (0 when end <= start)."""
        count, current = 0, start
        while current < end:
            current += timedelta(days=1)
            if self.is_working_day(current):
                count += 1
        return count

    def local_date(self, moment: datetime, tz: str | None = None) -> date:
        return _aware(moment).astimezone(self._zone(tz)).date()
