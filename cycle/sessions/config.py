"""Session configuration (sessions.toml): the kinds H, I, D, K and their rules; names of things."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from kernel.core import Role
from kernel.domain_config import read_config_file
from storage.repositories.sessions import AgendaSession

KINDS = ("H", "I", "D", "K")


OPEN_STATUSES = ("planned", "confirmed")


CLOSED_QUESTION_STATUSES = frozenset(
    {"afgerond", "afgewezen", "niet_opgepakt", "samengevoegd", "in_onderzoek", "gekoppeld"}
)


MAX_VOTE_BUTTONS = 10


@dataclass(frozen=True, slots=True)
class KindConfig:
    kind: str
    title_nl: str
    title_en: str
    invite_roles: tuple[str, ...]
    invite_days_before: int
    reminder_days_before: int
    agenda_call_days_before: int = 0
    agenda_confirm_days_before: int = 0
    vote_days: int = 5
    winners: int = 3
    proposed_signals: int = 3
    proposed_questions: int = 3
    practice_questions: int = 2
    duration_minutes: int = 120
    locations: tuple[str, ...] = ()
    default_location: str = ""

    def title(self, locale: str) -> str:
        return self.title_en if locale == "en" else self.title_nl

    @property
    def lead_days(self) -> int:
        return max(self.invite_days_before, self.agenda_call_days_before)


@dataclass(frozen=True, slots=True)
class SessionConfig:
    kinds: dict[str, KindConfig]
    preparation_role: str = Role.PROGRAMME_LEADER.value
    preparation_people: tuple[str, ...] = ()
    summary_role: str = Role.PROGRAMME_LEADER.value

    def kind(self, kind: str) -> KindConfig:
        return self.kinds[kind]


def load_session_config(override_dir: Path | None = None) -> SessionConfig:
    data = read_config_file("sessions.toml", override_dir)
    kinds: dict[str, KindConfig] = {}
    for kind, raw in dict(data.get("kinds", {})).items():
        values = dict(raw)
        kinds[kind] = KindConfig(
            kind=kind,
            title_nl=str(values.pop("title_nl", kind)),
            title_en=str(values.pop("title_en", kind)),
            invite_roles=tuple(values.pop("invite_roles", ("provider", "policy_officer"))),
            locations=tuple(values.pop("locations", ())),
            **{k: v for k, v in values.items() if k in KindConfig.__slots__},
        )
    return SessionConfig(
        kinds=kinds,
        preparation_role=str(data.get("preparation_role", Role.PROGRAMME_LEADER.value)),
        preparation_people=tuple(data.get("preparation_people", ())),
        summary_role=str(data.get("summary_role", Role.PROGRAMME_LEADER.value)),
    )


def session_title(session: AgendaSession, cfg: KindConfig, locale: str) -> str:
    if session.kind == "D":
        return f"{cfg.title(locale)}: {session.title}"
    return cfg.title(locale)


def kind_of_key(key: str) -> str:
    """The kind of message an outbox key stands for: ``session-invite:1:person:2`` → session_invite.

    The learning cycle's keys (``cycle.engine``) map onto the names the transcript uses.
    """
    kind = key.split(":", 1)[0].replace("-", "_")
    return _CYCLE_KINDS.get(kind, kind)


_CYCLE_KINDS = {
    "stage_start": "stage_prompt",
    "stage_reminder": "stage_reminder",
    "stage_nudge": "stage_reminder",
    "stage_escalation": "escalation",
}
