from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar

from cycle.ics import cancellation, invitation, vtimezone

AMS = ZoneInfo("Europe/Amsterdam")
STAMP = datetime(2026, 2, 1, 8, 0, tzinfo=UTC)
START = datetime(2026, 3, 10, 13, 30, tzinfo=AMS)


def _parse(data: bytes) -> Any:
    assert data.startswith(b"BEGIN:VCALENDAR\r\n")
    return Calendar.from_ical(data)


def _event(cal: Any) -> Any:
    events = [c for c in cal.walk() if c.name == "VEVENT"]
    assert len(events) == 1
    return events[0]


def test_invitation_round_trip() -> None:
    data = invitation(
        "signaalbot-session-7@signaalbot",
        "H-sessie maart",
        START,
        timedelta(minutes=120),
        "Stadhuis, Eindhoven",
        "Agenda: signalen; welke vragen verder onderzoeken?",
        organizer_email="programmaleider@example.nl",
        attendees=["a@example.nl", "mailto:b@example.nl"],
        sequence=2,
        stamp=STAMP,
    )
    cal = _parse(data)
    assert str(cal["METHOD"]) == "REQUEST"
    assert str(cal["VERSION"]) == "2.0"
    event = _event(cal)
    assert str(event["UID"]) == "signaalbot-session-7@signaalbot"
    dtstart = event["DTSTART"]
    assert dtstart.params["TZID"] == "Europe/Amsterdam"
    assert dtstart.dt == START
    assert dtstart.dt.astimezone(UTC) == datetime(2026, 3, 10, 12, 30, tzinfo=UTC)
    assert event["DURATION"].dt == timedelta(hours=2)
    assert event["DTSTAMP"].dt == STAMP
    assert int(event["SEQUENCE"]) == 2
    assert str(event["SUMMARY"]) == "H-sessie maart"
    assert str(event["LOCATION"]) == "Stadhuis, Eindhoven"
    assert str(event["STATUS"]) == "CONFIRMED"
    assert str(event["ORGANIZER"]) == "mailto:programmaleider@example.nl"
    attendees = event["ATTENDEE"]
    assert [str(a) for a in attendees] == ["mailto:a@example.nl", "mailto:b@example.nl"]
    assert attendees[0].params["RSVP"] == "TRUE"
    timezones = [c for c in cal.walk() if c.name == "VTIMEZONE"]
    assert [str(t["TZID"]) for t in timezones] == ["Europe/Amsterdam"]
    assert b"\r\n" in data and b"DTSTART;TZID=Europe/Amsterdam:20260310T133000" in data


def test_invitation_is_deterministic() -> None:
    args = ("u-1", "I-sessie", START, timedelta(minutes=90), "", "")
    assert invitation(*args, stamp=STAMP) == invitation(*args, stamp=STAMP)


def test_vtimezone_rules_for_amsterdam() -> None:
    tz: Any = Calendar.from_ical(vtimezone("Europe/Amsterdam", START).to_ical())
    observances = {c.name: c for c in tz.subcomponents}
    assert set(observances) == {"STANDARD", "DAYLIGHT"}
    daylight = observances["DAYLIGHT"]
    assert daylight["TZOFFSETTO"].td == timedelta(hours=2)
    assert daylight["RRULE"]["BYMONTH"] == [3]
    assert observances["STANDARD"]["RRULE"]["BYMONTH"] == [10]
    assert str(daylight["TZNAME"]) == "CEST"


def test_vtimezone_fixed_and_irregular_zones() -> None:
    utc: Any = vtimezone("UTC", START)
    assert [c.name for c in utc.subcomponents] == ["STANDARD"]
    # Sao Paulo changed on varying Sundays and stopped in 2019: explicit onsets, no RRULE.
    sp: Any = vtimezone("America/Sao_Paulo", datetime(2018, 6, 1, tzinfo=UTC))
    assert len(sp.subcomponents) > 2
    assert all("RRULE" not in c for c in sp.subcomponents)


def test_utc_invitation() -> None:
    cal = _parse(invitation("u-2", "K", START, timedelta(minutes=90), "", "", stamp=STAMP, tz=None))
    event = _event(cal)
    assert event["DTSTART"].dt == datetime(2026, 3, 10, 12, 30, tzinfo=UTC)
    assert not [c for c in cal.walk() if c.name == "VTIMEZONE"]


def test_cancellation() -> None:
    data = cancellation(
        "signaalbot-session-7@signaalbot",
        "H-sessie maart",
        START,
        timedelta(minutes=120),
        organizer_email="programmaleider@example.nl",
        attendees=["a@example.nl"],
        sequence=3,
        stamp=STAMP,
    )
    cal = _parse(data)
    assert str(cal["METHOD"]) == "CANCEL"
    event = _event(cal)
    assert str(event["STATUS"]) == "CANCELLED"
    assert str(event["UID"]) == "signaalbot-session-7@signaalbot"
    assert int(event["SEQUENCE"]) == 3
    assert "RSVP" not in event["ATTENDEE"].params


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"method": "REPLY"}, "method"),
        ({"uid": "a\r\nb"}, "uid"),
        ({"start": datetime(2026, 3, 10, 13, 30)}, "naive"),  # noqa: DTZ001
        ({"stamp": datetime(2026, 2, 1)}, "naive"),  # noqa: DTZ001
        ({"duration": timedelta(0)}, "duration"),
        ({"attendees": ["not an address"]}, "e-mail"),
        ({"organizer_email": "x@y.nl\r\nATTENDEE:evil@z"}, "e-mail"),
        ({"tz": "Nowhere/Land"}, "time zone"),
    ],
)
def test_invalid_input(kwargs: dict[str, object], match: str) -> None:
    args: dict[str, object] = {
        "uid": "u",
        "title": "t",
        "start": START,
        "duration": timedelta(hours=1),
        "location": "",
        "description": "",
        "stamp": STAMP,
    }
    args.update(kwargs)
    with pytest.raises(ValueError, match=match):
        invitation(**args)  # type: ignore[arg-type]
