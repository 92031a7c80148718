"""runtime: console inbox, replies kept with idempotency keys, office-hours flag on the outbox

Revision ID: 0007
Revises: 0006
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import storage.models.base

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "console_message",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.String(length=200), nullable=False),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.Column("created_at", storage.models.base.UtcDateTime(timezone=True), nullable=False),
        sa.Column("shown_at", storage.models.base.UtcDateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_console_message")),
    )
    op.create_index(
        op.f("ix_console_message_user_id"), "console_message", ["user_id"], unique=False
    )
    op.create_index(
        op.f("ix_console_message_shown_at"), "console_message", ["shown_at"], unique=False
    )
    with op.batch_alter_table("processed_event") as batch:
        batch.add_column(sa.Column("replies", sa.JSON(), nullable=True))
    with op.batch_alter_table("outbox") as batch:
        batch.add_column(
            sa.Column(
                "office_hours_only", sa.Boolean(), nullable=False, server_default=sa.true()
            )
        )


def downgrade() -> None:
    with op.batch_alter_table("outbox") as batch:
        batch.drop_column("office_hours_only")
    with op.batch_alter_table("processed_event") as batch:
        batch.drop_column("replies")
    op.drop_index(op.f("ix_console_message_shown_at"), table_name="console_message")
    op.drop_index(op.f("ix_console_message_user_id"), table_name="console_message")
    op.drop_table("console_message")
