"""Who may post to /api/messages; dialogs, the message action, universal actions, installs."""

from __future__ import annotations

from collections.abc import AsyncIterator

import jwt
import pytest

from bot.bootstrap import bootstrap
from kernel.clock import ManualClock
from tests.conftest import make_settings
from tests.integration.teams.conftest import start_client
from tests.integration.teams.driver import TENANT, TeamsChat, texts
from tests.integration.teams.fake_connector import FakeConnector, find
from turn.pipeline import Signaalbot

APP_ID = "11111111-2222-3333-4444-555555555555"
BASE_URL = "https://bot.gemeente.nl"


@pytest.fixture
async def secured(
    sqlite_url: str, clock: ManualClock, connector: FakeConnector
) -> AsyncIterator[TeamsChat]:
    runtime = await bootstrap(
        make_settings(sqlite_url, teams_app_id=APP_ID, teams_tenant_id=TENANT, base_url=BASE_URL),
        clock,
    )
    client, _ = await start_client(runtime)
    try:
        yield TeamsChat(client=client, connector=connector)
    finally:
        await client.close()
        await runtime.close()


@pytest.mark.parametrize(
    "authorization",
    [
        None,
        "Bearer",
        "Bearer not-a-token",
        "Basic dXNlcjpwYXNz",
        # Well formed but not from the Bot Framework (wrong issuer, our own key).
        "Bearer " + jwt.encode({"iss": "https://evil.example", "aud": APP_ID}, "k" * 32, "HS256"),
    ],
)
async def test_requests_without_a_valid_token_are_refused(
    secured: TeamsChat, connector: FakeConnector, authorization: str | None
) -> None:
    if authorization is not None:
        secured.headers["Authorization"] = authorization
    calls = await secured.say("signaal")
    assert secured.last_status == 401
    assert calls == [] and connector.calls == [], "nothing is sent before the token is checked"


async def test_without_app_id_only_local_unforwarded_requests(teams: TeamsChat) -> None:
    teams.headers["X-Forwarded-For"] = "203.0.113.9"
    assert await teams.say("help") == []
    assert teams.last_status == 403
    teams.headers.clear()
    assert "signaalbot" in texts(await teams.say("help")).lower()


async def test_bad_bodies_are_rejected(sqlite_teams: TeamsChat) -> None:
    response = await sqlite_teams.client.post(
        "/api/messages", data="{not json", headers={"Content-Type": "application/json"}
    )
    assert response.status == 400
    response = await sqlite_teams.client.post("/api/messages", json={"hello": "world"})
    assert response.status == 400


async def test_message_action_prefills_the_form_and_reports(
    sqlite_teams: TeamsChat, sqlite_bot: Signaalbot
) -> None:
    sqlite_teams.conversation_type = "groupChat"
    sqlite_teams.conversation_id = "19:group@thread.v2"
    status, body = await sqlite_teams.invoke(
        "composeExtension/fetchTask",
        {
            "commandId": "reportSignal",
            "commandContext": "message",
            "messagePayload": {
                "body": {
                    "contentType": "html",
                    "content": "<p>Ouderen in <b>Woensel</b> vereenzamen sinds de buurthuizen dicht zijn.</p>",
                }
            },
        },
    )
    assert status == 200
    task = body["task"]
    assert task["type"] == "continue"
    card = task["value"]["card"]["content"]
    text_input = next(i for i in find(card, "Input.Text") if i["id"] == "text")
    assert text_input["value"] == "Ouderen in Woensel vereenzamen sinds de buurthuizen dicht zijn."
    data = find(card, "Action.Submit")[-1]["data"]

    status, body = await sqlite_teams.invoke(
        "composeExtension/submitAction",
        {
            "data": {
                **data,
                "text": "kort",
                "theme": "leren",
                "area": "centrum",
                "since": "lt3m",
                "org_type": "municipality",
            }
        },
    )
    assert body["task"]["type"] == "continue", "errors keep the dialog open"
    again = body["task"]["value"]["card"]["content"]
    assert next(i for i in find(again, "Input.Text") if i["id"] == "text")["value"] == "kort"

    status, body = await sqlite_teams.invoke(
        "composeExtension/submitAction",
        {
            "data": {
                **data,
                "text": text_input["value"],
                "theme": "leren",
                "area": "centrum",
                "since": "lt3m",
                "org_type": "municipality",
            }
        },
    )
    assert body["task"]["type"] == "message"
    assert "S-2026-0001" in body["task"]["value"]


