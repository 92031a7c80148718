"""A command that opens a form opens its modal first, before any database work of the turn.

Why: Slack's trigger id lives 3 s. With 200 people at once the turn's database work before
``views.open`` used it up (p99 3.3 s); "one moment" opens at once and the form follows into
the same modal by ``views.update``, which has no time limit.
"""

from __future__ import annotations

from typing import Any

from aiohttp.test_utils import TestClient

from bot.adapters.slack import SlackAdapter
from tests.slack_support import FakeSlack, SlackDriver


def _inputs(view: dict[str, Any]) -> list[str]:
    return [b["block_id"] for b in view.get("blocks", []) if b.get("type") == "input"]


async def test_the_modal_opens_first_and_the_form_follows_into_it(
    slack_client: TestClient[Any, Any], fake_slack: FakeSlack, adapter: SlackAdapter
) -> None:
    anna = SlackDriver(slack_client, fake_slack, user="UANNA")
    assert await anna.slash("/signaal") == (200, "")
    await adapter.drain()
    methods = [c.method for c in fake_slack.calls if c.method.startswith("views.")]
    assert methods == ["views.open", "views.update"]
    opened = fake_slack.called("views.open")[-1]
    assert _inputs(opened.params["view"]) == [], "the modal opens with 'one moment'"
    update = fake_slack.called("views.update")[-1]
    assert update.params["view_id"] == opened.view_id
    assert _inputs(fake_slack.modal())[:2] == ["text", "theme"]


async def test_the_question_form_and_the_shortcut_open_first_too(
    slack_client: TestClient[Any, Any], fake_slack: FakeSlack, adapter: SlackAdapter
) -> None:
    anna = SlackDriver(slack_client, fake_slack, user="UANNA")
    assert (await anna.slash("/vraag"))[0] == 200
    await adapter.drain()
    assert _inputs(fake_slack.called("views.open")[-1].params["view"]) == []
    assert _inputs(fake_slack.modal()), "the question form is in the modal"
