"""The working calendar as this area uses it: a small protocol and the loader.

Why a protocol: the cycle only needs the five methods below of ``cycle.working_time``'s
WorkingCalendar, so tests can pass a calendar of their own; :func:`load_calendar` builds the
real one from ``config/calendar.toml``.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Protocol
from zoneinfo import ZoneInfo

from kernel.settings import Settings


class WorkingCalendarLike(Protocol):
    def is_working_day(self, day: date, /) -> bool: ...

    def is_working_moment(self, moment: datetime, tz: str, /) -> bool: ...

    def next_working_moment(self, moment: datetime, tz: str, /) -> datetime: ...

    def add_working_days(self, day: date, n: int, /) -> date: ...


def load_calendar(settings: Settings | None = None) -> WorkingCalendarLike:
    """The organisation's working calendar: office hours, NL holidays and closure weeks from
    ``config/calendar.toml`` (or the same file in ``SIGNAALBOT_CONFIG_DIR``)."""
    from cycle.calendar_config import load_calendar_config

    calendar: WorkingCalendarLike = load_calendar_config(
        settings.config_dir if settings is not None else None
    ).calendar
    return calendar


def local_date(moment: datetime, tz: str) -> date:
    return moment.astimezone(ZoneInfo(tz)).date()


def working_day_on_or_after(calendar: WorkingCalendarLike, day: date) -> date:
    while not calendar.is_working_day(day):
        day += timedelta(days=1)
    return day


def working_days_before(calendar: WorkingCalendarLike, day: date, n: int) -> date:
    """The working day ``n`` working days before ``day``."""
    while n > 0:
        day -= timedelta(days=1)
        if calendar.is_working_day(day):
            n -= 1
    return day
