from __future__ import annotations

from datetime import date, time
from pathlib import Path

import pytest

from cycle.calendar_config import CalendarConfigError, load_calendar_config
from cycle.working_time import OfficeHours

VALID = """
[calendar]
country = "NL"
timezone = "Europe/Amsterdam"

[office_hours]
start = 08:30:00
end = "16:30"
weekdays = ["ma", "di", "wo", "do"]

[[closures]]
start = 2026-12-28
end = "2027-01-01"
label = "Kerstsluiting"

[series.H]
months = [3, 10]
weekday = "dinsdag"
week_of_month = 2
start = "13:30"
duration_minutes = 120
"""


def test_packaged_defaults() -> None:
    calendar, series = load_calendar_config()
    assert calendar.hours == OfficeHours()
    assert calendar.closures == ()
    assert calendar.default_tz == "Europe/Amsterdam"
    assert set(series) == {"H", "I", "K"}
    h, i, k = series["H"], series["I"], series["K"]
    assert (h.months, h.weekday, h.week_of_month, h.start, h.duration_minutes) == (
        (3, 10),
        1,
        2,
        time(13, 30),
        120,
    )
    assert (i.months, i.weekday, i.week_of_month, i.start, i.duration_minutes) == (
        (1, 3, 5, 7, 9, 11),
        3,
        3,
        time(10, 0),
        90,
    )
    assert k.months == (11,)
    assert not calendar.is_working_day(date(2026, 5, 5))
    assert calendar.is_working_day(date(2026, 4, 3))


def test_override_file_and_folder(tmp_path: Path) -> None:
    path = tmp_path / "calendar.toml"
    path.write_text(VALID, encoding="utf-8")
    for source in (path, str(path), tmp_path):
        config = load_calendar_config(source)
        assert config.calendar.hours == OfficeHours(
            time(8, 30), time(16, 30), frozenset({0, 1, 2, 3})
        )
        assert not config.calendar.is_working_day(date(2026, 12, 29))
        assert config.calendar.closures[0].label == "Kerstsluiting"
        assert list(config.series) == ["H"]
    # A folder without calendar.toml falls back to the packaged default.
    empty = tmp_path / "empty"
    empty.mkdir()
    assert set(load_calendar_config(empty).series) == {"H", "I", "K"}


@pytest.mark.parametrize(
    ("change", "match"),
    [
        (('weekday = "dinsdag"', 'weekday = "someday"'), r"series\.H\.weekday"),
        (("months = [3, 10]", "months = [3, 13]"), "months must be 1..12"),
        (("week_of_month = 2", "week_of_month = 6"), "week_of_month"),
        (("duration_minutes = 120", 'duration_minutes = "2h"'), "duration_minutes"),
        (('start = "13:30"', 'start = "half twee"'), r"series\.H\.start"),
        (('end = "16:30"', 'end = "08:00"'), "office_hours"),
        (('timezone = "Europe/Amsterdam"', 'timezone = "Europe/Amsterdan"'), "time zone"),
        (('country = "NL"', 'country = "XX"'), "country"),
        (('end = "2027-01-01"', "end = 2026-12-01"), r"closures\[0\]"),
        (('label = "Kerstsluiting"', 'lable = "x"'), "unknown key"),
        (("[series.H]", "[series.H]\ncolour = 1"), "unknown key"),
        (("duration_minutes = 120", ""), "missing duration_minutes"),
        (("[calendar]", "[calender]\n[calendar]"), "unknown key"),
        (("months = [3, 10]", "months = [3, 10"), "not valid TOML"),
    ],
)
def test_invalid_files_give_clear_errors(
    tmp_path: Path, change: tuple[str, str], match: str
) -> None:
    old, new = change
    assert old in VALID
    path = tmp_path / "calendar.toml"
    path.write_text(VALID.replace(old, new, 1), encoding="utf-8")
    with pytest.raises(CalendarConfigError, match=match) as info:
        load_calendar_config(path)
    assert str(path) in str(info.value)


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(CalendarConfigError, match="cannot read"):
        load_calendar_config(tmp_path / "nope.toml")
