"""The basic intake flow on Slack, against the real aiohttp app and a fake Slack Web API."""

from __future__ import annotations

import json
from typing import Any

from aiohttp.test_utils import TestClient

from bot.adapters.slack import SlackAdapter
from tests.slack_support import TEAM, FakeSlack, SlackDriver

GOOD_TEXT = "Steeds meer jongeren in Woensel wachten langer dan acht weken op jeugdhulp."


async def open_signal_form(
    driver: SlackDriver, adapter: SlackAdapter, text: str = ""
) -> dict[str, Any]:
    status, body = await driver.slash("/signaal", text)
    assert (status, body) == (200, "")  # acked at once, empty
    await adapter.drain()
    opened = driver.fake.called("views.open")
    assert opened, "the form did not open as a modal"
    view: dict[str, Any] = driver.fake.modal()
    driver.open_view = view
    return view


# The other required answers of the full signal form.
REST = {"area": "centrum", "since": "lt3m", "org_type": "municipality"}


async def test_signal_form_submit_confirmation_and_my_signals(
    slack_client: TestClient[Any, Any], fake_slack: FakeSlack, adapter: SlackAdapter
) -> None:
    anna = SlackDriver(slack_client, fake_slack, user="UANNA")
    view = await open_signal_form(anna, adapter)
    assert view["type"] == "modal"
    assert view["title"]["text"] == "Meld een signaal"
    assert [b["block_id"] for b in view["blocks"] if b["type"] == "input"][:2] == ["text", "theme"]
    assert fake_slack.called("views.open")[-1].params["trigger_id"].startswith("trig-")

    theme = view["blocks"][1]["element"]["options"][0]["value"]
    answer = await anna.submit({"text": GOOD_TEXT, "theme": theme, **REST})
    assert answer["response_action"] == "update"
    shown = json.dumps(answer["view"], ensure_ascii=False)
    assert "S-2026-0001" in shown

    await adapter.drain()
    dm = fake_slack.called("chat.postMessage")[-1].params
    assert dm["channel"] == "DUANNA"
    assert "S-2026-0001" in dm["text"]

    status, _ = await anna.slash("/signaalbot", "mijn signalen")
    assert status == 200
    await adapter.drain()
    mine = fake_slack.responses[-1]
    assert mine["response_type"] == "ephemeral"
    assert "S-2026-0001" in json.dumps(mine, ensure_ascii=False)


async def test_submit_with_errors_answers_response_action_errors(
    slack_client: TestClient[Any, Any], fake_slack: FakeSlack, adapter: SlackAdapter
) -> None:
    anna = SlackDriver(slack_client, fake_slack, user="UANNA")
    await open_signal_form(anna, adapter)
    answer = await anna.submit({"text": "te kort"})
    assert answer["response_action"] == "errors"
    assert set(answer["errors"]) == {"text", "theme", "area", "since", "org_type"}
    assert "20" in answer["errors"]["text"]
    await adapter.drain()
    assert not fake_slack.called("chat.postMessage")  # nothing saved, nothing posted


async def test_message_shortcut_prefills_text_from_the_message(
    slack_client: TestClient[Any, Any], fake_slack: FakeSlack, adapter: SlackAdapter
) -> None:
    anna = SlackDriver(slack_client, fake_slack, user="UANNA")
    status, _ = await anna.interact(
        {
            "type": "message_action",
            "callback_id": "signaal_uit_bericht",
            "trigger_id": "trig-shortcut",
            "team": {"id": TEAM},
            "user": {"id": "UANNA", "username": "anna", "team_id": TEAM},
            "channel": {"id": "C0001"},
            "message": {
                "text": "Wachtlijst &amp; <@U999> zegt: het duurt &gt; 8 weken",
                "ts": "1.2",
            },
            "response_url": fake_slack.respond_url(),
        }
    )
    assert status == 200
    await adapter.drain()
    view = fake_slack.modal()
    element = view["blocks"][0]["element"]
    assert element["initial_value"] == "Wachtlijst & @U999 zegt: het duurt > 8 weken"


async def test_direct_message_is_parsed_and_answered_in_the_dm(
    slack_client: TestClient[Any, Any], fake_slack: FakeSlack, adapter: SlackAdapter
) -> None:
    anna = SlackDriver(slack_client, fake_slack, user="UANNA")
    status, _ = await anna.dm("help")
    assert status == 200
    await adapter.drain()
    posted = fake_slack.called("chat.postMessage")
    assert len(posted) == 1
    assert posted[0].params["channel"] == "DUANNA"
    assert "signaalbot" in posted[0].params["text"].lower()


async def test_form_asked_for_in_a_dm_opens_from_a_button(
    slack_client: TestClient[Any, Any], fake_slack: FakeSlack, adapter: SlackAdapter
) -> None:
    anna = SlackDriver(slack_client, fake_slack, user="UANNA")
    await anna.dm("signaal")
    await adapter.drain()
    message = fake_slack.called("chat.postMessage")[-1].params
    button = next(e for b in message["blocks"] if b["type"] == "actions" for e in b["elements"])
    assert button["action_id"].startswith("slack.open_form#")
    await anna.interact(
        {
            "type": "block_actions",
            "team": {"id": TEAM},
            "user": {"id": "UANNA", "username": "anna", "team_id": TEAM},
            "trigger_id": "trig-button",
            "channel": {"id": "DUANNA"},
            "container": {"type": "message"},
            "actions": [
                {
                    "action_id": button["action_id"],
                    "value": button["value"],
                    "type": "button",
                    "action_ts": "1.1",
                }
            ],
        }
    )
    await adapter.drain()
    opened = fake_slack.called("views.open")
    assert opened and opened[-1].params["trigger_id"] == "trig-button"


async def test_retried_event_does_nothing_twice(
    slack_client: TestClient[Any, Any], fake_slack: FakeSlack, adapter: SlackAdapter
) -> None:
    anna = SlackDriver(slack_client, fake_slack, user="UANNA")
    assert (await anna.dm("help", event_id="Ev-same"))[0] == 200
    await adapter.drain()
    retry = await anna.dm(
        "help",
        event_id="Ev-same",
        **{"X-Slack-Retry-Num": "1", "X-Slack-Retry-Reason": "http_timeout"},
    )
    assert retry[0] == 200
    await adapter.drain()
    assert len(fake_slack.called("chat.postMessage")) == 1
    async with adapter.bot.services.uow() as uow:
        seen, _answer = await uow.processed.answer("slack:event:Ev-same")
    assert seen


async def test_retried_view_submission_saves_one_signal(
    slack_client: TestClient[Any, Any], fake_slack: FakeSlack, adapter: SlackAdapter
) -> None:
    from tests.slack_support import submission

    anna = SlackDriver(slack_client, fake_slack, user="UANNA")
    view = await open_signal_form(anna, adapter)
    theme = view["blocks"][1]["element"]["options"][0]["value"]
    payload = submission(view, {"text": GOOD_TEXT, "theme": theme, **REST}, user="UANNA")
    first = await anna.interact(payload)
    second = await anna.interact(payload)
    assert first[0] == second[0] == 200
    await adapter.drain()
    async with adapter.bot.services.uow() as uow:
        from storage.repositories.signals import SignalFilter

        signals = await uow.signals.find(SignalFilter(include_merged=True), limit=10)
    assert len(signals) == 1
