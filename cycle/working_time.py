"""Working time: office hours, Dutch public holidays, closure weeks and time zones.

Pure library: nothing here reads the wall clock. Every function takes the moment or day it
reasons about, and every datetime must be timezone-aware (naive ones raise ``ValueError``).

Holiday policy (country ``NL``; see ``WorkingCalendar`` for the switches):

* The ``holidays`` package supplies the public holidays: Nieuwjaarsdag, Tweede paasdag,
  Koningsdag (26 April when 27 April is a Sunday), Hemelvaartsdag, Tweede pinksterdag, Eerste
  and Tweede kerstdag (and the Sunday feasts, which are weekend days anyway).
* **Goede Vrijdag is a working day by default.** The package lists it, but it is not a general
  day off in the Netherlands (it is not in the Algemene termijnenwet, and municipal staff work).
  ``good_friday_off=True`` makes it a holiday.
* **Bevrijdingsdag (5 May) is a day off every year by default.** The package only lists it in
  lustrum years (2020, 2025, 2030, ...); municipal staff (cao Gemeenten) have it off every year.
  ``liberation_day_every_year=False`` falls back to the package's lustrum-only behaviour.

Daylight saving: office hours are wall-clock times in the recipient's zone. A local start time
that does not exist (spring-forward gap) resolves to the first existing instant after the gap;
an ambiguous one (autumn fold) resolves to its first occurrence (``fold=0``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import holidays

__all__ = [
    "DEFAULT_OFFICE_HOURS",
    "Closure",
    "OfficeHours",
    "WorkingCalendar",
    "easter_sunday",
    "local_datetime",
    "require_aware",
    "zone",
]

#: Upper bound on how far the calendar searches for a working day (guards against a
#: configuration that closes everything, which would otherwise loop forever).
_MAX_SEARCH_DAYS = 3 * 366

_ALL_WEEKDAYS = frozenset(range(7))


@dataclass(frozen=True, slots=True)
class OfficeHours:
    """Wall-clock office hours: ``start <= t < end`` on the given weekdays (0 = Monday)."""

    start: time = time(9, 0)
    end: time = time(17, 0)
    weekdays: frozenset[int] = frozenset({0, 1, 2, 3, 4})

    def __post_init__(self) -> None:
        if self.start.tzinfo is not None or self.end.tzinfo is not None:
            raise ValueError("office hours are wall-clock times; give them without tzinfo")
        if not self.start < self.end:
            raise ValueError(f"office hours start {self.start} must be before end {self.end}")
        if not self.weekdays:
            raise ValueError("office hours need at least one weekday")
        if not self.weekdays <= _ALL_WEEKDAYS:
            raise ValueError(f"weekdays must be 0 (Monday) .. 6 (Sunday), got {self.weekdays}")


DEFAULT_OFFICE_HOURS = OfficeHours()


@dataclass(frozen=True, slots=True)
class Closure:
    """A closed period, both ends inclusive (e.g. the week between Christmas and New Year)."""

    start: date
    end: date
    label: str = ""

    def __post_init__(self) -> None:
        if isinstance(self.start, datetime) or isinstance(self.end, datetime):
            raise ValueError("closure bounds are dates, not datetimes")
        if self.end < self.start:
            raise ValueError(f"closure ends ({self.end}) before it starts ({self.start})")

    def __contains__(self, day: object) -> bool:
        return isinstance(day, date) and self.start <= day <= self.end


def require_aware(moment: datetime, what: str = "moment") -> datetime:
    """Return ``moment`` unchanged; raise ``ValueError`` if it is naive."""
    if not isinstance(moment, datetime):
        raise TypeError(f"{what} must be a datetime, got {type(moment).__name__}")
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"{what} must be timezone-aware, got naive {moment.isoformat()}")
    return moment


def zone(name: str) -> ZoneInfo:
    """The ``ZoneInfo`` for an IANA name; ``ValueError`` for an unknown or malformed name."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ValueError(f"unknown time zone {name!r}") from exc


