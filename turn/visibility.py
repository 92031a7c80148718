"""Who may see a signal's text: the one rule, used wherever a signal's text can appear.

Why one module: the probe found the rule applied by ``status`` but not by the "ik zie dit ook"
suggestions. Every place that shows a signal's text (status, suggestions while reporting, lists,
the session agenda, the weekly summary, notices, exports) asks here, so the rule cannot drift.

The rule: staff (any role inside the municipality; admins hold every role) see every signal.
Providers are guests: they see their own signals, signals they support and signals shared with
providers, nothing else.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from kernel.core import Actor, Role
from storage.domain import Person, Signal
from storage.uow import UnitOfWork

INSIDE = frozenset(
    {
        Role.PROFESSIONAL.value,
        Role.POLICY_OFFICER.value,
        Role.RESEARCH_DESK.value,
        Role.PROGRAMME_LEADER.value,
        Role.ADMIN.value,
    }
)


def is_guest(roles: Iterable[str]) -> bool:
    """A person with no role inside the municipality (a provider, or nobody yet)."""
    return not (frozenset(str(r) for r in roles) & INSIDE)


@dataclass(frozen=True, slots=True)
class Viewer:
    """Someone a signal's text may be shown to."""

    person_id: int
    guest: bool

    @classmethod
    def of_actor(cls, actor: Actor) -> Viewer:
        return cls(actor.person_id, is_guest(r.value for r in actor.roles))

    @classmethod
    def of_person(cls, person: Person) -> Viewer:
        return cls(person.id, is_guest(person.roles))


def may_see(viewer: Viewer, signal: Signal, *, supporter: bool = False) -> bool:
    if not viewer.guest:
        return True
    return signal.reporter_id == viewer.person_id or signal.shared_with_providers or supporter


async def can_see(uow: UnitOfWork, viewer: Viewer, signal: Signal) -> bool:
    """:func:`may_see`, finding out from storage whether the viewer supports the signal."""
    if may_see(viewer, signal):
        return True
    return viewer.person_id in await uow.intake.followers(signal.id)


async def only_visible(uow: UnitOfWork, viewer: Viewer, signals: Sequence[Signal]) -> list[Signal]:
    """The signals of ``signals`` this viewer may see, in the same order."""
    if not viewer.guest:
        return list(signals)
    return [s for s in signals if await can_see(uow, viewer, s)]
