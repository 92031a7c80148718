"""The .ics invitation of a session, one file per version, attached to the messages about it.

Why a version in the file name: a moved session gets a new .ics (same UID, SEQUENCE + 1) while
messages about the old time may still wait in the outbox; each message keeps the file it was
written with. A cancelled session gets a METHOD:CANCEL file, which calendars use to remove it.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from cycle.session_ports import SessionToolkit
from cycle.sessions.config import KindConfig, session_title
from cycle.sessions.run import SessionRun
from kernel.core import Attachment
from kernel.i18n import Translator
from storage.repositories.sessions import AgendaSession

ICS_TYPE = "text/calendar"
# How long after the session its .ics still matters (a link to it expires then).
AFTER = timedelta(days=1)


def sequence_of(session: AgendaSession) -> int:
    """How often the session changed after its first invitation (the iCalendar SEQUENCE)."""
    return int(session.details.get("ics_sequence", 0))


def ics_path(toolkit: SessionToolkit, session: AgendaSession, *, cancelled: bool = False) -> Path:
    sequence = sequence_of(session)
    suffix = "-cancel" if cancelled else (f"-v{sequence}" if sequence else "")
    return toolkit.ics_dir / f"session-{session.id}{suffix}.ics"


async def write_invitation(
    run: SessionRun, session: AgendaSession, cfg: KindConfig, *, cancelled: bool = False
) -> Path:
    """Write this version's .ics once (icalendar, via ``cycle.ics``)."""
    path = ics_path(run.toolkit, session, cancelled=cancelled)
    if path.exists():
        return path
    t = run.services.translator(run.services.settings.default_locale)
    data = run.toolkit.invitation(
        uid=f"signaalbot-session-{session.id}@signaalbot",
        title=session_title(session, cfg, t.locale),
        start=session.starts_at,
        duration=timedelta(minutes=session.duration_minutes),
        location=session.location,
        description=t(f"sessions.about_{session.kind}"),
        stamp=run.now,
        sequence=sequence_of(session),
        method="CANCEL" if cancelled else "REQUEST",
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


def invitation_attachment(
    run: SessionRun, session: AgendaSession, t: Translator, *, cancelled: bool = False
) -> Attachment | None:
    """The .ics as an attachment of a message, when it was written."""
    path = ics_path(run.toolkit, session, cancelled=cancelled)
    if not path.exists():
        return None
    method = "CANCEL" if cancelled else "REQUEST"
    return Attachment(
        label=t("sessions.field_ics"),
        name=t("sessions.ics_name", id=session.id) + ".ics",
        path=str(path),
        media_type=f"{ICS_TYPE}; method={method}",
        valid_until=session.starts_at + timedelta(minutes=session.duration_minutes) + AFTER,
    )
