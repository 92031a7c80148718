"""Hostile Teams activities and invokes, and hostile Slack interactivity payloads: each gets a
proper answer (a message in the person's language, a proper invoke response, or a 4xx for what
is not an activity at all) and stores nothing wrongly."""

from __future__ import annotations

import json
from typing import Any

import pytest

from kernel.text import is_clean
from tests.hostile.support import Stack
from tests.integration.teams.driver import texts

pytestmark = pytest.mark.asyncio(loop_scope="module")

UNKNOWN_CARD_NL = "Deze knop werkt niet meer"
UNKNOWN_NL, UNKNOWN_EN = "Dat begrijp ik niet", "I don't understand that"
INVOKE_NL, INVOKE_EN = "Deze actie ken ik niet", "I don't know this action"
REQUIRED_NL, REQUIRED_EN = "Vul dit veld in", "Please fill in this field"
NOT_FOUND_NL, NOT_FOUND_EN = "Ik kan geen signaal vinden", "I cannot find a signal"
SESSION_NL, SESSION_EN = "Ik kan deze sessie niet vinden", "I cannot find this session"
NOTHING_NL, NOTHING_EN = "Er staat geen signaal klaar", "There is no signal waiting"
HELP_NL, HELP_EN = "Dit kun je typen", "You can type"
WHICH_NL, WHICH_EN = "Welk nummer bedoel je", "Which number do you mean"


async def _clean_storage(s: Stack) -> None:
    assert all(is_clean(v) for v in await s.stored_texts())


# --- Teams activities ----------------------------------------------------------------------

# (fields to set on the activity, expected Dutch answer, expected English answer)
ACTIVITIES: list[tuple[dict[str, Any], str, str]] = [
    (
        {"text": "help", "from": {"id": "29:nul", "name": "Anna\x00", "aadObjectId": "aad-nul"}},
        HELP_NL,
        HELP_EN,
    ),
    (
        {
            "text": "help",
            "from": {"id": "29:sur", "name": "\ud800Bert", "aadObjectId": "aad-sur\udfff"},
        },
        HELP_NL,
        HELP_EN,
    ),
    ({"text": "help", "id": "act\x00id"}, HELP_NL, HELP_EN),
    ({"text": "help", "id": "\ud800"}, HELP_NL, HELP_EN),
    (
        {
            "text": "help",
            "from": {"id": "29:lang", "name": "X" * 10_000, "aadObjectId": "aad-long"},
        },
        HELP_NL,
        HELP_EN,
    ),
    ({"text": "help", "locale": "xx-YY"}, HELP_NL, HELP_NL),
    ({"text": "help", "locale": "en\x00-US"}, HELP_EN, HELP_EN),
    (
        {"text": None, "value": {"action_id": "nonsense.action", "value": "x"}},
        UNKNOWN_NL,
        UNKNOWN_EN,
    ),
    (
        {"text": None, "value": {"action_id": "signal.support", "value": "S-2026-99999999999999"}},
        NOT_FOUND_NL,
        NOT_FOUND_EN,
    ),
    (
        {"text": None, "value": {"action_id": "signal.support", "value": "\x00\ud800"}},
        WHICH_NL,
        WHICH_EN,
    ),
    (
        {"text": None, "value": {"action_id": "session.rsvp", "value": "99999999999999999999:ja"}},
        SESSION_NL,
        SESSION_EN,
    ),
    (
        {"text": None, "value": {"action_id": "session.vote", "value": "-1:-1"}},
        SESSION_NL,
        SESSION_EN,
    ),
    ({"text": None, "value": {"action_id": "signal.match.new"}}, NOTHING_NL, NOTHING_EN),
    (
        {
            "text": None,
            "value": {"form_id": "signal.report", "form_context": "", "text": "\x00" * 50},
        },
        REQUIRED_NL,
        REQUIRED_EN,
    ),
    (
        {
            "text": None,
            "value": {
                "form_id": "signal.report",
                "form_context": "",
                "text": "\ud800" * 50,
                "theme": ["a"],
            },
        },
        REQUIRED_NL,
        REQUIRED_EN,
    ),
    ({"text": None, "value": {"form_id": "nonsense.form", "x": "y"}}, UNKNOWN_NL, UNKNOWN_EN),
    ({"text": None, "value": {"nothing": "ours"}}, UNKNOWN_CARD_NL, "This button no longer works"),
    (
        {"text": None, "value": {"action_id": {"nested": [1, 2]}, "value": {"a": None}}},
        UNKNOWN_NL,
        UNKNOWN_EN,
    ),
]


