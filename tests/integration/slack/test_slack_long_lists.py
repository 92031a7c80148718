"""More than 100 themes: Slack's type-ahead (external_select + options endpoint) shows them all.

Slack caps a select at 100 options; before, the 101st theme silently disappeared. The options
request is signed and posted to the real /slack/events like every other Slack request.
"""

from __future__ import annotations

import json
from typing import Any

from aiohttp.test_utils import TestClient
from slack_sdk.models.blocks import Option
from slack_sdk.models.views import View

from bot.adapters.slack import SlackAdapter
from kernel.domain_config import Theme
from tests.integration.slack.test_slack_flow import GOOD_TEXT, REST, open_signal_form
from tests.slack_support import FakeSlack, SlackDriver, suggestion
from turn.pipeline import Signaalbot


async def add_subdomains(bot: Signaalbot, count: int) -> None:
    async with bot.services.uow() as uow:
        for n in range(count):
            await uow.themes.upsert(
                Theme(
                    key=f"extra-{n:03d}",
                    kind="subdomain",
                    name_nl=f"Wijkthema {n:03d}",
                    name_en=f"Area topic {n:03d}",
                    position=100 + n,
                )
            )
        await uow.commit()


def element(view: dict[str, Any], block_id: str) -> dict[str, Any]:
    block = next(b for b in view["blocks"] if b.get("block_id") == block_id)
    found: dict[str, Any] = block["element"]
    return found


async def test_a_list_over_100_becomes_type_ahead_and_every_option_can_be_chosen(
    slack_bot: Signaalbot,
    slack_client: TestClient[Any, Any],
    fake_slack: FakeSlack,
    adapter: SlackAdapter,
) -> None:
    await add_subdomains(slack_bot, 120)
    anna = SlackDriver(slack_client, fake_slack, user="UANNA")
    view = await open_signal_form(anna, adapter)
    View(**view).validate_json()  # slack_sdk's own checks of the modal and its elements

    assert element(view, "theme")["type"] == "static_select"  # a short list stays a list
    subdomain = element(view, "subdomain")
    assert subdomain["type"] == "external_select"
    assert "options" not in subdomain

    status, body = await anna.interact(suggestion(view, "subdomain", "", user="UANNA"))
    assert status == 200, body
    everything = json.loads(body)["options"]
    assert len(everything) == 100  # Slack's cap per answer; typing narrows it down
    for option in Option.parse_all(everything):
        assert option is not None
        option.validate_json()

    status, body = await anna.interact(suggestion(view, "subdomain", "wijkthema 11", user="UANNA"))
    narrowed = json.loads(body)["options"]
    assert [o["value"] for o in narrowed] == [f"extra-{n:03d}" for n in range(110, 120)]
    assert narrowed[0]["text"]["text"] == "Wijkthema 110"

    status, body = await anna.interact(suggestion(view, "subdomain", "119", user="UANNA"))
    assert [o["value"] for o in json.loads(body)["options"]] == ["extra-119"]

    theme = element(view, "theme")["options"][0]["value"]
    answer = await anna.submit(
        {"text": GOOD_TEXT, "theme": theme, "subdomain": "extra-119", **REST}
    )
    assert answer["response_action"] == "update"
    async with slack_bot.services.uow() as uow:
        signal = await uow.signals.get_by_ref("S-2026-0001")
    assert signal is not None and signal.subdomain_key == "extra-119"


async def test_the_options_endpoint_answers_nothing_for_a_form_it_does_not_know(
    slack_client: TestClient[Any, Any], fake_slack: FakeSlack
) -> None:
    stranger = SlackDriver(slack_client, fake_slack, user="USTRANGER")
    view = {"type": "modal", "private_metadata": json.dumps({"f": "signal.report"}), "blocks": []}
    status, body = await stranger.interact(suggestion(view, "subdomain", "a", user="USTRANGER"))
    assert status == 200
    assert json.loads(body) == {"options": []}
