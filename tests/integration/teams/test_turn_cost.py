"""What a Teams turn costs in transactions and profile look-ups (issue 14: fast under load).

A known person's message reads once (delivery key and person, in the pipeline) and writes once.
A new person's first message also reads only once: that read is what tells the pipeline the
person is new, and only then is Teams asked for the profile the tenant gate needs.
"""

from __future__ import annotations

from bot.bootstrap import Runtime
from tests.integration.teams.driver import TENANT, TeamsChat
from tests.integration.teams.fake_connector import FakeConnector
from tests.integration.test_turn_transactions import count_transactions


def profile_lookups(connector: FakeConnector) -> int:
    return sum(1 for call in connector.calls if "/members/" in call.path)


async def test_a_new_persons_first_message_reads_once_and_asks_teams_once(
    runtime: Runtime, teams: TeamsChat, connector: FakeConnector
) -> None:
    begun = count_transactions(runtime)
    assert await teams.say("help")
    assert profile_lookups(connector) == 1
    # One read (key and person), one write creating Anna, one claiming the delivery key.
    assert begun == {"read": 1, "write": 2}, dict(begun)


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


async def test_someone_erased_elsewhere_is_asked_about_again_on_their_next_turn(
    sqlite_runtime: Runtime, sqlite_teams: TeamsChat, connector: FakeConnector
) -> None:
    """``signaalbot privacy erase`` in another process: nothing in this one remembers Anna,
    so her next message is a new person's (profile asked, stored again), at once."""
    await sqlite_teams.say("help")
    user_id = f"{TENANT}:aad-anna"
    async with sqlite_runtime.bot.services.uow() as uow:
        stored = await uow.people.find_by_identity("teams", user_id)
        assert stored is not None
        await uow.people.erase(stored.id)
        await uow.commit()
    assert profile_lookups(connector) == 1
    assert await sqlite_teams.say("help")
    assert profile_lookups(connector) == 2
    async with sqlite_runtime.bot.services.uow(read_only=True) as uow:
        again = await uow.people.find_by_identity("teams", user_id)
    assert again is not None and again.id != stored.id
