"""Agenda sessions (H, I, D, K): planning from the series rules and every prompt around them.

Why derived, not scheduled: :func:`session_due` looks at the session rows and the clock and
inserts outbox rows with unique keys (``session-invite:12:person:7``). Called from
``cycle.tick`` every minute, twice, or by two instances, it sends each prompt once.

One module per job: ``config`` (sessions.toml), ``planning``, ``due`` (what is due now),
``recipients``, ``render`` (the prompts), ``invitations`` (.ics), ``votes`` (agenda, vote,
outcomes) and ``changes`` (cancel and move). This package names what the rest of signaalbot uses.
"""

from cycle.sessions.config import (
    CLOSED_QUESTION_STATUSES,
    KINDS,
    OPEN_STATUSES,
    KindConfig,
    SessionConfig,
    kind_of_key,
    load_session_config,
    session_title,
)
from cycle.sessions.due import session_due
from cycle.sessions.invitations import ics_path, write_invitation
from cycle.sessions.planning import plan_knowledge_session, plan_sessions
from cycle.sessions.recipients import invitees, is_guest, preparation_group
from cycle.sessions.render import agenda_text, render_invite, render_vote
from cycle.sessions.run import SessionRun
from cycle.sessions.votes import close_vote

__all__ = [
    "CLOSED_QUESTION_STATUSES",
    "KINDS",
    "OPEN_STATUSES",
    "KindConfig",
    "SessionConfig",
    "SessionRun",
    "agenda_text",
    "close_vote",
    "ics_path",
    "invitees",
    "is_guest",
    "kind_of_key",
    "load_session_config",
    "plan_knowledge_session",
    "plan_sessions",
    "preparation_group",
    "render_invite",
    "render_vote",
    "session_due",
    "session_title",
    "write_invitation",
]
