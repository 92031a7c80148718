"""Proactive messages from a stored conversation reference, after a restart; connector errors."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable

import pytest

from bot.bootstrap import Runtime, bootstrap
from kernel.clock import ManualClock
from kernel.core import text_reply
from kernel.messenger import Address, RecipientUnreachableError, TemporaryFailureError
from tests.conftest import make_settings
from tests.integration.teams.conftest import start_client
from tests.integration.teams.driver import TeamsChat, texts
from tests.integration.teams.fake_connector import FakeConnector
from turn.pipeline import Signaalbot


async def stored_identity(bot: Signaalbot, user_id: str) -> Address:
    async with bot.services.uow() as uow:
        person = await uow.people.find_by_identity("teams", user_id)
    assert person is not None
    identity = person.identity("teams")
    assert identity is not None
    return identity


@pytest.fixture
async def restarted(
    db_url: str, clock: ManualClock, connector: FakeConnector, migrate: Callable[[str], None]
) -> AsyncIterator[tuple[Runtime, TeamsChat]]:
    """Anna talked to one bot process; this is a new process on the same database."""
    migrate(db_url)
    first = await bootstrap(make_settings(db_url, teams_emulator=True), clock)
    client, _ = await start_client(first)
    chat = TeamsChat(client=client, connector=connector)
    await chat.say("help")
    await client.close()
    await first.close()

    second = await bootstrap(make_settings(db_url, teams_emulator=True), clock)  # a new process
    try:
        yield second, chat
    finally:
        await second.close()


async def test_proactive_send_after_restart_uses_the_stored_reference(
    restarted: tuple[Runtime, TeamsChat], connector: FakeConnector
) -> None:
    bot, chat = restarted
    identity = await stored_identity(bot, chat.identity_user_id)
    assert identity.conversation_ref is not None
    assert identity.conversation_ref["scope"] == "personal"
    messenger = bot.messengers["teams"]

    sent = await messenger.send(identity, text_reply("Je signaal S-2026-0001 is opgepakt."))
    call = connector.sent()[-1]
    assert call.path == "/v3/conversations/a:personal-anna/activities"
    assert call.body["recipient"]["id"] == "29:anna"
    assert "S-2026-0001" in texts([call])
    assert sent.message_id == call.response_id

    updated = await messenger.send(identity, text_reply("Bijgewerkt"), update_id=sent.message_id)
    put = connector.updates()[-1]
    assert put.activity_id == sent.message_id and updated.message_id == sent.message_id


async def test_bot_removed_makes_the_person_unreachable(
    restarted: tuple[Runtime, TeamsChat], connector: FakeConnector
) -> None:
    bot, chat = restarted
    identity = await stored_identity(bot, chat.identity_user_id)
    connector.fail_next(403)
    with pytest.raises(RecipientUnreachableError):
        await bot.messengers["teams"].send(identity, text_reply("Herinnering"))


@pytest.mark.parametrize(
    ("status", "headers", "wait"), [(429, {"Retry-After": "7"}, 7.0), (503, {}, None)]
)
async def test_throttling_and_server_errors_are_temporary(
    restarted: tuple[Runtime, TeamsChat],
    connector: FakeConnector,
    status: int,
    headers: dict[str, str],
    wait: float | None,
) -> None:
    bot, chat = restarted
    identity = await stored_identity(bot, chat.identity_user_id)
    connector.fail_next(status, headers)
    before = len(connector.sent())
    with pytest.raises(TemporaryFailureError) as caught:
        await bot.messengers["teams"].send(identity, text_reply("Herinnering"))
    assert caught.value.retry_after == wait
    assert len(connector.sent()) == before + 1, "the outbox retries, not the HTTP client"


async def test_no_reference_means_unreachable(sqlite_runtime: Runtime) -> None:
    with pytest.raises(RecipientUnreachableError):
        await sqlite_runtime.messengers["teams"].send(
            Address(platform="teams", user_id="t:x"), text_reply("Hallo")
        )


async def test_person_seen_only_in_a_channel_gets_a_personal_chat(
    sqlite_teams: TeamsChat, sqlite_runtime: Runtime, connector: FakeConnector
) -> None:
    sqlite_bot = sqlite_runtime.bot
    sqlite_teams.conversation_type = "channel"
    sqlite_teams.conversation_id = "19:team@thread.tacv2"
    await sqlite_teams.say("help", mention=True)
    identity = await stored_identity(sqlite_bot, sqlite_teams.identity_user_id)
    assert identity.conversation_ref is not None and identity.conversation_ref["scope"] == "channel"

    await sqlite_runtime.messengers["teams"].send(identity, text_reply("Alleen voor jou"))
    create = next(c for c in connector.calls if c.path == "/v3/conversations")
    assert create.body["isGroup"] is False
    assert create.body["members"][0]["id"] == "29:anna"
    last = connector.sent()[-1]
    assert last.conversation_id.startswith("a:personal-"), "not posted in the channel"

    # Talking in a personal chat later replaces the channel reference.
    sqlite_teams.conversation_type = "personal"
    sqlite_teams.conversation_id = "a:personal-anna"
    await sqlite_teams.say("help")
    identity = await stored_identity(sqlite_bot, sqlite_teams.identity_user_id)
    assert (
        identity.conversation_ref is not None and identity.conversation_ref["scope"] == "personal"
    )
    # ... and a channel message afterwards does not take it over again.
    sqlite_teams.conversation_type = "channel"
    sqlite_teams.conversation_id = "19:team@thread.tacv2"
    await sqlite_teams.say("help", mention=True)
    identity = await stored_identity(sqlite_bot, sqlite_teams.identity_user_id)
    assert (
        identity.conversation_ref is not None and identity.conversation_ref["scope"] == "personal"
    )
