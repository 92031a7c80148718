"""Signatures, the timestamp window, escaping and Block Kit limits."""

from __future__ import annotations

import json
import time
from typing import Any

from aiohttp.test_utils import TestClient

from bot.adapters import slack_blocks as kit
from bot.adapters import slack_text, slack_views
from bot.adapters.slack import SlackAdapter
from kernel.core import Button, Buttons, Choice, Form, Input, Option, Reply, Text
from kernel.i18n import Catalogue
from tests.slack_support import FakeSlack, SlackDriver, sign, slash_body

T = Catalogue.load().translator("nl")
NASTY = "Let op <!channel> <!here> <@U123> <https://evil.example|gemeente.nl> & meer"


async def post_slash(client: TestClient[Any, Any], headers: dict[str, str], body: str) -> int:
    response = await client.post(
        "/slack/events",
        data=body.encode(),
        headers={"Content-Type": "application/x-www-form-urlencoded", **headers},
    )
    return response.status


async def test_forged_signature_is_refused(
    slack_client: TestClient[Any, Any], fake_slack: FakeSlack, adapter: SlackAdapter
) -> None:
    body = slash_body("/signaal", "", user="UANNA")
    assert await post_slash(slack_client, sign(body, secret="not-the-secret"), body) == 401
    tampered = sign(body)
    assert await post_slash(slack_client, tampered, body + "&text=extra") == 401
    assert await post_slash(slack_client, {}, body) == 401
    await adapter.drain()
    assert not fake_slack.calls  # nothing reached the bot


async def test_stale_timestamp_is_refused(
    slack_client: TestClient[Any, Any], fake_slack: FakeSlack, adapter: SlackAdapter
) -> None:
    body = slash_body("/signaal", "", user="UANNA")
    stale = sign(body, timestamp=int(time.time()) - 6 * 60)
    assert await post_slash(slack_client, stale, body) == 401
    fresh = sign(body, timestamp=int(time.time()) - 60)
    assert await post_slash(slack_client, fresh, body) == 200
    await adapter.drain()
    assert len(fake_slack.called("views.open")) == 1


def test_user_text_is_escaped_in_every_mrkdwn_text() -> None:
    rendered = kit.BlockRenderer(T).render([Reply(blocks=(Text(text=NASTY),))])
    text = rendered.blocks[0]["text"]["text"]
    assert "<" not in text and ">" not in text
    assert "&lt;!channel&gt;" in text and "&lt;@U123&gt;" in text
    assert "&lt;https://evil.example|gemeente.nl&gt;" in text
    assert "&amp; meer" in text
    assert "<" not in rendered.fallback


async def test_escaping_end_to_end_in_a_direct_message(
    slack_client: TestClient[Any, Any], fake_slack: FakeSlack, adapter: SlackAdapter
) -> None:
    anna = SlackDriver(slack_client, fake_slack, user="UANNA")
    # Typed "<!channel>" arrives escaped; the bot echoes it back and it must not ping anyone.
    await anna.slash("/signaalbot", "status &lt;!channel&gt;")
    await adapter.drain()
    answer = json.dumps(fake_slack.responses[-1])
    assert "channel" in answer  # shown harmlessly (escaped or as plain @channel)
    assert "<!channel>" not in answer


def test_from_slack_turns_markup_into_plain_text() -> None:
    assert (
        slack_text.from_slack("<@U1> en <!here> in <#C1|wijkteam>") == "@U1 en @here in #wijkteam"
    )
    assert slack_text.from_slack("zie <https://x.nl|rapport> &amp; &lt;b&gt;") == (
        "zie rapport (https://x.nl) & <b>"
    )


def test_long_text_is_split_and_never_cut_inside_an_escape() -> None:
    text = ("& " * 2000) + "einde"
    blocks = kit.BlockRenderer(T).render([Reply(blocks=(Text(text=text),))]).blocks
    assert len(blocks) >= 2
    for block in blocks:
        body = block["text"]["text"]
        assert len(body) <= slack_text.MAX_TEXT
        assert body.replace("&amp;", "").count("&") == 0


def test_block_limits_are_respected() -> None:
    many = Reply(blocks=tuple(Text(text=f"regel {i}") for i in range(80)))
    blocks = kit.BlockRenderer(T).render([many]).blocks
    assert len(blocks) == slack_text.MAX_MESSAGE_BLOCKS
    assert blocks[-1]["type"] == "context"

    choice = Choice(
        label="Kies",
        action_id="pick",
        options=tuple(Option(label="x" * 100, value=str(i)) for i in range(150)),
    )
    select = kit.BlockRenderer(T).render([Reply(blocks=(choice,))]).blocks[0]["accessory"]
    assert len(select["options"]) == slack_text.MAX_OPTIONS
    assert all(len(o["text"]["text"]) <= 75 for o in select["options"])

    header = kit.BlockRenderer(T).render([Reply(blocks=(Text(text="k" * 400, style="header"),))])
    assert len(header.blocks[0]["text"]["text"]) <= slack_text.MAX_HEADER

    form = Form(
        form_id="f",
        title="Een hele lange titel voor een formulier",
        submit_label="Versturen en opslaan alsjeblieft",
        inputs=(Input(name="text", label="Tekst", initial="y" * 5000, max_length=4000),),
    )
    view = slack_views.modal(form, T, {})
    assert len(view["title"]["text"]) <= slack_text.MAX_MODAL_TITLE
    assert len(view["submit"]["text"]) <= slack_text.MAX_MODAL_TITLE
    element = next(b for b in view["blocks"] if b["type"] == "input")["element"]
    assert len(element["initial_value"]) == slack_text.MAX_INITIAL_VALUE
    assert element["max_length"] == slack_text.MAX_INPUT_LENGTH


def test_a_form_title_longer_than_slack_allows_is_shown_whole_in_the_modal() -> None:
    inputs = (Input(name="reason", label="Toelichting"),)
    long = Form(form_id="f", title="Stap 2 van 6: Kennislacune", submit_label="Ok", inputs=inputs)
    view = slack_views.modal(long, T, {}, notice="Let op")
    assert view["title"]["text"] == "Stap 2 van 6: Kennislac…"
    assert view["blocks"][0] == {
        "type": "header",
        "text": {"type": "plain_text", "text": "Stap 2 van 6: Kennislacune", "emoji": True},
    }
    assert [b["type"] for b in view["blocks"]] == ["header", "section", "input"]
    assert slack_views.input_block_ids(view) == ["reason"]

    short = Form(form_id="f", title="Stap 6 van 6: Belasting", submit_label="Ok", inputs=inputs)
    assert [b["type"] for b in slack_views.modal(short, T, {})["blocks"]] == ["input"]


def test_action_ids_are_unique_within_a_message_and_round_trip() -> None:
    buttons = Buttons(
        buttons=(
            Button(label="Ja", action_id="signal.support", value="S-1"),
            Button(label="Ook", action_id="signal.support", value="S-2"),
        )
    )
    blocks = kit.BlockRenderer(T).render([Reply(blocks=(buttons, buttons))]).blocks
    ids = [e["action_id"] for b in blocks for e in b["elements"]]
    assert len(ids) == len(set(ids)) == 4
    assert {slack_text.neutral_action_id(i) for i in ids} == {"signal.support"}


def test_form_level_errors_show_next_to_the_first_input() -> None:
    errors = slack_views.view_errors(
        {"_form": "Database even weg", "theme": "Kies"}, ["text", "theme"]
    )
    assert errors == {"text": "Database even weg", "theme": "Kies"}
    assert slack_views.view_errors({"_form": "x"}, []) is None