def local_datetime(day: date, wall: time, tz: tzinfo) -> datetime:
    """The aware instant at wall-clock ``wall`` on ``day`` in ``tz``.

    * Nonexistent local time (spring-forward gap): the first instant after the gap, i.e. the
      wall time the clocks jump to (02:30 on the last Sunday of March gives 03:00 CEST).
    * Ambiguous local time (autumn fold): the first occurrence (``fold=0``, still summer time).
    """
    candidate = datetime.combine(day, wall.replace(tzinfo=None, fold=0), tzinfo=tz)
    round_trip = candidate.astimezone(UTC).astimezone(tz)
    if round_trip.replace(tzinfo=None) == candidate.replace(tzinfo=None):
        return candidate
    # In a gap: with fold=0 zoneinfo applies the offset from before the transition. The
    # transition instant is the later of the two readings' UTC values minus the gap; find it
    # by taking the instant with fold=1 (post-transition offset) and stepping to the jump.
    before = candidate.replace(fold=0).astimezone(UTC)
    after = candidate.replace(fold=1).astimezone(UTC)
    low, high = min(before, after), max(before, after)
    # The transition lies in [low, high]; offsets are constant on either side, so bisect.
    offset_low = low.astimezone(tz).utcoffset()
    while high - low > timedelta(seconds=1):
        mid = low + (high - low) / 2
        if mid.astimezone(tz).utcoffset() == offset_low:
            low = mid
        else:
            high = mid
    return high.replace(microsecond=0).astimezone(tz)


def easter_sunday(year: int) -> date:
    """Gregorian Easter Sunday (anonymous Gregorian algorithm)."""
    a = year % 19
    b, c = divmod(year, 100)
    d, e = divmod(b, 4)
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    ell = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * ell) // 451
    month, day = divmod(h + ell - 7 * m + 114, 31)
    return date(year, month, day + 1)


