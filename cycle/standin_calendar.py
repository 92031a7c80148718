"""STAND-IN working calendar, used only until ``cycle/working_time.py`` is merged.

The integrator deletes this file (and the fallback in ``cycle.workdays.load_calendar``) once
the real WorkingCalendar lands. It knows just enough: Monday-Friday, Dutch public holidays from
the ``holidays`` package, office hours 09:00-17:00 in the recipient's time zone. No closures.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import holidays


class StandinCalendar:
    def __init__(
        self,
        default_tz: str = "Europe/Amsterdam",
        start: time = time(9, 0),
        end: time = time(17, 0),
    ) -> None:
        self.default_tz = default_tz
        self.start, self.end = start, end
        self._holidays = holidays.country_holidays("NL")

    def is_working_day(self, day: date, /) -> bool:
        return day.weekday() < 5 and day not in self._holidays

    def is_working_moment(self, moment: datetime, tz: str, /) -> bool:
        local = moment.astimezone(ZoneInfo(tz or self.default_tz))
        return self.is_working_day(local.date()) and self.start <= local.time() < self.end

    def next_working_moment(self, moment: datetime, tz: str, /) -> datetime:
        zone = ZoneInfo(tz or self.default_tz)
        day = moment.astimezone(zone).date()
        for _ in range(400):
            if self.is_working_day(day):
                opening = datetime.combine(day, self.start, tzinfo=zone)
                closing = datetime.combine(day, self.end, tzinfo=zone)
                if moment < opening:
                    return opening.astimezone(UTC)
                if moment < closing:
                    return moment.astimezone(UTC)
            day += timedelta(days=1)
        raise ValueError("no working moment within 400 days")

    def add_working_days(self, day: date, n: int, /) -> date:
        step = 1 if n >= 0 else -1
        remaining = abs(n)
        while remaining:
            day += timedelta(days=step)
            if self.is_working_day(day):
                remaining -= 1
        return day
