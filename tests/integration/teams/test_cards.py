"""Rendering neutral replies as Adaptive Cards, and card data back into events."""

from __future__ import annotations

from pathlib import Path

from bot.adapters.teams_cards import is_plain, render_card
from bot.adapters.teams_inbound import event_from_data, html_to_text, strip_mentions
from bot.adapters.teams_replies import echo_values
from bot.adapters.teams_turns import email_domain
from kernel.core import (
    Action,
    Button,
    Buttons,
    Choice,
    FieldItem,
    Fields,
    Form,
    Image,
    Input,
    Option,
    Reply,
    Submit,
    Text,
)
from kernel.i18n import Catalogue, placeholders
from tests.integration.teams.card_schema import assert_valid, schema_errors
from tests.integration.teams.driver import TeamsChat
from tests.integration.teams.fake_connector import find
from turn.context import TurnContext
from turn.pipeline import Signaalbot

T = Catalogue.load().translator("nl")


def test_blocks_become_card_elements(tmp_path: Path) -> None:
    png = tmp_path / "grafiek.png"
    from io import BytesIO

    from PIL import Image as Picture

    buffer = BytesIO()
    Picture.new("RGB", (8, 8)).save(buffer, format="PNG")
    png.write_bytes(buffer.getvalue())
    reply = Reply(
        blocks=(
            Text(text="Signaal S-2026-0001", style="header"),
            Fields(items=(FieldItem(label="Status", value="nieuw"),)),
            Buttons(
                buttons=(
                    Button(
                        label="Ik zie dit ook",
                        action_id="signal.support",
                        value="7",
                        style="primary",
                    ),
                )
            ),
            Choice(
                label="Thema",
                action_id="signal.theme",
                options=(Option(label="Jeugd", value="jeugd"),),
            ),
            Image(alt="Grafiek", path=str(png)),
        )
    )
    card = render_card(reply, T)
    assert card["version"] == "1.5"
    assert card["body"][0]["weight"] == "Bolder" and card["body"][0]["wrap"] is True
    assert find(card, "FactSet")[0]["facts"] == [{"title": "Status", "value": "nieuw"}]
    button = find(card, "Action.Submit")[0]
    assert button["data"] == {"action_id": "signal.support", "value": "7"}
    assert button["style"] == "positive"
    choice = find(card, "Input.ChoiceSet")[0]
    assert choice["choices"] == [{"title": "Jeugd", "value": "jeugd"}]
    picked = find(card, "Action.Submit")[1]["data"]
    assert event_from_data({**picked, choice["id"]: "jeugd"}, "k") == Action(
        action_id="signal.theme", value="jeugd", idempotency_key="k"
    )
    assert find(card, "Image")[0]["url"].startswith("data:image/png;base64,")


def test_form_data_becomes_a_submit() -> None:
    event = event_from_data(
        {
            "form_id": "signal.report",
            "context": "S-1",
            "text": "x",
            "theme": "leren",
            "msteams": {},
        },
        "id-1",
    )
    assert event == Submit(
        form_id="signal.report",
        values={"text": "x", "theme": "leren"},
        context="S-1",
        idempotency_key="id-1",
    )
    assert event_from_data({}, "id") is None
    assert event_from_data(None, "id", verb="signal.refresh") == Action(
        action_id="signal.refresh", idempotency_key="id"
    )


def test_form_inputs_named_like_card_keys_keep_their_values() -> None:
    """Teams merges inputs into the submit data (an input wins): an input ``context`` or
    ``value`` must reach the handler and must not replace the form's own context."""
    form = Form(
        form_id="signal.support",
        title="Ik zie dit ook",
        submit_label="Versturen",
        context="S-2026-0001",
        inputs=(Input(name="context", label="Toelichting"), Input(name="value", label="Waarde")),
    )
    card = render_card(Reply(blocks=(form,)), T)
    data = find(card, "Action.Submit")[0]["data"]
    typed = {"context": "Wij zien dit ook.", "value": "3"}
    assert event_from_data({**data, **typed}, "k") == Submit(
        form_id="signal.support", values=typed, context="S-2026-0001", idempotency_key="k"
    )


