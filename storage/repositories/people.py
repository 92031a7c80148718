"""People, identities and roles."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
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


class PeopleRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def _row(self, person_id: int) -> PersonRow | None:
        return await self._session.get(PersonRow, person_id)

    async def get(self, person_id: int) -> Person | None:
        row = await self._row(person_id)
        return to_person(row) if row else None

    async def find_by_identity(self, platform: str, user_id: str) -> Person | None:
        row = await self._session.scalar(
            select(PersonRow)
            .join(PersonIdentityRow)
            .where(PersonIdentityRow.platform == platform, PersonIdentityRow.user_id == user_id)
        )
        return to_person(row) if row else None

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
    ) -> Person:
        row = PersonRow(
            display_name=display_name,
            org_type=org_type,
            timezone=timezone,
            locale=locale,
            created_at=now,
            identities=[
                PersonIdentityRow(
                    platform=platform, user_id=user_id, tenant=tenant, last_seen_at=now
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
