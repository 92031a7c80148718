"""ref_counter: per-year reference numbers from an atomic counter row

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-01 09:30:00

The counter starts where the existing references left off: every stored signal and question
reference that is one of ours (``S-2026-0041``, any number of digits) raises its (prefix, year)
to at least that number, so the next one handed out is free.
"""

from collections.abc import Sequence

import re

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


# Frozen copy of storage.repositories.refs.parse_ref as of this migration: a migration must
# keep doing what it did when later code changes.
_OURS = re.compile(r"([A-Z])-(\d{4})-(\d{4,12})")


def parse_ref(ref: str) -> tuple[str, int, int] | None:
    match = _OURS.fullmatch(ref.strip().upper())
    if match is None or f"{match[1]}-{match[2]}-{int(match[3]):04d}" != match[0]:
        return None
    return match[1], int(match[2]), int(match[3])


def upgrade() -> None:
    counter = op.create_table(
        "ref_counter",
        sa.Column("prefix", sa.String(length=10), nullable=False),
        sa.Column("year", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("last", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("prefix", "year", name=op.f("pk_ref_counter")),
    )
    connection = op.get_bind()
    highest: dict[tuple[str, int], int] = {}
    for table in ("signal", "research_question"):
        for (ref,) in connection.execute(sa.text(f"SELECT ref FROM {table}")):  # noqa: S608
            parsed = parse_ref(ref)
            if parsed is not None:
                prefix, year, number = parsed
                highest[prefix, year] = max(highest.get((prefix, year), 0), number)
    if highest:
        op.bulk_insert(
            counter,
            [{"prefix": p, "year": y, "last": n} for (p, y), n in sorted(highest.items())],
        )


def downgrade() -> None:
    op.drop_table("ref_counter")
