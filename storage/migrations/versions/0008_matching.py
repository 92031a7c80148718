"""matching: stored sentence vectors, the index change log (with its triggers), study news

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-01 09:45:00

Triggers write one ``index_change`` row per insert, delete, or change of a searchable column of
``signal`` and ``study``, in the writer's own transaction, so every instance can follow.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import storage.models.base


revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

WATCHED = {"signal": "text, merged_into_id, vector", "study": "title, summary, vector"}


def upgrade() -> None:
    op.create_table(
        "index_change",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("ref", sa.String(length=100), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_index_change")),
    )
    for table in ("signal", "study"):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column("vector", sa.LargeBinary(), nullable=True))
            batch_op.add_column(sa.Column("vector_model", sa.String(length=60), nullable=True))
    with op.batch_alter_table("study", schema=None) as batch_op:
        batch_op.add_column(sa.Column("announced_at", storage.models.base.UtcDateTime(), nullable=True))
    # Studies already in the catalogue are not news.
    op.execute("UPDATE study SET announced_at = created_at")
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            """
            CREATE FUNCTION signaalbot_index_change() RETURNS trigger AS $$
            BEGIN
                IF TG_OP = 'DELETE' THEN
                    INSERT INTO index_change (kind, ref) VALUES (TG_ARGV[0], OLD.ref);
                    RETURN OLD;
                END IF;
                INSERT INTO index_change (kind, ref) VALUES (TG_ARGV[0], NEW.ref);
                RETURN NEW;
            END
            $$ LANGUAGE plpgsql
            """
        )
        for table, columns in WATCHED.items():
            op.execute(
                f"CREATE TRIGGER {table}_index_change AFTER INSERT OR DELETE OR UPDATE OF "
                f"{columns} ON {table} FOR EACH ROW "
                f"EXECUTE FUNCTION signaalbot_index_change('{table}')"
            )
        return
    for table, columns in WATCHED.items():
        insert = f"INSERT INTO index_change (kind, ref) VALUES ('{table}', NEW.ref);"
        op.execute(
            f"CREATE TRIGGER {table}_index_insert AFTER INSERT ON {table} BEGIN {insert} END"
        )
        op.execute(
            f"CREATE TRIGGER {table}_index_update AFTER UPDATE OF {columns} ON {table} "
            f"BEGIN {insert} END"
        )
        op.execute(
            f"CREATE TRIGGER {table}_index_delete AFTER DELETE ON {table} BEGIN "
            f"INSERT INTO index_change (kind, ref) VALUES ('{table}', OLD.ref); END"
        )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for table in WATCHED:
            op.execute(f"DROP TRIGGER IF EXISTS {table}_index_change ON {table}")
        op.execute("DROP FUNCTION IF EXISTS signaalbot_index_change()")
    else:
        for table in WATCHED:
            for what in ("insert", "update", "delete"):
                op.execute(f"DROP TRIGGER IF EXISTS {table}_index_{what}")
    with op.batch_alter_table("study", schema=None) as batch_op:
        batch_op.drop_column("announced_at")
    for table in ("study", "signal"):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column("vector_model")
            batch_op.drop_column("vector")
    op.drop_table("index_change")
