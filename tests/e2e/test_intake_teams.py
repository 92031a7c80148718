"""The whole intake story on Teams: the real /api/messages endpoint, a fake Bot Connector.

The same scenario as the console (``tests/e2e/scenario_intake.py``), on SQLite and PostgreSQL;
status notices go out through the real outbox dispatcher and the Teams messenger.
"""

from __future__ import annotations

import pytest

from bot.bootstrap import Runtime
from tests.e2e.english import dutch_in
from tests.e2e.scenario_intake import PEOPLE, STEPS, english_outputs, typed_texts
from tests.e2e.teams_runner import TeamsRunner, chat_for, setup_teams_people
from tests.integration.teams.conftest import connector, start_client
from tests.integration.teams.fake_connector import FakeConnector

__all__ = ["connector"]  # the fake Bot Connector fixture, shared with the Teams kit


@pytest.fixture
def runtime_overrides() -> dict[str, object]:
    return {"teams_emulator": True}


async def test_intake_story_on_teams(runtime: Runtime, connector: FakeConnector) -> None:
    bot = runtime.bot
    client, adapter = await start_client(runtime)
    try:
        chats = {name: chat_for(client, connector, person) for name, person in PEOPLE.items()}
        identities = await setup_teams_people(bot, PEOPLE, chats)
        for chat in chats.values():  # each person has the bot installed: Teams knows the chat
            await chat.say("help")
        runner = TeamsRunner(bot, adapter, connector, PEOPLE, chats, identities, runtime.index_jobs)
        outputs = [(step.who, await runner.run(step, n)) for n, step in enumerate(STEPS, start=1)]
    finally:
        await client.close()
    # Piet chose English: nothing he was shown is Dutch, apart from what others typed.
    english = english_outputs(outputs)
    assert "Recognised" in english or "recognise" in english
    assert dutch_in(english, bot.services.catalogue, typed_texts()) == [], english
    # Nothing with personal data was stored or sent back to Teams.
    async with bot.services.uow() as uow:
        signal = await uow.signals.get_by_ref("S-2026-0001")
        assert signal is not None and "111222333" not in signal.text
        anna = await uow.people.find_by_identity("teams", chats["anna"].identity_user_id)
        assert anna is not None
        data = await uow.intake.person_data(anna.id)
    assert "111222333" not in str(data)
    assert all("111222333" not in str(c.body) for c in connector.calls)
