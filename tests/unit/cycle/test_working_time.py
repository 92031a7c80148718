from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from cycle.working_time import (
    Closure,
    OfficeHours,
    WorkingCalendar,
    easter_sunday,
    local_datetime,
)

AMS = ZoneInfo("Europe/Amsterdam")
cal = WorkingCalendar()


@pytest.mark.parametrize(
    ("day", "name"),
    [
        (date(2026, 1, 1), "Nieuwjaarsdag"),
        (date(2026, 4, 6), "Tweede paasdag"),
        (date(2026, 4, 27), "Koningsdag"),
        (date(2025, 4, 26), "Koningsdag"),  # 27 April 2025 was a Sunday
        (date(2026, 5, 14), "Hemelvaartsdag"),
        (date(2026, 5, 25), "Tweede pinksterdag"),
        (date(2026, 12, 25), "Eerste kerstdag"),
        (date(2025, 12, 26), "Tweede kerstdag"),
        (date(2027, 1, 1), "Nieuwjaarsdag"),
        (date(2025, 5, 5), "Bevrijdingsdag"),
        (date(2026, 5, 5), "Bevrijdingsdag"),  # every year by default (cao Gemeenten)
    ],
)
def test_public_holidays_are_not_working_days(day: date, name: str) -> None:
    assert cal.holiday_name(day) == name
    assert not cal.is_working_day(day)


def test_koningsdag_on_sunday_moves_to_saturday_not_monday() -> None:
    assert date(2025, 4, 27).weekday() == 6
    assert cal.holiday_name(date(2025, 4, 27)) is None
    assert cal.is_working_day(date(2025, 4, 28))


def test_good_friday_is_a_working_day_unless_configured() -> None:
    good_friday = date(2026, 4, 3)
    assert good_friday == easter_sunday(2026) - timedelta(days=2)
    assert cal.is_working_day(good_friday)
    assert cal.holiday_name(good_friday) is None
    off = WorkingCalendar(good_friday_off=True)
    assert not off.is_working_day(good_friday)
    assert off.holiday_name(good_friday) is not None


def test_liberation_day_lustrum_only_when_configured() -> None:
    lustrum = WorkingCalendar(liberation_day_every_year=False)
    assert lustrum.is_working_day(date(2026, 5, 5))
    assert not lustrum.is_working_day(date(2025, 5, 5))


def test_easter_algorithm() -> None:
    assert easter_sunday(2025) == date(2025, 4, 20)
    assert easter_sunday(2026) == date(2026, 4, 5)
    assert easter_sunday(2027) == date(2027, 3, 28)
    assert easter_sunday(2038) == date(2038, 4, 25)


def test_weekends_are_not_working_days() -> None:
    assert not cal.is_working_day(date(2026, 11, 28))  # Saturday
    assert not cal.is_working_day(date(2026, 11, 29))  # Sunday
    assert cal.is_working_day(date(2026, 11, 30))


def test_office_hours_boundaries() -> None:
    monday = date(2026, 11, 23)
    assert not cal.is_working_moment(datetime.combine(monday, time(8, 59, 59), AMS))
    assert cal.is_working_moment(datetime.combine(monday, time(9, 0), AMS))
    assert cal.is_working_moment(datetime.combine(monday, time(16, 59, 59), AMS))
    assert not cal.is_working_moment(datetime.combine(monday, time(17, 0), AMS))


def test_recipient_time_zone() -> None:
    moment = datetime(2026, 11, 23, 8, 30, tzinfo=UTC)  # 09:30 Amsterdam, 08:30 London
    assert cal.is_working_moment(moment)
    assert cal.is_working_moment(moment, "Europe/Amsterdam")
    assert not cal.is_working_moment(moment, "Europe/London")
    assert cal.next_working_moment(moment, "Europe/London") == datetime(
        2026, 11, 23, 9, 0, tzinfo=UTC
    )
    # New York Friday evening is Saturday in Amsterdam; still Friday there.
    assert cal.local_date(datetime(2026, 11, 27, 23, 0, tzinfo=UTC), "America/New_York") == date(
        2026, 11, 27
    )


def test_unknown_time_zone_is_a_value_error() -> None:
    with pytest.raises(ValueError, match="time zone"):
        cal.is_working_moment(datetime(2026, 1, 5, 10, tzinfo=UTC), "Mars/Olympus")
    with pytest.raises(ValueError, match="time zone"):
        WorkingCalendar(default_tz="Nowhere/Land")


