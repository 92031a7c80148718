"""The working calendar as this area uses it: a small protocol and the loader.

Why a protocol: ``cycle/working_time.py`` (WorkingCalendar) is written alongside this module.
The cycle only needs the five methods below; :func:`load_calendar` builds the real calendar
when it is installed and otherwise the clearly marked stand-in of ``cycle/standin_calendar.py``.
"""

from __future__ import annotations

import importlib
from datetime import date, datetime, timedelta
from typing import Any, Protocol
from zoneinfo import ZoneInfo

from bot.settings import Settings


class WorkingCalendarLike(Protocol):
    def is_working_day(self, day: date, /) -> bool: ...

    def is_working_moment(self, moment: datetime, tz: str, /) -> bool: ...

    def next_working_moment(self, moment: datetime, tz: str, /) -> datetime: ...

    def add_working_days(self, day: date, n: int, /) -> date: ...


def load_calendar(settings: Settings | None = None) -> WorkingCalendarLike:
    """The organisation's working calendar (office hours, NL holidays, closure weeks)."""
    default_tz = settings.timezone if settings is not None else "Europe/Amsterdam"
    try:
        config: Any = importlib.import_module("cycle.calendar_config")
        loader = getattr(config, "load_calendar", None)
        if callable(loader):
            calendar: WorkingCalendarLike = loader(settings.config_dir if settings else None)
            return calendar
    except ImportError:
        pass
    try:
        working_time: Any = importlib.import_module("cycle.working_time")
        real: WorkingCalendarLike = working_time.WorkingCalendar(default_tz=default_tz)
        return real
    except ImportError:
        from cycle.standin_calendar import StandinCalendar

        return StandinCalendar(default_tz=default_tz)


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
