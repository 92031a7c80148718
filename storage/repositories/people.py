"""People, identities and roles."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, select
from sqlalchemy.ext.asyncio import AsyncSession

from kernel.messenger import Address
from storage.domain import Person
from storage.models import PersonIdentityRow, PersonRoleRow, PersonRow


def to_person(row: PersonRow) -> Person:
    return Person(
        id=row.id,
        display_name=row.display_name,
        locale=row.locale,
        timezone=row.timezone,
        org_type=row.org_type,
        roles=frozenset(r.role for r in row.roles),
        identities=tuple(
            Address(
                platform=i.platform,
                user_id=i.user_id,
                tenant=i.tenant,
                conversation_ref=i.conversation_ref,
                unreachable_since=i.unreachable_since,
                last_seen_at=i.last_seen_at,
            )
            for i in row.identities
        ),
        erased=row.erased,
    )


_PERSON_COLUMNS = (
    PersonRow.id,
    PersonRow.display_name,
    PersonRow.locale,
    PersonRow.timezone,
    PersonRow.org_type,
    PersonRow.erased,
)
_IDENTITY_COLUMNS = (
    PersonIdentityRow.id,
    PersonIdentityRow.platform,
    PersonIdentityRow.user_id,
    PersonIdentityRow.tenant,
    PersonIdentityRow.conversation_ref,
    PersonIdentityRow.unreachable_since,
    PersonIdentityRow.last_seen_at,
)

_BY_IDENTITY = (
    select(*_PERSON_COLUMNS, *_IDENTITY_COLUMNS, PersonRoleRow.role)
    .join(PersonIdentityRow, PersonIdentityRow.person_id == PersonRow.id)
    .outerjoin(PersonRoleRow, PersonRoleRow.person_id == PersonRow.id)
    .where(
        PersonRow.id
        == select(PersonIdentityRow.person_id)
        .where(
            PersonIdentityRow.platform == bindparam("platform"),
            PersonIdentityRow.user_id == bindparam("user_id"),
        )
        .scalar_subquery()
    )
)


def _person_of(rows: Sequence[Sequence[Any]]) -> Person:
    """One person from the rows of person ⋈ identities ⋈ roles (see ``find_by_identity``)."""
    first = rows[0]
    identities: dict[int, Address] = {}
    for row in rows:
        identity_id, platform, user_id, tenant, ref, unreachable, seen = row[6:13]
        identities.setdefault(
            identity_id,
            Address(
                platform=platform,
                user_id=user_id,
                tenant=tenant,
                conversation_ref=ref,
                unreachable_since=unreachable,
                last_seen_at=seen,
            ),
        )
    return Person(
        id=first[0],
        display_name=first[1],
        locale=first[2],
        timezone=first[3],
        org_type=first[4],
        roles=frozenset(row[13] for row in rows if row[13] is not None),
        identities=tuple(identities[k] for k in sorted(identities)),
        erased=first[5],
    )


class PeopleRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def _row(self, person_id: int) -> PersonRow | None:
        return await self._session.get(PersonRow, person_id)

    async def get(self, person_id: int) -> Person | None:
        row = await self._row(person_id)
        return to_person(row) if row else None

    async def find_by_identity(self, platform: str, user_id: str) -> Person | None:
        """The person behind a platform identity, in one query.

        Why not ``select(PersonRow)``: every turn of every platform starts here, and loading the
        entity with its two ``selectin`` relationships cost three queries and the ORM's entity
        building (a quarter of a Teams turn's CPU). Columns only, person ⋈ identities ⋈ roles:
        a person has a few of each, so the product stays a handful of rows. The statement is
        built once (:data:`_BY_IDENTITY`): building it cost as much as running it."""
        result = await self._session.execute(
            _BY_IDENTITY, {"platform": platform, "user_id": user_id}
        )
        rows = result.all()
        return _person_of(rows) if rows else None

    async def find_by_name(self, name: str) -> list[Person]:
        rows = await self._session.scalars(
            select(PersonRow).where(PersonRow.display_name == name, PersonRow.erased.is_(False))
        )
        return [to_person(r) for r in rows]

    async def create(
        self,
        *,
        platform: str,
        user_id: str,
        now: datetime,
        display_name: str = "",
        tenant: str | None = None,
        org_type: str = "municipality",
        roles: frozenset[str] = frozenset({"professional"}),
        timezone: str = "Europe/Amsterdam",
        locale: str | None = None,
        conversation_ref: dict[str, Any] | None = None,
    ) -> Person:
        row = PersonRow(
            display_name=display_name,
            org_type=org_type,
            timezone=timezone,
            locale=locale,
            created_at=now,
            identities=[
                PersonIdentityRow(
                    platform=platform,
                    user_id=user_id,
                    tenant=tenant,
                    last_seen_at=now,
                    conversation_ref=conversation_ref,
                )
            ],
            roles=[PersonRoleRow(role=r) for r in sorted(roles)],
        )
        self._session.add(row)
        await self._session.flush()
        return to_person(row)

    async def add_identity(
        self, person_id: int, platform: str, user_id: str, now: datetime, tenant: str | None = None
    ) -> None:
        self._session.add(
            PersonIdentityRow(
                person_id=person_id,
                platform=platform,
                user_id=user_id,
                tenant=tenant,
                last_seen_at=now,
            )
        )
        await self._session.flush()

    async def touch(
        self,
        platform: str,
        user_id: str,
        now: datetime,
        conversation_ref: dict[str, Any] | None = None,
    ) -> None:
        """Record that the person was seen (and where to reach them); they are reachable again."""
        row = await self._session.scalar(
            select(PersonIdentityRow).where(
                PersonIdentityRow.platform == platform, PersonIdentityRow.user_id == user_id
            )
        )
        if row is None:
            return
        row.last_seen_at = now
        row.unreachable_since = None
        if conversation_ref is not None:
            row.conversation_ref = conversation_ref

    async def mark_unreachable(self, platform: str, user_id: str, now: datetime) -> None:
        row = await self._session.scalar(
            select(PersonIdentityRow).where(
                PersonIdentityRow.platform == platform, PersonIdentityRow.user_id == user_id
            )
        )
        if row is not None and row.unreachable_since is None:
            row.unreachable_since = now

    async def set_roles(self, person_id: int, roles: frozenset[str]) -> None:
        row = await self._row(person_id)
        if row is None:
            raise LookupError(person_id)
        current = {r.role: r for r in row.roles}
        for role, role_row in current.items():
            if role not in roles:
                row.roles.remove(role_row)
        for role in sorted(roles - current.keys()):
            row.roles.append(PersonRoleRow(role=role))
        await self._session.flush()

    async def update(
        self,
        person_id: int,
        *,
        locale: str | None = None,
        timezone: str | None = None,
        org_type: str | None = None,
        display_name: str | None = None,
    ) -> None:
        row = await self._row(person_id)
        if row is None:
            raise LookupError(person_id)
        if locale is not None:
            row.locale = locale
        if timezone is not None:
            row.timezone = timezone
        if org_type is not None:
            row.org_type = org_type
        if display_name is not None:
            row.display_name = display_name

    async def with_role(self, role: str) -> list[Person]:
        rows = await self._session.scalars(
            select(PersonRow)
            .join(PersonRoleRow)
            .where(PersonRoleRow.role == role, PersonRow.erased.is_(False))
            .order_by(PersonRow.id)
        )
        return [to_person(r) for r in rows]

    async def erase(self, person_id: int) -> None:
        """AVG erasure: the identity goes, anonymous contributions stay."""
        row = await self._row(person_id)
        if row is None:
            raise LookupError(person_id)
        row.display_name = ""
        row.erased = True
        row.identities.clear()
        row.roles.clear()
        await self._session.flush()