@pytest.mark.parametrize(
    ("moment", "expected"),
    [
        # Spring forward on Sunday 29 March 2026: Monday 09:00 is CEST, UTC+2.
        (datetime(2026, 3, 27, 18, 0, tzinfo=AMS), datetime(2026, 3, 30, 7, 0, tzinfo=UTC)),
        # Fall back on Sunday 25 October 2026: Monday 09:00 is CET, UTC+1.
        (datetime(2026, 10, 23, 18, 0, tzinfo=AMS), datetime(2026, 10, 26, 8, 0, tzinfo=UTC)),
        # From inside the weekend itself, on both sides of the change.
        (datetime(2026, 3, 29, 1, 30, tzinfo=UTC), datetime(2026, 3, 30, 7, 0, tzinfo=UTC)),
        (datetime(2026, 10, 25, 0, 30, tzinfo=UTC), datetime(2026, 10, 26, 8, 0, tzinfo=UTC)),
        (datetime(2026, 10, 25, 1, 30, tzinfo=UTC), datetime(2026, 10, 26, 8, 0, tzinfo=UTC)),
        # Early Monday before office hours: same day.
        (datetime(2026, 3, 30, 6, 0, tzinfo=AMS), datetime(2026, 3, 30, 7, 0, tzinfo=UTC)),
        # Already working: the moment itself, in UTC.
        (datetime(2026, 3, 30, 11, 15, tzinfo=AMS), datetime(2026, 3, 30, 9, 15, tzinfo=UTC)),
        # Good Friday evening 2026: Easter Monday is off, so Tuesday.
        (datetime(2026, 4, 3, 20, 0, tzinfo=AMS), datetime(2026, 4, 7, 7, 0, tzinfo=UTC)),
        # Before Koningsdag 2026 (Monday 27 April).
        (datetime(2026, 4, 24, 17, 0, tzinfo=AMS), datetime(2026, 4, 28, 7, 0, tzinfo=UTC)),
        # Wednesday before Hemelvaart: Friday.
        (datetime(2026, 5, 13, 17, 30, tzinfo=AMS), datetime(2026, 5, 15, 7, 0, tzinfo=UTC)),
    ],
)
def test_next_working_moment(moment: datetime, expected: datetime) -> None:
    result = cal.next_working_moment(moment)
    assert result == expected
    assert result.tzinfo is UTC
    assert cal.is_working_moment(result)


def test_next_working_moment_local_wall_time_after_dst() -> None:
    spring = cal.next_working_moment(datetime(2026, 3, 27, 18, 0, tzinfo=AMS)).astimezone(AMS)
    autumn = cal.next_working_moment(datetime(2026, 10, 23, 18, 0, tzinfo=AMS)).astimezone(AMS)
    assert (spring.date(), spring.time(), spring.utcoffset()) == (
        date(2026, 3, 30),
        time(9, 0),
        timedelta(hours=2),
    )
    assert (autumn.date(), autumn.time(), autumn.utcoffset()) == (
        date(2026, 10, 26),
        time(9, 0),
        timedelta(hours=1),
    )


def test_nonexistent_and_ambiguous_local_times() -> None:
    gap = local_datetime(date(2026, 3, 29), time(2, 30), AMS)
    assert gap.astimezone(UTC) == datetime(2026, 3, 29, 1, 0, tzinfo=UTC)  # 03:00 CEST
    fold = local_datetime(date(2026, 10, 25), time(2, 30), AMS)
    assert fold.astimezone(UTC) == datetime(2026, 10, 25, 0, 30, tzinfo=UTC)  # first 02:30


def test_office_hours_on_dst_sundays() -> None:
    # A seven-day calendar whose office opens inside the spring gap / autumn fold.
    hours = OfficeHours(start=time(2, 30), end=time(4, 0), weekdays=frozenset(range(7)))
    night = WorkingCalendar(hours)
    spring = night.next_working_moment(datetime(2026, 3, 28, 23, 0, tzinfo=UTC))
    assert spring == datetime(2026, 3, 29, 1, 0, tzinfo=UTC)
    assert night.is_working_moment(spring)
    autumn = night.next_working_moment(datetime(2026, 10, 24, 22, 0, tzinfo=UTC))
    assert autumn == datetime(2026, 10, 25, 0, 30, tzinfo=UTC)
    # Both occurrences of 02:30 fall within office hours.
    assert night.is_working_moment(datetime(2026, 10, 25, 1, 30, tzinfo=UTC))


