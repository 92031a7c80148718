"""What a Teams turn costs in transactions and profile look-ups (issue 14: fast under load).

A known person's message reads once (delivery key and person, in the pipeline) and writes once;
the "is this someone new?" question that decides whether Teams is asked for the profile is
answered from what the previous turn learnt, for a while (``KNOWN_FOR``), not from another read.
"""

from __future__ import annotations

from bot.adapters.teams_turns import KNOWN_FOR, TeamsTurns
from bot.bootstrap import Runtime
from tests.integration.teams.driver import TENANT, TeamsChat
from tests.integration.teams.fake_connector import FakeConnector
from tests.integration.test_turn_transactions import count_transactions


def profile_lookups(connector: FakeConnector) -> int:
    return sum(1 for call in connector.calls if "/members/" in call.path)


async def test_a_known_persons_message_reads_once_and_writes_once(
    runtime: Runtime, teams: TeamsChat, connector: FakeConnector
) -> None:
    await teams.say("help")  # Anna is new: Teams is asked for her profile, she is stored
    assert profile_lookups(connector) == 1
    begun = count_transactions(runtime)
    for _ in range(3):  # "help": no writes of its own (a form card is also remembered: +1)
        begun.clear()
        calls = await teams.say("help")
        assert calls
        assert begun == {"read": 1, "write": 1}, dict(begun)
    assert profile_lookups(connector) == 1, "a known person's profile is not asked again"


async def test_someone_unknown_is_asked_about_on_every_turn_until_stored(
    sqlite_runtime: Runtime, sqlite_teams: TeamsChat, connector: FakeConnector
) -> None:
    """An erased person (``signaalbot privacy erase`` in another process) becomes new again: the
    cache only says "known" for ``KNOWN_FOR`` seconds after the database did."""
    now = [1000.0]
    turns = TeamsTurns(sqlite_runtime.bot, clock=lambda: now[0])
    user_id = f"{TENANT}:aad-anna"
    assert await turns._is_new(user_id)
    await sqlite_teams.say("help")
    assert not await turns._is_new(user_id)
    async with sqlite_runtime.bot.services.uow() as uow:
        stored = await uow.people.find_by_identity("teams", user_id)
        assert stored is not None
        await uow.people.erase(stored.id)
        await uow.commit()
    assert not await turns._is_new(user_id), "within KNOWN_FOR the cache answers"
    now[0] += KNOWN_FOR + 1
    assert await turns._is_new(user_id), "after it, the database is asked again"
