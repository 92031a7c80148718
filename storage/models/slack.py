"""Slack workspace installations (OAuth) and OAuth state, kept in our own database.

Why here and not in files or bolt's own SQLAlchemy store: one database is the single source of
truth for the bot (backups, two instances, PostgreSQL in production), and bolt's stores use the
synchronous engine and their own metadata.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from storage.models.base import Base


class SlackInstallationRow(Base):
    """One installation of the app in a workspace (or an Enterprise Grid org), newest wins."""

    __tablename__ = "slack_installation"
    __table_args__ = (
        Index("ix_slack_installation_lookup", "enterprise_id", "team_id", "installed_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[str] = mapped_column(String(100), default="")
    app_id: Mapped[str | None] = mapped_column(String(40))
    enterprise_id: Mapped[str] = mapped_column(String(40), default="")  # "" = no grid
    team_id: Mapped[str] = mapped_column(String(40), default="")  # "" = org-wide install
    user_id: Mapped[str] = mapped_column(String(40))  # who installed
    is_enterprise_install: Mapped[bool] = mapped_column(default=False)
    bot_token: Mapped[str | None] = mapped_column(Text)
    bot_id: Mapped[str | None] = mapped_column(String(40))
    bot_user_id: Mapped[str | None] = mapped_column(String(40))
    data: Mapped[dict[str, Any]]  # the whole installation as slack_sdk describes it
    installed_at: Mapped[datetime]


class SlackOAuthStateRow(Base):
    """A one-time OAuth ``state`` value, valid for a few minutes (CSRF protection)."""

    __tablename__ = "slack_oauth_state"

    state: Mapped[str] = mapped_column(String(100), primary_key=True)
    expires_at: Mapped[datetime] = mapped_column(index=True)