def test_closures() -> None:
    closed = WorkingCalendar(closures=(Closure(date(2026, 12, 28), date(2026, 12, 31)),))
    assert not closed.is_working_day(date(2026, 12, 29))
    assert closed.holiday_name(date(2026, 12, 29)) is None
    assert closed.closure_on(date(2026, 12, 31)) is not None
    assert closed.is_working_day(date(2026, 12, 24))
    assert closed.next_working_moment(datetime(2026, 12, 24, 17, 0, tzinfo=AMS)) == datetime(
        2027, 1, 4, 8, 0, tzinfo=UTC
    )


def test_add_working_days_across_christmas() -> None:
    assert cal.add_working_days(date(2026, 12, 23), 1) == date(2026, 12, 24)
    assert cal.add_working_days(date(2026, 12, 24), 1) == date(2026, 12, 28)  # 25 Fri, weekend
    assert cal.add_working_days(date(2026, 12, 31), 1) == date(2027, 1, 4)  # 1 Jan, weekend
    assert cal.add_working_days(date(2025, 12, 24), 1) == date(2025, 12, 29)  # 25, 26, weekend
    closed = WorkingCalendar(closures=(Closure(date(2026, 12, 28), date(2026, 12, 31)),))
    assert closed.add_working_days(date(2026, 12, 23), 2) == date(2027, 1, 4)
    assert cal.add_working_days(date(2027, 1, 4), -1) == date(2026, 12, 31)
    assert cal.add_working_days(date(2026, 11, 28), 0) == date(2026, 11, 28)
    assert cal.add_working_days(date(2026, 11, 28), 1) == date(2026, 11, 30)


def test_working_days_between() -> None:
    assert cal.working_days_between(date(2026, 11, 20), date(2026, 11, 23)) == 1
    assert cal.working_days_between(date(2026, 11, 23), date(2026, 11, 23)) == 0
    assert cal.working_days_between(date(2026, 12, 24), date(2027, 1, 4)) == 5
    assert cal.working_days_between(date(2027, 1, 4), date(2026, 12, 24)) == -5


def test_add_and_between_agree() -> None:
    start = date(2026, 1, 1)
    for n in range(0, 260, 7):
        end = cal.add_working_days(start, n)
        assert cal.working_days_between(start, end) == n


def test_naive_and_wrong_types_are_refused() -> None:
    naive = datetime(2026, 1, 5, 10, 0)  # noqa: DTZ001
    with pytest.raises(ValueError, match="naive"):
        cal.is_working_moment(naive)
    with pytest.raises(ValueError, match="naive"):
        cal.next_working_moment(naive)
    with pytest.raises(TypeError):
        cal.is_working_day(datetime(2026, 1, 5, 10, tzinfo=UTC))


def test_invalid_configuration() -> None:
    with pytest.raises(ValueError, match="before end"):
        OfficeHours(start=time(17), end=time(9))
    with pytest.raises(ValueError, match="weekday"):
        OfficeHours(weekdays=frozenset())
    with pytest.raises(ValueError, match="before it starts"):
        Closure(date(2026, 12, 31), date(2026, 12, 1))
    with pytest.raises(ValueError, match="country"):
        WorkingCalendar(country="XX")
    everything = WorkingCalendar(closures=(Closure(date(2026, 1, 1), date(2031, 1, 1)),))
    with pytest.raises(ValueError, match="closures"):
        everything.next_working_moment(datetime(2026, 1, 1, tzinfo=UTC))


def test_every_hour_of_2026() -> None:
    moment = datetime(2026, 1, 1, tzinfo=UTC)
    working_hours = 0
    while moment.year == 2026:
        local = moment.astimezone(AMS)
        if cal.is_working_moment(moment):
            working_hours += 1
            assert local.weekday() < 5
            assert cal.holiday_name(local.date()) is None
            assert 9 <= local.hour < 17
        elif local.weekday() < 5 and 9 <= local.hour < 17:
            assert cal.holiday_name(local.date()) is not None
        nxt = cal.next_working_moment(moment)
        assert nxt >= moment and cal.is_working_moment(nxt)
        moment += timedelta(hours=1)
    # 261 weekdays in 2026, minus 7 weekday holidays (1/1, 6/4, 27/4, 5/5, 14/5, 25/5, 25/12).
    assert working_hours == (261 - 7) * 8


def test_holiday_cache_is_per_year() -> None:
    fresh = WorkingCalendar()
    fresh.is_working_day(date(2026, 3, 3))
    fresh.is_working_day(date(2026, 7, 7))
    assert fresh.holidays_in(2026) is fresh.holidays_in(2026)
