"""Who gets which session prompt: invitees by role, minus those who said no; the preparation group."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from cycle.sessions.config import KindConfig, SessionConfig
from cycle.sessions.run import SessionRun
from kernel.core import Role
from storage.domain import Person
from storage.repositories.sessions import AgendaSession
from turn.visibility import Viewer

if TYPE_CHECKING:
    from storage.uow import UnitOfWork


async def people_with(run: SessionRun, roles: Iterable[str]) -> list[Person]:
    found: dict[int, Person] = {}
    for role in roles:
        if role not in run.people_cache:
            run.people_cache[role] = await run.uow.people.with_role(role)
        for person in run.people_cache[role]:
            found.setdefault(person.id, person)
    return [found[pid] for pid in sorted(found)]


async def invitees(run: SessionRun, cfg: KindConfig) -> list[Person]:
    return await people_with(run, cfg.invite_roles)


async def everyone(run: SessionRun) -> list[Person]:
    return await people_with(run, [r.value for r in Role])


async def attendees(
    run: SessionRun, session: AgendaSession, cfg: KindConfig, *, voters: bool = False
) -> list[Person]:
    """Invitees minus those who said no; for the vote only those who said yes or maybe."""
    answers = {r.person_id: r.answer for r in await run.uow.meetings.rsvps(session.id)}
    people = await invitees(run, cfg)
    if voters and any(a in ("ja", "misschien") for a in answers.values()):
        return [p for p in people if answers.get(p.id) in ("ja", "misschien")]
    return [p for p in people if answers.get(p.id) != "nee"]


async def preparation_group(uow: UnitOfWork, config: SessionConfig) -> list[Person]:
    """The people who confirm the draft agenda: a role plus people named in sessions.toml."""
    found = {p.id: p for p in await uow.people.with_role(config.preparation_role)}
    for named in config.preparation_people:
        platform, _, user_id = named.partition(":")
        person = await uow.people.find_by_identity(platform, user_id)
        if person is not None and not person.erased:
            found.setdefault(person.id, person)
    return [found[pid] for pid in sorted(found)]


def is_guest(person: Person) -> Viewer | None:
    """A provider (guest) as a viewer of signal texts; None for staff, who see everything."""
    viewer = Viewer.of_person(person)
    return viewer if viewer.guest else None