@pytest.mark.parametrize("english", [False, True], ids=["nl", "en"])
@pytest.mark.parametrize(
    ("fields", "dutch", "english_answer"), ACTIVITIES, ids=range(len(ACTIVITIES))
)
async def test_teams_activities(
    hostile: Stack, fields: dict[str, Any], dutch: str, english_answer: str, english: bool
) -> None:
    chat = hostile.chats.get(f"teams-act:{english}")
    if chat is None:
        chat = hostile.teams(f"aad-act-{english}", locale="en-US" if english else "nl-NL")
        hostile.chats[f"teams-act:{english}"] = chat
    activity = chat.activity(**fields)
    if "id" in fields:  # the same hostile id once per language, or the second is a retry
        activity["id"] = f"{fields['id']}-{english}"
    if "from" in fields:
        hostile.connector.members.setdefault(
            fields["from"]["id"], {"id": fields["from"]["id"], "userRole": "user"}
        )
    said = texts(await chat.post(activity))
    assert chat.last_status == 200
    assert (english_answer if english else dutch) in said, said[:300]
    await _clean_storage(hostile)


@pytest.mark.parametrize(
    ("body", "status"),
    [
        ("not json at all", 400),
        ("[1, 2, 3]", 400),
        ('"just a string"', 400),
        ("{}", 400),
        ('{"type": "message", "text": "help"}', 400),
        (b"\xff\xfe\x00garbage", 400),
    ],
)
async def test_teams_bodies_that_are_no_activity(
    hostile: Stack, body: str | bytes, status: int
) -> None:
    response = await hostile.client.post(
        "/api/messages", data=body, headers={"Content-Type": "application/json"}
    )
    assert response.status == status
    assert "error" in await response.json()


async def test_teams_message_without_sender_is_refused_and_update_without_sender_handled(
    hostile: Stack,
) -> None:
    chat = hostile.teams("aad-nofrom")
    message = chat.activity(text="help")
    del message["from"]
    assert not await chat.post(message)
    assert chat.last_status == 400
    update = chat.activity("conversationUpdate", membersAdded=[{"id": "28:signaalbot"}])
    del update["from"]
    before = await hostile.counts()
    assert not await chat.post(update)
    assert chat.last_status == 200
    assert await hostile.counts() == before


# (invoke name, value, expected text in the answer)
INVOKES: list[tuple[str, Any, str]] = [
    ("nonsense/invoke", {}, INVOKE_NL),
    ("composeExtension/query", {"parameters": [{"name": "q", "value": "\x00"}]}, INVOKE_NL),
    ("actionableMessage/executeAction", {"x": 1}, INVOKE_NL),
    ("adaptiveCard/action", {}, UNKNOWN_CARD_NL),
    ("adaptiveCard/action", {"action": {"verb": None, "data": "not a dict"}}, UNKNOWN_CARD_NL),
    (
        "adaptiveCard/action",
        {"action": {"data": {"action_id": "signal.support", "value": "\ud800"}}},
        "Gelukt",
    ),
    ("task/fetch", {"data": None}, UNKNOWN_CARD_NL),
    ("task/submit", {"data": "\x00"}, UNKNOWN_CARD_NL),
    ("composeExtension/submitAction", "not a dict", UNKNOWN_CARD_NL),
    (
        "composeExtension/fetchTask",
        {"commandId": "\x00", "messagePayload": {"body": {"content": "<b>\ud800</b>" * 3}}},
        "Meld een signaal",
    ),
]


