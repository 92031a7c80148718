"""The migration chain: one head, in apply order, reversible, and equal to the models.

Why: a chain that forks or skips numbers confuses whoever adds the next migration, and a model
change without a migration only shows up on a customer's PostgreSQL.
"""

from __future__ import annotations

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory

from storage.db import (
    alembic_config,
    at_shipped_head,
    current_revision,
    ensure_schema,
    head_revision,
    make_sync_engine,
    shipped_head,
    upgrade,
)
from storage.models.base import Base


def test_one_linear_chain_numbered_in_apply_order(sqlite_url: str) -> None:
    script = ScriptDirectory.from_config(alembic_config(sqlite_url))
    assert len(script.get_heads()) == 1
    order = [rev.revision for rev in reversed(list(script.walk_revisions()))]
    assert order == [f"{n:04d}" for n in range(1, len(order) + 1)]


def test_the_head_read_without_alembic_is_alembics_head(db_url: str) -> None:
    """``ensure_schema`` trusts :func:`shipped_head` to skip Alembic when nothing is to do."""
    assert shipped_head() == head_revision(db_url) is not None
    assert not at_shipped_head(db_url)  # empty: no alembic_version table
    ensure_schema(db_url)  # a new database is set up, on SQLite and PostgreSQL
    assert at_shipped_head(db_url)
    command.downgrade(alembic_config(db_url), "0009")
    assert not at_shipped_head(db_url)
    if db_url.startswith("sqlite"):
        ensure_schema(db_url)  # SQLite is migrated
        assert current_revision(db_url) == head_revision(db_url)


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
