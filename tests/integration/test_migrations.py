"""The migration chain: one head, in apply order, reversible, and equal to the models.

Why: a chain that forks or skips numbers confuses whoever adds the next migration, and a model
change without a migration only shows up on a customer's PostgreSQL.
"""

from __future__ import annotations

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory

from storage.db import alembic_config, current_revision, head_revision, make_sync_engine, upgrade
from storage.models.base import Base


def test_one_linear_chain_numbered_in_apply_order(sqlite_url: str) -> None:
    script = ScriptDirectory.from_config(alembic_config(sqlite_url))
    assert len(script.get_heads()) == 1
    order = [rev.revision for rev in reversed(list(script.walk_revisions()))]
    assert order == [f"{n:04d}" for n in range(1, len(order) + 1)]


def test_upgrade_downgrade_upgrade_and_models_match(db_url: str) -> None:
    upgrade(db_url)
    assert current_revision(db_url) == head_revision(db_url)
    command.downgrade(alembic_config(db_url), "base")
    assert current_revision(db_url) is None
    upgrade(db_url)
    assert current_revision(db_url) == head_revision(db_url)
    engine = make_sync_engine(db_url)
    try:
        with engine.connect() as connection:
            diff = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    finally:
        engine.dispose()
    assert diff == []