@pytest.mark.parametrize(("name", "value", "expected"), INVOKES, ids=range(len(INVOKES)))
async def test_teams_invokes_get_a_proper_invoke_response(
    hostile: Stack, name: str, value: Any, expected: str
) -> None:
    chat = hostile.chats.get("teams-invoke")
    if chat is None:
        chat = hostile.chats["teams-invoke"] = hostile.teams("aad-invoke")
    status, body = await chat.invoke(name, value)
    assert status == 200
    assert expected in json.dumps(body, ensure_ascii=False), body
    await _clean_storage(hostile)


async def test_unknown_invoke_in_english(hostile: Stack) -> None:
    chat = hostile.teams("aad-invoke-en", locale="en-GB")
    status, body = await chat.invoke("nonsense/invoke", {})
    assert status == 200 and body["type"] == "application/vnd.microsoft.activity.message"
    assert INVOKE_EN in body["value"]


# --- Slack interactivity -------------------------------------------------------------------


def _action(action_id: str, value: Any, user: str, respond: str) -> dict[str, Any]:
    return {
        "type": "block_actions",
        "team": {"id": "T0001"},
        "user": {"id": user, "username": user.lower(), "team_id": "T0001"},
        "trigger_id": f"trig-{user}-{action_id}-{value!r}"[:60],
        "response_url": respond,
        "actions": [{"action_id": action_id, "value": value, "action_ts": "1"}],
    }


# (action id, value, Dutch answer)
SLACK_ACTIONS: list[tuple[str, Any, str]] = [
    ("nonsense", "x", UNKNOWN_NL),
    ("signal.support", "S-2026-99999999999999", NOT_FOUND_NL),
    ("signal.support", "\x00\ud800", WHICH_NL),
    ("signal.support", "[klik](https://evil.example)", NOT_FOUND_NL),
    ("session.rsvp", "99999999999999999999:ja", SESSION_NL),
    ("session.rsvp", "1:\x00", SESSION_NL),
    ("session.agenda", "abc", SESSION_NL),
    ("session.vote", "1:2:3:4", SESSION_NL),
    ("signal.match.new", "", NOTHING_NL),
    ("signal.match.answered", "\ud800", NOTHING_NL),
]


@pytest.mark.parametrize(
    ("action_id", "value", "dutch"), SLACK_ACTIONS, ids=range(len(SLACK_ACTIONS))
)
async def test_slack_actions(hostile: Stack, action_id: str, value: Any, dutch: str) -> None:
    driver = hostile.slack("UACTIE")
    responses = len(hostile.slack_fake.responses)
    status, _ = await driver.interact(
        _action(action_id, value, "UACTIE", hostile.slack_fake.respond_url())
    )
    assert status == 200
    await hostile.slack_adapter.drain()
    said = "\n".join(str(r.get("text")) for r in hostile.slack_fake.responses[responses:])
    assert dutch in said, said[:300]
    await _clean_storage(hostile)


# (values typed into the signal modal, the input that gets an error, part of the message)
SUBMISSIONS: list[tuple[dict[str, str], str, str]] = [
    ({"text": "\x00" * 40}, "text", REQUIRED_NL),
    ({"text": "\ud800" * 40}, "text", REQUIRED_NL),
    ({"text": "kort\x00"}, "text", "te kort"),
    ({"text": "x" * 5000}, "text", "te lang"),
    (
        {"text": "Mijn BSN is 111222333 en dat is een lang genoeg verhaal."},
        "text",
        "persoonsgegevens",
    ),
]


@pytest.mark.parametrize(("values", "field", "expected"), SUBMISSIONS, ids=range(len(SUBMISSIONS)))
async def test_slack_modal_submissions(
    hostile: Stack, values: dict[str, str], field: str, expected: str
) -> None:
    driver = hostile.slack("UMODAL")
    await driver.slash("/signaal")
    await hostile.slack_adapter.drain()
    view = hostile.slack_fake.modal()
    form = {
        "theme": "inwonerservaring",
        "area": "hele-gemeente",
        "since": "lt3m",
        "org_type": "municipality",
    }
    async with hostile.bot.services.uow() as uow:
        signals = await uow.signals.count()
    answer = await driver.submit({**form, **values}, view)
    assert answer["response_action"] == "errors"
    assert expected in answer["errors"][field]
    async with hostile.bot.services.uow() as uow:
        assert await uow.signals.count() == signals
    await _clean_storage(hostile)