async def test_universal_action_execute(sqlite_teams: TeamsChat) -> None:
    calls = await sqlite_teams.say("signaal")
    assert calls
    form_data = {"form_id": "signal.report", "context": ""}
    status, body = await sqlite_teams.invoke(
        "adaptiveCard/action",
        {"action": {"type": "Action.Execute", "verb": "submit", "data": {**form_data, "text": ""}}},
    )
    assert status == 200 and body["type"] == "application/vnd.microsoft.card.adaptive"
    assert "Vul dit veld in." in str(body["value"])
    status, body = await sqlite_teams.invoke(
        "adaptiveCard/action",
        {
            "action": {
                "type": "Action.Execute",
                "verb": "submit",
                "data": {
                    **form_data,
                    "text": "Minder aanmeldingen bij de voedselbank in december.",
                    "theme": "leren",
                    "area": "centrum",
                    "since": "lt3m",
                    "org_type": "municipality",
                },
            }
        },
    )
    assert body["type"] == "application/vnd.microsoft.card.adaptive"
    assert "Verstuurd" in str(body["value"])
    assert "S-2026-0001" in texts(sqlite_teams.connector.sent())


async def test_install_saves_the_reference_and_welcomes_removal_marks_unreachable(
    sqlite_teams: TeamsChat, sqlite_bot: Signaalbot
) -> None:
    calls = await sqlite_teams.post(sqlite_teams.activity("installationUpdate", action="add"))
    assert "Zo werkt signaalbot" in texts(calls)
    async with sqlite_bot.services.uow() as uow:
        person = await uow.people.find_by_identity("teams", f"{TENANT}:aad-anna")
    assert person is not None
    identity = person.identity("teams")
    assert identity is not None and identity.conversation_ref is not None
    await sqlite_teams.post(sqlite_teams.activity("installationUpdate", action="remove"))
    async with sqlite_bot.services.uow() as uow:
        person = await uow.people.find_by_identity("teams", f"{TENANT}:aad-anna")
    assert person is not None and person.identities[0].unreachable_since is not None


async def test_guest_from_a_provider_domain_gets_the_provider_role(
    sqlite_url: str, clock: ManualClock, connector: FakeConnector
) -> None:
    runtime = await bootstrap(
        make_settings(sqlite_url, provider_email_domains=["zorgaanbieder.nl"], teams_emulator=True),
        clock,
    )
    bot = runtime.bot
    client, _ = await start_client(runtime)
    try:
        connector.members["29:jan"] = {
            "id": "29:jan",
            "name": "Jan",
            "aadObjectId": "aad-jan",
            "userPrincipalName": "jan_zorgaanbieder.nl#EXT#@gemeente.onmicrosoft.com",
            "tenantId": TENANT,
            "userRole": "guest",
        }
        jan = TeamsChat(
            client=client, connector=connector, user_id="29:jan", aad="aad-jan", name="Jan"
        )
        await jan.say("help")
        anna = TeamsChat(client=client, connector=connector)
        await anna.say("help")
        async with bot.services.uow() as uow:
            guest = await uow.people.find_by_identity("teams", f"{TENANT}:aad-jan")
            staff = await uow.people.find_by_identity("teams", f"{TENANT}:aad-anna")
        assert guest is not None and guest.roles == frozenset({"provider"})
        assert guest.org_type == "provider"
        assert staff is not None and staff.roles == frozenset({"professional"})
    finally:
        await client.close()
        await bot.services.db.dispose()
