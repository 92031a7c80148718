"""Intake reference data a municipality edits in the chat: neighbourhoods and districts.

Why a table next to ``config/areas.toml``: the file holds the shipped defaults; an admin's
additions and switched-off areas live here, so they survive an upgrade of the config files.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from storage.models.base import Base


class AreaRow(Base):
    __tablename__ = "area"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(60), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    active: Mapped[bool] = mapped_column(default=True)
    updated_at: Mapped[datetime]
