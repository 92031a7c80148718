"""slack: workspace installations and OAuth state

Revision ID: 0003
Revises: 0002
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import storage.models.base

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "slack_installation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("client_id", sa.String(length=100), nullable=False),
        sa.Column("app_id", sa.String(length=40), nullable=True),
        sa.Column("enterprise_id", sa.String(length=40), nullable=False),
        sa.Column("team_id", sa.String(length=40), nullable=False),
        sa.Column("user_id", sa.String(length=40), nullable=False),
        sa.Column("is_enterprise_install", sa.Boolean(), nullable=False),
        sa.Column("bot_token", sa.Text(), nullable=True),
        sa.Column("bot_id", sa.String(length=40), nullable=True),
        sa.Column("bot_user_id", sa.String(length=40), nullable=True),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.Column("installed_at", storage.models.base.UtcDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_slack_installation")),
    )
    op.create_index(
        "ix_slack_installation_lookup",
        "slack_installation",
        ["enterprise_id", "team_id", "installed_at"],
        unique=False,
    )
    op.create_table(
        "slack_oauth_state",
        sa.Column("state", sa.String(length=100), nullable=False),
        sa.Column("expires_at", storage.models.base.UtcDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("state", name=op.f("pk_slack_oauth_state")),
    )
    op.create_index(
        op.f("ix_slack_oauth_state_expires_at"), "slack_oauth_state", ["expires_at"], unique=False
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_slack_oauth_state_expires_at"), table_name="slack_oauth_state")
    op.drop_table("slack_oauth_state")
    op.drop_index("ix_slack_installation_lookup", table_name="slack_installation")
    op.drop_table("slack_installation")
