"""signal status in the change log: a withdrawn signal leaves every instance's index

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-01 15:30:00

The change-log triggers of 0008 watch the signal columns the index reads. Whether a signal is
matchable at all also depends on its ``status`` (``ingetrokken``: withdrawn by its reporter,
see ``storage.repositories.signals.matchable``), which they did not watch: other instances
kept a withdrawn signal. This recreates the signal's update trigger with ``status`` added;
insert and delete triggers, the study's triggers and PostgreSQL's trigger function stay as
0008 made them. A status change the index does not care about (``nieuw`` to
``in_behandeling``) costs the followers one re-read of that row and changes nothing.
"""

from collections.abc import Sequence

from alembic import op


revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BEFORE = "text, merged_into_id, vector"
AFTER = "text, merged_into_id, vector, status"


def watch(columns: str) -> None:
    """(Re)create the trigger that logs an update of ``columns`` of a signal."""
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS signal_index_change ON signal")
        op.execute(
            "CREATE TRIGGER signal_index_change AFTER INSERT OR DELETE OR UPDATE OF "
            f"{columns} ON signal FOR EACH ROW "
            "EXECUTE FUNCTION signaalbot_index_change('signal')"
        )
        return
    op.execute("DROP TRIGGER IF EXISTS signal_index_update")
    op.execute(
        f"CREATE TRIGGER signal_index_update AFTER UPDATE OF {columns} ON signal "
        "BEGIN INSERT INTO index_change (kind, ref) VALUES ('signal', NEW.ref); END"
    )


def upgrade() -> None:
    watch(AFTER)


def downgrade() -> None:
    watch(BEFORE)
