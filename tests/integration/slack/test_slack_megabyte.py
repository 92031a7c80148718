"""Slack text of a megabyte costs a length check: "too long" for a DM or ``/signaalbot``, a
prefilled form for ``/signaal`` (issue 14, must-have 4). Real HTTP, signed as Slack signs.

Why: turning Slack markup into text is linear, but on a megabyte of ``<a|`` it still holds the
event loop for about 0.1 s, for a text that is refused (or cut to 2000 characters) anyway.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from aiohttp.test_utils import TestClient

from bot.adapters import slack_text
from bot.adapters.slack import SlackAdapter
from handlers.signal_form import TEXT_MAX_LENGTH
from kernel.i18n import Catalogue
from tests.slack_support import FakeSlack, SlackDriver
from turn.router import MAX_MARKED_UP_CHARS, MAX_TYPED_CHARS

T = Catalogue.load().translator("nl")
MB = 1_000_000


@pytest.fixture
def converted(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The lengths of the texts that went through ``from_slack``."""
    lengths: list[int] = []
    convert = slack_text.from_slack

    def counting(text: str) -> str:
        lengths.append(len(text))
        return convert(text)

    monkeypatch.setattr(slack_text, "from_slack", counting)
    return lengths


async def test_a_megabyte_direct_message_is_too_long_unconverted(
    slack_client: TestClient[Any, Any],
    fake_slack: FakeSlack,
    adapter: SlackAdapter,
    converted: list[int],
) -> None:
    text = "<a|" * (MB // 3)
    status, _ = await SlackDriver(slack_client, fake_slack, user="UANNA").dm(text)
    await adapter.drain()
    assert status == 200
    posted = json.dumps(fake_slack.called("chat.postMessage")[-1].params, ensure_ascii=False)
    too_long = T("core.message_too_long", max=MAX_TYPED_CHARS, length=len(text))
    assert too_long.split(",")[0] in posted and f"{len(text)}" in posted
    assert all(n <= MAX_MARKED_UP_CHARS for n in converted)


async def test_a_megabyte_signaalbot_command_is_too_long(
    slack_client: TestClient[Any, Any],
    fake_slack: FakeSlack,
    adapter: SlackAdapter,
    converted: list[int],
) -> None:
    text = "a" * (MB - 2000)
    status, _ = await SlackDriver(slack_client, fake_slack, user="UANNA").slash("/signaalbot", text)
    await adapter.drain()
    assert status == 200
    answer = json.dumps(fake_slack.responses[-1], ensure_ascii=False)
    assert T("core.message_too_long", max=MAX_TYPED_CHARS, length=len(text)) in answer
    assert converted == []


async def test_a_megabyte_signaal_command_prefills_the_form_from_its_start(
    slack_client: TestClient[Any, Any],
    fake_slack: FakeSlack,
    adapter: SlackAdapter,
    converted: list[int],
) -> None:
    text = "Het speelveld aan de Dorpsstraat is kapot. " * (MB // 44)
    status, _ = await SlackDriver(slack_client, fake_slack, user="UANNA").slash("/signaal", text)
    await adapter.drain()
    assert status == 200
    modal = json.dumps(fake_slack.modal(), ensure_ascii=False)
    assert "Het speelveld aan de Dorpsstraat is kapot." in modal
    assert len(modal) < 10 * TEXT_MAX_LENGTH + 20_000, "the prefill is cut, not a megabyte"
    assert converted == [MAX_MARKED_UP_CHARS]
