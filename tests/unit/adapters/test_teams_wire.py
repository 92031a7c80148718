"""Our body of an outgoing Teams activity is msrest's, byte for byte (bot/adapters/teams_wire.py).

Each kind of reply we send (plain text, a card, a refused form with its values, the "sent"
card, a text too long for one message, a proactive message) is built by the real renderer,
addressed as botbuilder addresses it, and written both ways.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
from botbuilder.core import TurnContext
from botbuilder.schema import Activity, ActivityTypes, ConversationReference, Mention
from botframework.connector import models
from msrest.serialization import Serializer

from bot.adapters import teams_cards as cards
from bot.adapters.teams_messenger import reference_data, reply_activity
from bot.adapters.teams_replies import reply_card_activity
from bot.adapters.teams_wire import PlainSerializer, plain
from kernel.core import Button, Buttons, FieldItem, Fields, Form, Input, Reply, Text
from kernel.i18n import Catalogue
from tests.integration.teams.driver import TeamsChat

T = Catalogue.load().translator("nl")
CLASSES = {k: v for k, v in models.__dict__.items() if isinstance(v, type)}
FORM = Form(
    form_id="signal.new",
    title="Nieuw signaal",
    inputs=(
        Input(name="text", label="Wat zag je?", kind="multiline", max_length=2000),
        Input(name="area", label="Wijk", required=False),
    ),
    submit_label="Versturen",
)


def incoming() -> Activity:
    chat = TeamsChat(client=None, connector=None)  # type: ignore[arg-type]
    return Activity().deserialize(chat.activity(text="help"))


def addressed(outgoing: Activity) -> Activity:
    """As ``TurnContext.send_activity`` addresses a reply to the incoming activity."""
    reference = TurnContext.get_conversation_reference(incoming())
    return TurnContext.apply_conversation_reference(outgoing, reference)


def kinds() -> list[tuple[str, Activity]]:
    card = Reply(
        blocks=(
            Text(text="Signaal S-2026-0001", style="header"),
            Fields(items=(FieldItem(label="Status", value="nieuw"),)),
            Buttons(
                buttons=(Button(label="Ik zie dit ook", action_id="signal.support", value="7"),)
            ),
        )
    )
    refused = Reply(blocks=(Text(text="Dat lukte niet"), FORM), errors={"text": "Vul dit in 🙂"})
    proactive = Activity(type=ActivityTypes.message, text="Er is een nieuwe studie")
    reference = ConversationReference().deserialize(
        {
            "conversation": {"id": "a:personal-anna", "tenantId": "tenant-gemeente"},
            "bot": {"id": "28:signaalbot", "name": "Signaalbot"},
            "serviceUrl": "https://smba.trafficmanager.net/emea/",
            "channelId": "msteams",
        }
    )
    mention = Activity(
        type=ActivityTypes.message,
        text="<at>Anna</at> dank je",
        entities=[Mention(mentioned={"id": "29:anna", "name": "Anna"}, text="<at>Anna</at>")],
        timestamp=datetime(2026, 12, 1, 9, 30, tzinfo=UTC),
    )
    return [
        (
            "plain text",
            addressed(reply_activity(Reply(blocks=(Text(text="Hallo <!channel> [x](y)"),)), T)),
        ),
        ("card", addressed(reply_activity(card, T))),
        ("refused form", addressed(reply_activity(refused, T, form=FORM, values={"text": ""}))),
        ("sent card", addressed(reply_card_activity(cards.sent_card(FORM, T)))),
        (
            "too long for text",
            addressed(reply_activity(Reply(blocks=(Text(text="lang " * 9000),)), T)),
        ),
        (
            "proactive",
            TurnContext.apply_conversation_reference(proactive, reference, is_incoming=False),
        ),
        ("mention with a date", addressed(mention)),
    ]


@pytest.mark.parametrize(("kind", "activity"), kinds(), ids=[k for k, _ in kinds()])
def test_our_body_is_msrests(kind: str, activity: Activity) -> None:
    expected = Serializer(CLASSES).body(activity, "Activity")  # type: ignore[no-untyped-call]
    ours = PlainSerializer(CLASSES).body(activity, "Activity")
    assert json.dumps(ours, sort_keys=True) == json.dumps(expected, sort_keys=True), kind


def test_a_stored_conversation_reference_is_msrests() -> None:
    """Stored with every person and compared on every turn: a different dict would be a write
    per turn (and every stored reference would look stale after the upgrade)."""
    reference = TurnContext.get_conversation_reference(incoming())
    reference.activity_id = None
    assert plain(reference) == reference.serialize()
    assert reference_data(incoming())["reference"] == reference.serialize()


def test_anything_but_a_model_is_left_to_msrest() -> None:
    assert PlainSerializer(CLASSES).body(["a", "b"], "[str]") == ["a", "b"]
    assert plain({"a": [1, None, True]}) == {"a": [1, None, True]}
