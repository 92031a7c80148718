"""stored analysis: the matcher's analysis of each signal and study, next to its text

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-01 12:30:00

``analysis`` holds ``matching.stored.pack`` of the text: the analyser's fingerprint, a digest
of the text and the analysed terms. Start-up reads it instead of analysing every text again;
a stale one (other lexicon, other text) is simply analysed again. It is not one of the
change-log triggers' columns: writing it changes nothing that is searched.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Plain ALTER TABLE, not batch mode: SQLite's batch mode copies the table and would lose
    # the change-log triggers of 0008.
    for table in ("signal", "study"):
        op.add_column(table, sa.Column("analysis", sa.LargeBinary(), nullable=True))


def downgrade() -> None:
    for table in ("study", "signal"):
        op.execute(f"ALTER TABLE {table} DROP COLUMN analysis")
