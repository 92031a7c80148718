from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from cycle.working_time import Closure, WorkingCalendar

AMS = ZoneInfo("Europe/Amsterdam")
cal = WorkingCalendar()


@pytest.mark.parametrize(
    ("day", "name"),
    [
        (date(2026, 4, 27), "Koningsdag"),
        (date(2025, 4, 26), "Koningsdag"),  # the 27th was a Sunday
        (date(2026, 4, 6), "Tweede paasdag"),
        (date(2026, 5, 14), "Hemelvaartsdag"),
        (date(2026, 5, 25), "Tweede pinksterdag"),
        (date(2026, 12, 25), "Eerste kerstdag"),
        (date(2026, 12, 26), "Tweede kerstdag"),
        (date(2027, 1, 1), "Nieuwjaarsdag"),
        (date(2025, 5, 5), "Bevrijdingsdag"),
    ],
)
def test_dutch_public_holidays_are_not_working_days(day: date, name: str) -> None:
    assert not cal.is_working_day(day)
    assert cal.holiday_name(day) is not None
    assert name.lower().split()[0] in (cal.holiday_name(day) or "").lower()


def test_liberation_day_outside_lustrum_and_good_friday_are_working_days() -> None:
    assert cal.is_working_day(date(2026, 5, 5))
    assert cal.is_working_day(date(2026, 4, 3))


def test_weekend_and_office_hours() -> None:
    assert not cal.is_working_day(date(2026, 11, 28))
    monday_0859 = datetime(2026, 11, 23, 8, 59, tzinfo=AMS)
    assert not cal.is_working_moment(monday_0859)
    assert cal.is_working_moment(monday_0859 + timedelta(minutes=1))
    assert not cal.is_working_moment(datetime(2026, 11, 23, 17, 0, tzinfo=AMS))


@pytest.mark.parametrize(
    ("friday_evening", "expected_utc"),
    [
        # Spring forward on Sunday 29 March 2026: Monday 09:00 is UTC+2.
        (datetime(2026, 3, 27, 18, 0, tzinfo=AMS), datetime(2026, 3, 30, 7, 0, tzinfo=UTC)),
        # Fall back on Sunday 25 October 2026: Monday 09:00 is UTC+1.
        (datetime(2026, 10, 23, 18, 0, tzinfo=AMS), datetime(2026, 10, 26, 8, 0, tzinfo=UTC)),
    ],
)
def test_next_working_moment_across_dst(friday_evening: datetime, expected_utc: datetime) -> None:
    assert cal.next_working_moment(friday_evening) == expected_utc


def test_next_working_moment_skips_easter_and_respects_other_time_zones() -> None:
    good_friday_evening = datetime(2026, 4, 3, 20, 0, tzinfo=AMS)
    assert cal.next_working_moment(good_friday_evening) == datetime(2026, 4, 7, 7, 0, tzinfo=UTC)
    # 09:30 in Amsterdam is 08:30 in London: not yet working time there.
    moment = datetime(2026, 11, 23, 8, 30, tzinfo=UTC)
    assert cal.is_working_moment(moment, "Europe/Amsterdam")
    assert cal.next_working_moment(moment, "Europe/London") == datetime(
        2026, 11, 23, 9, 0, tzinfo=UTC
    )


def test_closures_and_working_day_arithmetic() -> None:
    christmas = WorkingCalendar(closures=(Closure(date(2026, 12, 28), date(2026, 12, 31)),))
    assert christmas.add_working_days(date(2026, 12, 23), 2) == date(2027, 1, 4)
    assert cal.add_working_days(date(2026, 12, 23), 2) == date(2026, 12, 28)
    assert cal.add_working_days(date(2026, 11, 23), -1) == date(2026, 11, 20)
    assert cal.working_days_between(date(2026, 11, 20), date(2026, 11, 23)) == 1
    assert cal.working_days_between(date(2026, 11, 23), date(2026, 11, 23)) == 0


def test_naive_moments_are_refused() -> None:
    with pytest.raises(ValueError, match="naive"):
        cal.is_working_moment(datetime(2026, 1, 5, 10, 0))  # noqa: DTZ001


def test_no_working_moment_in_2026_on_a_weekend_or_holiday() -> None:
    moment = datetime(2026, 1, 1, tzinfo=UTC)
    while moment.year == 2026:
        if cal.is_working_moment(moment):
            local = moment.astimezone(AMS)
            assert local.weekday() < 5 and cal.holiday_name(local.date()) is None
            assert 9 <= local.hour < 17
        moment += timedelta(hours=1)
