"""iCalendar (RFC 5545 / iTIP RFC 5546) invitations for sessions.

Pure: DTSTAMP is the explicit ``stamp`` argument, never the wall clock. Times are written in the
given IANA zone with a matching VTIMEZONE (built here from ``zoneinfo`` so the output does not
depend on the icalendar version), or in UTC (``...Z``) when ``tz`` is ``None``.
"""

from __future__ import annotations

import calendar as _stdlib_calendar
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from icalendar import Calendar, Event, Timezone, TimezoneDaylight, TimezoneStandard, vCalAddress

from cycle.working_time import require_aware, zone

__all__ = ["METHODS", "cancellation", "invitation", "vtimezone"]

METHODS = frozenset({"REQUEST", "PUBLISH", "CANCEL"})
PRODID = "-//Signaalbot//signaalbot//NL"

_EMAIL = re.compile(r"^[^@\s<>\"]+@[^@\s<>\"]+$")


def invitation(
    uid: str,
    title: str,
    start: datetime,
    duration: timedelta,
    location: str,
    description: str,
    organizer_email: str | None = None,
    attendees: Sequence[str] = (),
    sequence: int = 0,
    method: str = "REQUEST",
    *,
    stamp: datetime,
    tz: str | None = "Europe/Amsterdam",
    organizer_name: str | None = None,
) -> bytes:
    """A VCALENDAR with one VEVENT, serialised as bytes (CRLF line endings).

    ``method`` is ``REQUEST`` (invite or update: raise ``sequence`` on every change),
    ``PUBLISH`` (no replies expected) or ``CANCEL`` (see ``cancellation``). ``stamp`` becomes
    DTSTAMP; pass the injected clock's now. iTIP wants an ORGANIZER on REQUEST and CANCEL;
    without ``organizer_email`` clients usually treat the file as a plain calendar entry.
    """
    method = method.upper()
    if method not in METHODS:
        raise ValueError(f"method must be one of {sorted(METHODS)}, got {method!r}")
    if not uid or any(ch in uid for ch in "\r\n"):
        raise ValueError("uid must be a non-empty single line")
    require_aware(start, "start")
    require_aware(stamp, "stamp")
    if duration <= timedelta(0):
        raise ValueError("duration must be positive")
    if sequence < 0:
        raise ValueError("sequence must not be negative")

    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", method)

    if tz is None:
        dtstart = start.astimezone(UTC)
    else:
        tzinfo = zone(tz)
        dtstart = start.astimezone(tzinfo)
        cal.add_component(vtimezone(tz, around=dtstart))

    event = Event()
    event.add("uid", uid)
    event.add("dtstamp", stamp.astimezone(UTC))
    event.add("sequence", sequence)
    event.add("dtstart", dtstart)
    event.add("duration", duration)
    event.add("summary", title)
    if location:
        event.add("location", location)
    if description:
        event.add("description", description)
    event.add("status", "CANCELLED" if method == "CANCEL" else "CONFIRMED")
    event.add("transp", "OPAQUE")
    if organizer_email is not None:
        organizer = vCalAddress(f"mailto:{_email(organizer_email)}")
        if organizer_name:
            organizer.params["CN"] = organizer_name
        event.add("organizer", organizer)
    for address in attendees:
        attendee = vCalAddress(f"mailto:{_email(address)}")
        attendee.params["CUTYPE"] = "INDIVIDUAL"
        attendee.params["ROLE"] = "REQ-PARTICIPANT"
        if method == "REQUEST":
            attendee.params["PARTSTAT"] = "NEEDS-ACTION"
            attendee.params["RSVP"] = "TRUE"
        event.add("attendee", attendee)
    cal.add_component(event)
    data: bytes = cal.to_ical()
    return data


def cancellation(
    uid: str,
    title: str,
    start: datetime,
    duration: timedelta,
    location: str = "",
    description: str = "",
    organizer_email: str | None = None,
    attendees: Sequence[str] = (),
    sequence: int = 1,
    *,
    stamp: datetime,
    tz: str | None = "Europe/Amsterdam",
    organizer_name: str | None = None,
) -> bytes:
    """METHOD:CANCEL for an earlier invitation: same ``uid``, a ``sequence`` above the last."""
    return invitation(
        uid,
        title,
        start,
        duration,
        location,
        description,
        organizer_email,
        attendees,
        sequence,
        "CANCEL",
        stamp=stamp,
        tz=tz,
        organizer_name=organizer_name,
    )


