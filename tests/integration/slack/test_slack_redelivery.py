"""A modal submitted again after its answer got lost stores nothing twice.

When our answer to a ``view_submission`` does not come (the process died after the commit),
Slack tells the person it had trouble connecting and they press Submit again: the same view
(same id, same hash, same values) with a new trigger id. That is one delivery, answered twice.
"""

from __future__ import annotations

import json
from typing import Any

from aiohttp.test_utils import TestClient

from bot.adapters.slack import SlackAdapter
from tests.integration.slack.test_slack_flow import GOOD_TEXT, REST, open_signal_form
from tests.slack_support import FakeSlack, SlackDriver, submission
from turn.pipeline import Signaalbot


async def test_the_same_modal_submitted_again_is_one_signal_with_the_same_answer(
    slack_client: TestClient[Any, Any],
    fake_slack: FakeSlack,
    adapter: SlackAdapter,
    slack_bot: Signaalbot,
) -> None:
    anna = SlackDriver(slack_client, fake_slack, user="UANNA")
    view = await open_signal_form(anna, adapter)
    theme = view["blocks"][1]["element"]["options"][0]["value"]
    payload = submission(view, {"text": GOOD_TEXT, "theme": theme, **REST}, user="UANNA")
    answers = []
    for trigger in ("trig-first", "trig-again"):  # Slack gives every submit a new trigger id
        payload["trigger_id"] = trigger
        status, text = await anna.interact(payload)
        assert status == 200
        answers.append(json.loads(text))
    assert "S-2026-0001" in json.dumps(answers[0], ensure_ascii=False)
    assert answers[1] == answers[0]
    async with slack_bot.services.uow() as uow:
        assert await uow.signals.count() == 1
