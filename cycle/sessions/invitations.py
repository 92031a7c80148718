"""The .ics invitation of a session, written once per version with ``cycle.ics``."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from cycle.session_ports import SessionToolkit
from cycle.sessions.config import KindConfig, session_title
from cycle.sessions.run import SessionRun
from storage.repositories.sessions import AgendaSession

if TYPE_CHECKING:
    pass


async def write_invitation(run: SessionRun, session: AgendaSession, cfg: KindConfig) -> Path | None:
    """Write the session's .ics file once (icalendar, via ``cycle.ics``); None when unavailable."""
    if run.toolkit.invitation is None:
        return None
    path = ics_path(run.toolkit, session)
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
        method="REQUEST",
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


def ics_path(toolkit: SessionToolkit, session: AgendaSession) -> Path:
    return toolkit.ics_dir / f"session-{session.id}.ics"