def _email(address: str) -> str:
    address = address.strip()
    if address.lower().startswith("mailto:"):
        address = address[len("mailto:") :]
    if not _EMAIL.match(address):
        raise ValueError(f"not an e-mail address: {address!r}")
    return address


# -- VTIMEZONE ----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Transition:
    at: datetime  # UTC instant
    offset_from: timedelta
    offset_to: timedelta
    name: str
    dst: bool

    @property
    def local_onset(self) -> datetime:
        """Wall-clock onset in the old offset, naive (as RFC 5545 wants for DTSTART)."""
        return (self.at + self.offset_from).replace(tzinfo=None)


def _transitions(tz: ZoneInfo, start: datetime, end: datetime) -> list[_Transition]:
    """Offset changes of ``tz`` between two UTC instants (daily scan, then bisection)."""
    found: list[_Transition] = []
    step = timedelta(days=1)
    cursor = start
    offset = cursor.astimezone(tz).utcoffset()
    while cursor < end:
        nxt = cursor + step
        new_offset = nxt.astimezone(tz).utcoffset()
        if new_offset != offset:
            low, high = cursor, nxt
            while high - low > timedelta(seconds=1):
                mid = low + (high - low) / 2
                if mid.astimezone(tz).utcoffset() == offset:
                    low = mid
                else:
                    high = mid
            at = high.replace(microsecond=0)
            local = at.astimezone(tz)
            assert offset is not None and new_offset is not None
            found.append(
                _Transition(
                    at=at,
                    offset_from=offset,
                    offset_to=new_offset,
                    name=local.tzname() or tz.key,
                    dst=bool(local.dst()),
                )
            )
            offset = new_offset
        cursor = nxt
    return found


def _last_sunday_month(group: Sequence[_Transition]) -> int | None:
    """The month when every onset is its last Sunday at one wall time (``BYDAY=-1SU``)."""
    onsets = [t.local_onset for t in group]
    months = {o.month for o in onsets}
    times = {o.time() for o in onsets}
    offsets = {(t.offset_from, t.offset_to) for t in group}
    if len(months) != 1 or len(times) != 1 or len(offsets) != 1 or len(group) < 2:
        return None
    for onset in onsets:
        days_in_month = _stdlib_calendar.monthrange(onset.year, onset.month)[1]
        if onset.weekday() != 6 or onset.day + 7 <= days_in_month:
            return None
    return months.pop()


def vtimezone(tz: str, around: datetime) -> Timezone:
    """A VTIMEZONE for ``tz`` covering the year before and after ``around``.

    Zones whose changes fall on the last Sunday of a month (all of the EU, so Europe/Amsterdam)
    get one STANDARD and one DAYLIGHT observance with a yearly RRULE; other zones get one
    observance per change in the window; zones without changes a single STANDARD.
    """
    require_aware(around, "around")
    tzinfo = zone(tz)
    year = around.astimezone(tzinfo).year
    window_start = datetime(year - 1, 1, 1, tzinfo=UTC)
    window_end = datetime(year + 2, 1, 1, tzinfo=UTC)
    changes = _transitions(tzinfo, window_start, window_end)

    component = Timezone()
    component.add("tzid", tz)
    if not changes:
        offset = window_start.astimezone(tzinfo).utcoffset() or timedelta(0)
        standard = TimezoneStandard()
        standard.add("dtstart", datetime(1970, 1, 1))  # noqa: DTZ001 - VTIMEZONE wants local
        standard.add("tzoffsetfrom", offset)
        standard.add("tzoffsetto", offset)
        standard.add("tzname", window_start.astimezone(tzinfo).tzname() or tz)
        component.add_component(standard)
        return component

    for dst in (False, True):
        group = [t for t in changes if t.dst == dst]
        if not group:
            continue
        month = _last_sunday_month(group)
        chosen = group[:1] if month is not None else group
        for change in chosen:
            observance = TimezoneDaylight() if dst else TimezoneStandard()
            observance.add("dtstart", change.local_onset)
            observance.add("tzoffsetfrom", change.offset_from)
            observance.add("tzoffsetto", change.offset_to)
            observance.add("tzname", change.name)
            if month is not None:
                observance.add("rrule", {"FREQ": "YEARLY", "BYMONTH": month, "BYDAY": "-1SU"})
            component.add_component(observance)
    return component
