"""Load working time and session series from ``config/calendar.toml``.

The packaged default is read through ``importlib.resources`` from the ``config`` package; an
override file replaces it entirely. Every problem raises ``CalendarConfigError`` naming the
file and the key.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from datetime import date, datetime, time
from importlib import resources
from pathlib import Path
from typing import Any, NamedTuple

from cycle.series import SeriesRule
from cycle.working_time import Closure, OfficeHours, WorkingCalendar, zone

__all__ = ["CalendarConfig", "CalendarConfigError", "load_calendar_config", "parse_calendar"]

DEFAULT_RESOURCE = "calendar.toml"

_WEEKDAYS: dict[str, int] = {
    **{name: i for i, name in enumerate(("mon", "tue", "wed", "thu", "fri", "sat", "sun"))},
    **{name: i for i, name in enumerate(("ma", "di", "wo", "do", "vr", "za", "zo"))},
    **{
        name: i
        for i, name in enumerate(
            ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
        )
    },
    **{
        name: i
        for i, name in enumerate(
            ("maandag", "dinsdag", "woensdag", "donderdag", "vrijdag", "zaterdag", "zondag")
        )
    },
}

_TOP_KEYS = {"calendar", "office_hours", "closures", "series"}
_CALENDAR_KEYS = {"country", "timezone", "good_friday_off", "liberation_day_every_year"}
_HOURS_KEYS = {"start", "end", "weekdays"}
_CLOSURE_KEYS = {"start", "end", "label"}
_SERIES_KEYS = {"months", "weekday", "week_of_month", "start", "duration_minutes"}


class CalendarConfigError(ValueError):
    """The calendar configuration is invalid; the message says where and why."""


class CalendarConfig(NamedTuple):
    calendar: WorkingCalendar
    series: dict[str, SeriesRule]


def load_calendar_config(path: str | Path | None = None) -> CalendarConfig:
    """Read the calendar configuration.

    ``path`` may be a file (read it), a folder (the override-folder convention of the other
    config files: ``calendar.toml`` in it when present, else the packaged default) or ``None``
    (the packaged ``config/calendar.toml``).
    """
    if path is not None and Path(path).is_dir():
        candidate = Path(path) / DEFAULT_RESOURCE
        path = candidate if candidate.is_file() else None
    if path is not None:
        source = str(path)
        try:
            text = Path(path).read_text(encoding="utf-8")
        except OSError as exc:
            raise CalendarConfigError(f"{source}: cannot read: {exc}") from exc
    else:
        source = f"config/{DEFAULT_RESOURCE}"
        text = resources.files("config").joinpath(DEFAULT_RESOURCE).read_text(encoding="utf-8")
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise CalendarConfigError(f"{source}: not valid TOML: {exc}") from exc
    return parse_calendar(data, source)


def parse_calendar(data: Mapping[str, Any], source: str = "<calendar>") -> CalendarConfig:
    """Build the calendar and series from already-parsed TOML data."""
    _no_unknown(data, _TOP_KEYS, source, "")

    cal = _table(data, "calendar", source)
    _no_unknown(cal, _CALENDAR_KEYS, source, "calendar")
    country = _str(cal.get("country", "NL"), source, "calendar.country")
    tz = _str(cal.get("timezone", "Europe/Amsterdam"), source, "calendar.timezone")
    try:
        zone(tz)
    except ValueError as exc:
        raise CalendarConfigError(f"{source}: calendar.timezone: {exc}") from exc
    good_friday_off = _bool(cal.get("good_friday_off", False), source, "calendar.good_friday_off")
    liberation = _bool(
        cal.get("liberation_day_every_year", True), source, "calendar.liberation_day_every_year"
    )

    hours_table = _table(data, "office_hours", source)
    _no_unknown(hours_table, _HOURS_KEYS, source, "office_hours")
    weekdays_raw = hours_table.get("weekdays", [0, 1, 2, 3, 4])
    if not isinstance(weekdays_raw, list):
        raise CalendarConfigError(f"{source}: office_hours.weekdays must be a list")
    try:
        hours = OfficeHours(
            start=_time(hours_table.get("start", "09:00"), source, "office_hours.start"),
            end=_time(hours_table.get("end", "17:00"), source, "office_hours.end"),
            weekdays=frozenset(_weekday(w, source, "office_hours.weekdays") for w in weekdays_raw),
        )
    except ValueError as exc:
        if isinstance(exc, CalendarConfigError):
            raise
        raise CalendarConfigError(f"{source}: office_hours: {exc}") from exc

    closures_raw = data.get("closures", [])
    if not isinstance(closures_raw, list):
        raise CalendarConfigError(f"{source}: closures must be an array of tables ([[closures]])")
    closures: list[Closure] = []
    for i, item in enumerate(closures_raw):
        where = f"closures[{i}]"
        if not isinstance(item, dict):
            raise CalendarConfigError(f"{source}: {where} must be a table")
        _no_unknown(item, _CLOSURE_KEYS, source, where)
        try:
            closures.append(
                Closure(
                    start=_date(item.get("start"), source, f"{where}.start"),
                    end=_date(item.get("end"), source, f"{where}.end"),
                    label=_str(item.get("label", ""), source, f"{where}.label"),
                )
            )
        except ValueError as exc:
            if isinstance(exc, CalendarConfigError):
                raise
            raise CalendarConfigError(f"{source}: {where}: {exc}") from exc

    try:
        calendar = WorkingCalendar(
            hours,
            closures,
            country=country,
            default_tz=tz,
            good_friday_off=good_friday_off,
            liberation_day_every_year=liberation,
        )
    except ValueError as exc:
        raise CalendarConfigError(f"{source}: calendar: {exc}") from exc

    series: dict[str, SeriesRule] = {}
    for key, table in _table(data, "series", source).items():
        where = f"series.{key}"
        if not isinstance(table, dict):
            raise CalendarConfigError(f"{source}: {where} must be a table")
        _no_unknown(table, _SERIES_KEYS, source, where)
        missing = sorted(_SERIES_KEYS - table.keys())
        if missing:
            raise CalendarConfigError(f"{source}: {where}: missing {', '.join(missing)}")
        months = table["months"]
        if not isinstance(months, list) or not all(_is_int(m) for m in months):
            raise CalendarConfigError(f"{source}: {where}.months must be a list of integers")
        week = table["week_of_month"]
        duration = table["duration_minutes"]
        if not _is_int(week):
            raise CalendarConfigError(f"{source}: {where}.week_of_month must be an integer")
        if not _is_int(duration):
            raise CalendarConfigError(f"{source}: {where}.duration_minutes must be an integer")
        try:
            series[key] = SeriesRule(
                key=key,
                months=tuple(months),
                weekday=_weekday(table["weekday"], source, f"{where}.weekday"),
                week_of_month=week,
                start=_time(table["start"], source, f"{where}.start"),
                duration_minutes=duration,
            )
        except ValueError as exc:
            if isinstance(exc, CalendarConfigError):
                raise
            raise CalendarConfigError(f"{source}: {exc}") from exc
    return CalendarConfig(calendar, series)


# -- field helpers ------------------------------------------------------------------------------


def _no_unknown(table: Mapping[str, Any], allowed: set[str], source: str, where: str) -> None:
    unknown = sorted(set(table) - allowed)
    if unknown:
        prefix = f"{where}: " if where else ""
        raise CalendarConfigError(
            f"{source}: {prefix}unknown key(s) {', '.join(unknown)}; "
            f"expected {', '.join(sorted(allowed))}"
        )


def _table(data: Mapping[str, Any], key: str, source: str) -> dict[str, Any]:
    value = data.get(key, {})
    if not isinstance(value, dict):
        raise CalendarConfigError(f"{source}: [{key}] must be a table")
    return value


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _str(value: object, source: str, where: str) -> str:
    if not isinstance(value, str):
        raise CalendarConfigError(f"{source}: {where} must be a string, got {value!r}")
    return value


def _bool(value: object, source: str, where: str) -> bool:
    if not isinstance(value, bool):
        raise CalendarConfigError(f"{source}: {where} must be true or false, got {value!r}")
    return value


def _time(value: object, source: str, where: str) -> time:
    if isinstance(value, time):
        return value
    if isinstance(value, str):
        try:
            return time.fromisoformat(value)
        except ValueError:
            pass
    raise CalendarConfigError(f'{source}: {where} must be a time like "09:00", got {value!r}')


def _date(value: object, source: str, where: str) -> date:
    if isinstance(value, date) and not isinstance(value, datetime):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value)
        except ValueError:
            pass
    raise CalendarConfigError(f"{source}: {where} must be a date like 2026-12-28, got {value!r}")


def _weekday(value: object, source: str, where: str) -> int:
    if _is_int(value):
        assert isinstance(value, int)
        if 0 <= value <= 6:
            return value
    elif isinstance(value, str) and value.strip().lower() in _WEEKDAYS:
        return _WEEKDAYS[value.strip().lower()]
    raise CalendarConfigError(
        f"{source}: {where}: {value!r} is not a weekday (mon..sun, ma..zo or 0 = Monday .. 6)"
    )
