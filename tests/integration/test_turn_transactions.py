"""How many transactions one turn costs (issue 14: fast under load).

Every unit of work is a transaction with a dozen driver round trips (on SQLite each one a hop
to the driver's thread, and a write takes the one write lock). A known person's turn reads
once (delivery key and person together) and writes once (the claim of its delivery key, in
the handler's own commit when it writes).
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from sqlalchemy import event

from bot.bootstrap import Runtime
from kernel.core import Command
from storage.db import READ_ONLY
from tests.helpers import person


def count_transactions(runtime: Runtime) -> Counter[str]:
    begun: Counter[str] = Counter()

    def on_begin(connection: Any) -> None:
        begun["read" if connection.get_execution_options().get(READ_ONLY) else "write"] += 1

    event.listen(runtime.services.db.engine.sync_engine, "begin", on_begin)
    return begun


async def test_a_known_persons_turn_reads_once_and_writes_once(sqlite_runtime: Runtime) -> None:
    bot = sqlite_runtime.bot
    anna = person("anna")
    await bot.handle(anna, Command(name="help", idempotency_key="k0"))  # Anna is new here
    begun = count_transactions(sqlite_runtime)
    for number, name in enumerate(("help", "signaal"), start=1):
        begun.clear()
        replies = await bot.handle(anna, Command(name=name, idempotency_key=f"k{number}"))
        assert replies
        assert begun == {"read": 1, "write": 1}, name
    begun.clear()
    assert await bot.handle(anna, Command(name="help", idempotency_key="k1")) == []
    assert begun == {"read": 1}, "a repeated delivery only reads"


async def test_the_turn_hands_the_adapter_the_persons_language(sqlite_runtime: Runtime) -> None:
    bot = sqlite_runtime.bot
    anna = person("anna")
    first = await bot.handle_turn(anna, bot.parse_text("help", "k0"))
    assert first.t.locale == "nl" and first.actor is not None
    switched = await bot.handle_turn(anna, bot.parse_text("taal en", "k1"))
    assert switched.t.locale == "en", "the switch counts for the rest of its own turn"
    again = await bot.handle_turn(anna, bot.parse_text("help", "k2"))
    assert again.t.locale == "en"