class WorkingCalendar:
    """Working days and office hours for one organisation.

    ``country`` selects the public holidays (``holidays`` package); ``language`` the language of
    the holiday names (Dutch by default). ``good_friday_off`` and ``liberation_day_every_year``
    adjust the Dutch holiday set, see the module docstring; they only apply to ``NL``.
    """

    __slots__ = (
        "_closures",
        "_country",
        "_default_tz",
        "_good_friday_off",
        "_holidays_by_year",
        "_hours",
        "_language",
        "_liberation_day_every_year",
    )

    def __init__(
        self,
        hours: OfficeHours = DEFAULT_OFFICE_HOURS,
        closures: Sequence[Closure] = (),
        country: str = "NL",
        default_tz: str = "Europe/Amsterdam",
        *,
        good_friday_off: bool = False,
        liberation_day_every_year: bool = True,
        language: str | None = "nl",
    ) -> None:
        self._hours = hours
        self._closures = tuple(sorted(closures, key=lambda c: (c.start, c.end)))
        self._country = country.upper()
        zone(default_tz)  # validate early
        self._default_tz = default_tz
        self._good_friday_off = good_friday_off
        self._liberation_day_every_year = liberation_day_every_year
        self._language = language
        self._holidays_by_year: dict[int, dict[date, str]] = {}
        try:
            holidays.country_holidays(self._country, years=())
        except NotImplementedError as exc:
            raise ValueError(f"no public holidays known for country {country!r}") from exc

    # -- properties ---------------------------------------------------------------------------

    @property
    def hours(self) -> OfficeHours:
        return self._hours

    @property
    def closures(self) -> tuple[Closure, ...]:
        return self._closures

    @property
    def country(self) -> str:
        return self._country

    @property
    def default_tz(self) -> str:
        return self._default_tz

    # -- days ---------------------------------------------------------------------------------

    def holidays_in(self, year: int) -> dict[date, str]:
        """Public holidays of ``year`` after policy adjustments (cached per year)."""
        cached = self._holidays_by_year.get(year)
        if cached is not None:
            return cached
        table = holidays.country_holidays(self._country, years=year, language=self._language)
        result: dict[date, str] = {d: str(name) for d, name in table.items() if d.year == year}
        if self._country == "NL":
            good_friday = easter_sunday(year) - timedelta(days=2)
            if self._good_friday_off:
                result.setdefault(good_friday, "Goede Vrijdag")
            else:
                result.pop(good_friday, None)
            if self._liberation_day_every_year and year >= 1990:
                result.setdefault(date(year, 5, 5), "Bevrijdingsdag")
        self._holidays_by_year[year] = result
        return result

    def holiday_name(self, day: date) -> str | None:
        """Name of the public holiday on ``day`` (closures are not holidays), else ``None``."""
        return self.holidays_in(_as_date(day).year).get(_as_date(day))

    def closure_on(self, day: date) -> Closure | None:
        """The configured closure covering ``day``, if any."""
        day = _as_date(day)
        for closure in self._closures:
            if day in closure:
                return closure
        return None

    def is_working_day(self, day: date) -> bool:
        """An office weekday that is neither a public holiday nor in a closure."""
        day = _as_date(day)
        return (
            day.weekday() in self._hours.weekdays
            and day not in self.holidays_in(day.year)
            and self.closure_on(day) is None
        )

    def next_working_day(self, day: date, *, include_self: bool = True) -> date:
        """``day`` if it is a working day (and ``include_self``), else the next one."""
        day = _as_date(day)
        candidate = day if include_self else day + timedelta(days=1)
        for _ in range(_MAX_SEARCH_DAYS):
            if self.is_working_day(candidate):
                return candidate
            candidate += timedelta(days=1)
        raise ValueError(
            f"no working day within {_MAX_SEARCH_DAYS} days after {day}: check the closures"
        )

    def previous_working_day(self, day: date, *, include_self: bool = True) -> date:
        """``day`` if it is a working day (and ``include_self``), else the previous one."""
        day = _as_date(day)
        candidate = day if include_self else day - timedelta(days=1)
        for _ in range(_MAX_SEARCH_DAYS):
            if self.is_working_day(candidate):
                return candidate
            candidate -= timedelta(days=1)
        raise ValueError(
            f"no working day within {_MAX_SEARCH_DAYS} days before {day}: check the closures"
        )

    def add_working_days(self, day: date, n: int) -> date:
        """The ``n``-th working day after ``day`` (before it for negative ``n``).

        ``n == 0`` returns ``day`` unchanged, even when it is not a working day. ``day`` itself
        is never counted: Friday + 1 is Monday, a Saturday + 1 is also Monday.
        """
        day = _as_date(day)
        result = day
        if n > 0:
            for _ in range(n):
                result = self.next_working_day(result, include_self=False)
        elif n < 0:
            for _ in range(-n):
                result = self.previous_working_day(result, include_self=False)
        return result

    def working_days_between(self, start: date, end: date) -> int:
        """Working days ``d`` with ``start < d <= end``; negative when ``end < start``.

        Consistent with ``add_working_days``: for a working day ``e`` after ``s``,
        ``add_working_days(s, working_days_between(s, e)) == e``.
        """
        start, end = _as_date(start), _as_date(end)
        if end < start:
            return -self.working_days_between(end, start)
        count = 0
        day = start + timedelta(days=1)
        while day <= end:
            if self.is_working_day(day):
                count += 1
            day += timedelta(days=1)
        return count

    # -- moments ------------------------------------------------------------------------------

    def _zone(self, tz: str | None) -> ZoneInfo:
        return zone(tz if tz is not None else self._default_tz)

    def is_working_moment(self, moment: datetime, tz: str | None = None) -> bool:
        """Whether ``moment`` falls in office hours on a working day in zone ``tz``.

        ``tz`` is the recipient's IANA zone; ``None`` means the calendar's default zone.
        Office hours are compared as wall-clock times, so both occurrences of an ambiguous
        local hour count the same.
        """
        local = require_aware(moment).astimezone(self._zone(tz))
        wall = local.time().replace(fold=0)
        return self._hours.start <= wall < self._hours.end and self.is_working_day(local.date())

    def local_date(self, moment: datetime, tz: str | None = None) -> date:
        """The calendar date of ``moment`` in zone ``tz`` (default zone when ``None``)."""
        return require_aware(moment).astimezone(self._zone(tz)).date()

    def office_start(self, day: date, tz: str | None = None) -> datetime:
        """Start of office hours on ``day`` in zone ``tz``, as an aware UTC datetime."""
        return local_datetime(_as_date(day), self._hours.start, self._zone(tz)).astimezone(UTC)

    def next_working_moment(self, moment: datetime, tz: str | None = None) -> datetime:
        """``moment`` if it is a working moment, else the next start of office hours.

        Always returns an aware datetime in UTC.
        """
        require_aware(moment)
        if self.is_working_moment(moment, tz):
            return moment.astimezone(UTC)
        local = moment.astimezone(self._zone(tz))
        day = local.date()
        if self.is_working_day(day) and local.time().replace(fold=0) < self._hours.start:
            start = self.office_start(day, tz)
            if start >= moment:
                return start
        return self.office_start(self.next_working_day(day, include_self=False), tz)


def _as_date(day: date) -> date:
    if isinstance(day, datetime):
        raise TypeError("expected a date, got a datetime; use .date() in the right time zone")
    if not isinstance(day, date):
        raise TypeError(f"expected a date, got {type(day).__name__}")
    return day
