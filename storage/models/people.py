"""People, their platform identities, roles and organisations.

Why identities apart from people: one person may talk to us on Slack and on Teams; a proactive
prompt goes to the identity where they were last seen.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from storage.models.base import Base


class OrganisationRow(Base):
    __tablename__ = "organisation"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    kind: Mapped[str] = mapped_column(String(20))  # municipality | provider | other


class PersonRow(Base):
    __tablename__ = "person"

    id: Mapped[int] = mapped_column(primary_key=True)
    display_name: Mapped[str] = mapped_column(String(200), default="")
    locale: Mapped[str | None] = mapped_column(String(10))  # None: follow the platform
    timezone: Mapped[str] = mapped_column(String(64), default="Europe/Amsterdam")
    org_type: Mapped[str] = mapped_column(String(20), default="municipality")
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id"))
    erased: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime]

    identities: Mapped[list[PersonIdentityRow]] = relationship(
        back_populates="person", cascade="all, delete-orphan", lazy="selectin"
    )
    roles: Mapped[list[PersonRoleRow]] = relationship(
        back_populates="person", cascade="all, delete-orphan", lazy="selectin"
    )


class PersonIdentityRow(Base):
    __tablename__ = "person_identity"
    __table_args__ = (UniqueConstraint("platform", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"), index=True)
    platform: Mapped[str] = mapped_column(String(20))
    user_id: Mapped[str] = mapped_column(
        String(200)
    )  # slack team:user, teams tenant:aad, console name
    tenant: Mapped[str | None] = mapped_column(String(100))  # Slack team id / Teams tenant id
    conversation_ref: Mapped[dict[str, Any] | None]  # where to send proactive messages
    unreachable_since: Mapped[datetime | None]
    last_seen_at: Mapped[datetime | None]

    person: Mapped[PersonRow] = relationship(back_populates="identities")


class PersonRoleRow(Base):
    __tablename__ = "person_role"
    __table_args__ = (UniqueConstraint("person_id", "role"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"))
    role: Mapped[str] = mapped_column(String(30))

    person: Mapped[PersonRow] = relationship(back_populates="roles")
