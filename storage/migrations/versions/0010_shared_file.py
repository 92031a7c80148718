"""shared files: a file handed out by an unguessable, expiring link (a session's .ics on Teams)

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-01 12:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import storage.models.base

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "shared_file",
        sa.Column("token", sa.String(length=64), nullable=False),
        sa.Column("digest", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("media_type", sa.String(length=100), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.Column("created_at", storage.models.base.UtcDateTime(timezone=True), nullable=False),
        sa.Column("expires_at", storage.models.base.UtcDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("token", name=op.f("pk_shared_file")),
    )
    op.create_index(op.f("ix_shared_file_digest"), "shared_file", ["digest"], unique=False)
    op.create_index(op.f("ix_shared_file_expires_at"), "shared_file", ["expires_at"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_shared_file_expires_at"), table_name="shared_file")
    op.drop_index(op.f("ix_shared_file_digest"), table_name="shared_file")
    op.drop_table("shared_file")
