from __future__ import annotations

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

import pytest

from cycle.calendar_config import load_calendar_config
from cycle.series import SeriesRule, nominal_date, occurrences
from cycle.working_time import Closure, WorkingCalendar

AMS = ZoneInfo("Europe/Amsterdam")
cal = WorkingCalendar()
H = SeriesRule("H", (3, 10), weekday=1, week_of_month=2, start=time(13, 30), duration_minutes=120)
I_ = SeriesRule(
    "I", (1, 3, 5, 7, 9, 11), weekday=3, week_of_month=3, start=time(10), duration_minutes=90
)


def test_nominal_dates() -> None:
    assert nominal_date(H, 2026, 3) == date(2026, 3, 10)  # second Tuesday
    assert nominal_date(H, 2026, 10) == date(2026, 10, 13)
    last_friday = SeriesRule("X", (1,), 4, -1, time(10), 60)
    assert nominal_date(last_friday, 2026, 1) == date(2026, 1, 30)
    assert nominal_date(last_friday, 2027, 12) == date(2027, 12, 31)
    first_sunday = SeriesRule("X", (3,), 6, 1, time(10), 60)
    assert nominal_date(first_sunday, 2026, 3) == date(2026, 3, 1)


def test_h_sessions_in_local_time() -> None:
    found = occurrences(H, date(2026, 1, 1), date(2027, 12, 31), cal)
    local = [m.astimezone(AMS) for m in found]
    assert [m.date() for m in local] == [
        date(2026, 3, 10),
        date(2026, 10, 13),
        date(2027, 3, 9),
        date(2027, 10, 12),
    ]
    assert all(m.time() == time(13, 30) for m in local)
    assert all(m.tzinfo is UTC for m in found)
    assert found[0] == datetime(2026, 3, 10, 12, 30, tzinfo=UTC)  # CET
    assert found[1] == datetime(2026, 10, 13, 11, 30, tzinfo=UTC)  # CEST


@pytest.mark.parametrize("key", ["H", "I", "K"])
def test_default_series_never_on_holiday_or_weekend(key: str) -> None:
    config = load_calendar_config()
    rule = config.series[key]
    found = occurrences(rule, date(2026, 1, 1), date(2027, 12, 31), config.calendar)
    assert len(found) == 2 * len(rule.months)
    for moment in found:
        local = moment.astimezone(AMS)
        assert local.weekday() < 5
        assert config.calendar.holiday_name(local.date()) is None
        assert config.calendar.is_working_moment(moment)
        assert local.time() == rule.start


def test_holiday_moves_to_next_working_day() -> None:
    # Thursday of the 3rd week of May 2026 is 21 May, a working day, but a rule on the
    # 2nd Thursday lands on Hemelvaart (14 May) and must move to Friday 15 May.
    rule = SeriesRule("X", (5,), weekday=3, week_of_month=2, start=time(10), duration_minutes=60)
    [moment] = occurrences(rule, date(2026, 1, 1), date(2026, 12, 31), cal)
    assert moment.astimezone(AMS).date() == date(2026, 5, 15)
    # Koningsdag 2026 is the last Monday of April: moves to Tuesday.
    monday = SeriesRule("M", (4,), weekday=0, week_of_month=-1, start=time(10), duration_minutes=60)
    [moment] = occurrences(monday, date(2026, 1, 1), date(2026, 12, 31), cal)
    assert moment.astimezone(AMS).date() == date(2026, 4, 28)


def test_closure_moves_session_and_weekday_rule_on_saturday() -> None:
    closed = WorkingCalendar(closures=(Closure(date(2026, 3, 9), date(2026, 3, 13)),))
    [moment, _] = occurrences(H, date(2026, 1, 1), date(2026, 12, 31), closed)
    assert moment.astimezone(AMS).date() == date(2026, 3, 16)
    saturday = SeriesRule(
        "S", (6,), weekday=5, week_of_month=1, start=time(10), duration_minutes=60
    )
    [moment] = occurrences(saturday, date(2026, 1, 1), date(2026, 12, 31), cal)
    assert moment.astimezone(AMS).date() == date(2026, 6, 8)  # Saturday 6 June -> Monday


def test_window_bounds() -> None:
    assert occurrences(H, date(2026, 3, 10), date(2026, 3, 10), cal) == [
        datetime(2026, 3, 10, 12, 30, tzinfo=UTC)
    ]
    assert occurrences(H, date(2026, 3, 11), date(2026, 10, 12), cal) == []
    # Aware datetimes: half-open instant window.
    start = datetime(2026, 3, 10, 12, 30, tzinfo=UTC)
    assert occurrences(H, start, datetime(2026, 12, 31, tzinfo=UTC), cal, "Europe/Amsterdam") == [
        start,
        datetime(2026, 10, 13, 11, 30, tzinfo=UTC),
    ]
    assert occurrences(H, datetime(2026, 1, 1, tzinfo=UTC), start, cal) == []
    with pytest.raises(ValueError, match="naive"):
        occurrences(H, datetime(2026, 1, 1), datetime(2026, 2, 1), cal)  # noqa: DTZ001


def test_other_time_zone() -> None:
    [moment, _] = occurrences(H, date(2026, 1, 1), date(2026, 12, 31), cal, tz="Europe/London")
    assert moment == datetime(2026, 3, 10, 13, 30, tzinfo=UTC)


@pytest.mark.parametrize(
    "kwargs",
    [
        {"months": ()},
        {"months": (13,)},
        {"months": (3, 3)},
        {"weekday": 7},
        {"week_of_month": 5},
        {"week_of_month": 0},
        {"duration_minutes": 0},
        {"key": ""},
    ],
)
def test_invalid_rules(kwargs: dict[str, object]) -> None:
    base: dict[str, object] = {
        "key": "H",
        "months": (3, 10),
        "weekday": 1,
        "week_of_month": 2,
        "start": time(13, 30),
        "duration_minutes": 120,
    }
    base.update(kwargs)
    with pytest.raises(ValueError):
        SeriesRule(**base)  # type: ignore[arg-type]