def test_a_refused_form_never_echoes_personal_data() -> None:
    echoed = echo_values({"text": "De cliënt met BSN 111222333 wacht.", "area": "", "n": "17"})
    assert "111222333" not in echoed["text"] and "[BSN]" in echoed["text"]
    assert echoed["area"] == "" and echoed["n"] == "17"


def test_text_helpers() -> None:
    assert (
        strip_mentions("<at>Signaalbot</at> signaal  Veel   schulden\nregel 2")
        == "signaal Veel schulden\nregel 2"
    )
    assert html_to_text("<p>Een &amp; twee</p><p>drie<br>vier</p>") == "Een & twee\ndrie\nvier"
    assert is_plain(Reply(blocks=(Text(text="a"),)))
    assert not is_plain(Reply(blocks=(Text(text="Agenda:\n1. a\n2. b"),)))
    assert not is_plain(Reply(blocks=(Text(text="a", style="warning"),)))
    assert email_domain(None, "jan_zorg.nl#EXT#@gemeente.onmicrosoft.com") == "zorg.nl"
    assert email_domain("Piet@Gemeente.NL", None) == "gemeente.nl"
    assert email_domain(None, None) is None


def test_catalogue_keys_and_placeholders_agree() -> None:
    catalogue = Catalogue.load()
    nl = {k for k in catalogue.keys("nl") if k.startswith("teams.")}
    en = {k for k in catalogue.keys("en") if k.startswith("teams.")}
    assert nl == en and nl
    for key in nl:
        assert placeholders(catalogue.raw("nl", key) or "") == placeholders(
            catalogue.raw("en", key) or ""
        )


async def test_reply_with_update_key_is_updated_in_place(
    sqlite_teams: TeamsChat, sqlite_bot: Signaalbot
) -> None:
    count = {"n": 0}

    async def counter(ctx: TurnContext) -> None:
        count["n"] += 1
        await ctx.reply(
            Reply(
                blocks=(Text(text=f"Stand {count['n']}", style="header"),),
                update_key="teller",
            )
        )

    sqlite_bot.router.command("teller", words=["teller"])(counter)
    first = await sqlite_teams.say("teller")
    assert first[-1].method == "POST"
    second = await sqlite_teams.say("teller")
    assert second[-1].method == "PUT" and second[-1].activity_id == first[-1].response_id
    assert "Stand 2" in str(second[-1].body)


def test_a_list_keeps_its_lines_in_a_card() -> None:
    """TextBlock markdown joins single line breaks: every line gets its own TextBlock."""
    help_text = "Dit kun je typen:\n• signaal – meld een signaal\n• help – deze uitleg"
    card = render_card(Reply(blocks=(Text(text="Uitleg", style="header"), Text(text=help_text))), T)
    assert_valid(card)
    container = find(card, "Container")[0]
    lines = [item["text"] for item in container["items"]]
    assert lines == help_text.split("\n")
    assert all("\n" not in item["text"] for item in find(card, "TextBlock"))
    assert [item.get("spacing") for item in container["items"]] == [None, "None", "None"]


def test_a_hint_stands_under_its_own_field() -> None:
    form = Form(
        form_id="signal.report",
        title="Meld een signaal",
        submit_label="Versturen",
        inputs=(
            Input(name="text", label="Wat zie je?", kind="multiline", hint="Een patroon."),
            Input(name="affected", label="Wie?", hint="Bijvoorbeeld: jongeren.", required=False),
        ),
    )
    card = render_card(Reply(blocks=(form,), errors={"text": "Vul dit veld in."}), T, form=form)
    assert_valid(card)
    order = [e.get("id") or e.get("text") for e in card["body"] if e["type"] != "ActionSet"]
    assert order == [
        "Meld een signaal",
        "text",
        "Vul dit veld in.",
        "Een patroon.",
        "affected",
        "Bijvoorbeeld: jongeren.",
    ]


def test_the_schema_check_finds_a_broken_card() -> None:
    card = render_card(Reply(blocks=(Text(text="a"),)), T)
    assert schema_errors(card) == []
    card["body"].append({"type": "TextBlock", "text": "x", "size": "Huge"})
    card["body"].append({"type": "Input.Text", "id": "x", "isMultiline": "ja"})
    problems = "\n".join(schema_errors(card))
    assert "body/1" in problems and "body/2" in problems
