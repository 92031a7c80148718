"""Replays an intake scenario on Slack: signed requests into the real aiohttp app, a fake Web API.

How each part of a :class:`~tests.e2e.scenario_intake.Step` becomes what a Slack user does:

- ``send``: parsed with the bot's own parser (:meth:`Signaalbot.parse_text`, the same one the
  console uses). ``signaal …`` and ``vraag …`` become the slash commands ``/signaal`` and
  ``/vraag``; every other command becomes ``/signaalbot <text>``; plain text that is no command
  becomes a direct message to the bot. With ``via="dm"`` every line is typed in the bot's DM
  instead (as on the console); a form then arrives as a message with an "open the form" button,
  which the runner presses to get the modal.
- ``click``: a ``block_actions`` on the button (or select option) with that action id and
  value, taken from the newest surface this person saw (a DM, an ephemeral ``response_url``
  message or a modal). The adapter suffixes action ids with ``#n``; we match on the neutral id.
- ``fills``: each form opens as a modal (``views.open``, or the ``response_action: update`` of
  the previous submit); the step's values are submitted as ``view_submission`` state under the
  input block ids. The names must be the modal's inputs in order (the console answers them in
  that order). An empty value takes the modal's initial value, as a person who leaves a
  prefilled input alone. Expected errors must come back as ``response_action: errors`` on
  exactly those blocks; then the fix is submitted on the same modal.
- ``expect``/``expect_not``: checked against every text Slack was asked to show during the step
  (``chat.postMessage``, ``response_url`` posts, ``views.open``/``update``/``push`` and the
  views in submit acks), with Slack's ``&amp;``-escaping undone.
- ``notified``: after the step, the real outbox dispatcher runs with the Slack messenger against
  the fake API; each person must find the texts in the DMs (``chat.postMessage``) it sent them.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any, Literal

from aiohttp.test_utils import TestClient, TestServer

from bot.adapters import slack_text
from bot.adapters.slack import SLACK_KEY, SlackAdapter
from bot.bootstrap import Runtime, bootstrap
from bot.web import build_web_app
from cycle.scheduler import CycleScheduler
from kernel.clock import ManualClock
from kernel.core import Command, Identity, Platform
from storage.db import upgrade
from tests.e2e.scenario_intake import Expect, Fill, Msg, Person, Step, follow_index
from tests.slack_support import (
    TEAM,
    Call,
    FakeSlack,
    SlackDriver,
    running,
    slack_settings,
    submission,
)
from turn.pipeline import Signaalbot

SLASH_COMMANDS = ("signaal", "vraag")  # the rest goes through /signaalbot


def slack_user(name: str) -> str:
    """The Slack user id (``U…``) a scenario person has in the test workspace."""
    return "U" + name.upper()


@dataclass
class Slack:
    bot: Signaalbot
    runtime: Runtime
    fake: FakeSlack
    client: TestClient[Any, Any]
    adapter: SlackAdapter


@asynccontextmanager
async def slack_stack(db_url: str, clock: ManualClock) -> AsyncIterator[Slack]:
    """The real bot and aiohttp app with Slack mounted, talking to a fake Slack on loopback."""
    upgrade(db_url)
    async with running(FakeSlack()) as fake:
        runtime = await bootstrap(slack_settings(db_url, fake.api_url), clock)
        bot = runtime.bot
        try:
            web_app = build_web_app(runtime)
            async with TestClient(TestServer(web_app, host="127.0.0.1")) as client:
                adapter = client.app[SLACK_KEY]
                # A submit that takes longer than the ack budget is answered with "one moment"
                # and a later views.update (tested in tests/integration/slack). Here the story
                # must not depend on how busy the machine is, so every submit answers in its ack.
                adapter.submissions.ack_budget = 60.0
                yield Slack(bot, runtime, fake, client, adapter)
                await adapter.drain()
        finally:
            await runtime.close()


async def setup_slack_people(bot: Signaalbot, people: dict[str, Person]) -> dict[str, Identity]:
    """Every person as a Slack user of workspace ``TEAM``, with roles, language and org type."""
    identities = {}
    now = bot.services.clock.now()
    async with bot.services.uow() as uow:
        for person in people.values():
            user_id = f"{TEAM}:{slack_user(person.name)}"
            await uow.people.create(
                platform=Platform.SLACK.value,
                user_id=user_id,
                now=now,
                display_name=person.name,
                tenant=TEAM,
                org_type=person.org_type,
                roles=frozenset(person.roles),
                locale=person.locale,
            )
            identities[person.name] = Identity(
                platform=Platform.SLACK, user_id=user_id, display_name=person.name, tenant=TEAM
            )
        await uow.commit()
    return identities


# --- reading what Slack was asked to show --------------------------------------------------


@dataclass
class Surface:
    """One thing a person sees: a message (DM or ephemeral) or a modal."""

    kind: str  # "message" | "modal"
    blocks: list[dict[str, Any]]
    channel: str = ""
    view: dict[str, Any] = field(default_factory=dict)


def _strings(node: object) -> Iterator[str]:
    """Every visible text in a Block Kit structure (``text`` values), not keys or ids."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "text" and isinstance(value, str):
                yield value
            elif key in ("errors",) and isinstance(value, dict):
                yield from (str(v) for v in value.values())
            elif key not in ("private_metadata", "action_id", "value", "block_id", "_url"):
                yield from _strings(value)
    elif isinstance(node, list):
        for item in node:
            yield from _strings(item)


def shown_text(node: object) -> str:
    """What a person reads, with Slack's escaping of ``&``, ``<`` and ``>`` undone."""
    return unescape("\n".join(_strings(node)))


def unescape(text: str) -> str:
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def _is_form(view: dict[str, Any]) -> bool:
    return str(view.get("callback_id", "")).startswith(slack_text.FORM_CALLBACK_PREFIX)


def _initial(block: dict[str, Any]) -> str:
    element = block["element"]
    if element["type"] == "static_select":
        return str((element.get("initial_option") or {}).get("value", ""))
    if element["type"] == "datepicker":
        return str(element.get("initial_date", ""))
    return str(element.get("initial_value", ""))


def form_values(view: dict[str, Any], fill_values: tuple[tuple[str, str], ...]) -> dict[str, str]:
    """The step's values under the modal's input block ids; empty means the modal's initial."""
    inputs = {b["block_id"]: b for b in view["blocks"] if b.get("type") == "input"}
    names = [name for name, _ in fill_values]
    assert names == list(inputs)[: len(names)], (
        f"the modal's inputs {list(inputs)} do not start with the scripted {names}"
    )
    values: dict[str, str] = {}
    for name, value in fill_values:
        block = inputs[name]
        chosen = value or _initial(block)
        if not chosen:
            continue  # left empty, as in Slack: the input sends no value
        element = block["element"]
        if element["type"] == "static_select":
            offered = [o["value"] for o in element["options"]]
            assert chosen in offered, f"{name}: {chosen!r} is not one of {offered}"
        values[name] = chosen
    # Inputs after the scripted ones keep what the modal offers (the console's Enter).
    for name, block in list(inputs.items())[len(names) :]:
        if initial := _initial(block):
            values[name] = initial
    return values


class SlackRunner:
    def __init__(
        self,
        slack: Slack,
        people: dict[str, Person],
        identities: dict[str, Identity],
        via: Literal["slash", "dm"] = "slash",
    ) -> None:
        self.slack = slack
        self.via = via
        self.bot = slack.bot
        self.fake = slack.fake
        self.people = people
        self.identities = identities
        self.drivers = {
            name: SlackDriver(slack.client, slack.fake, user=slack_user(name)) for name in people
        }
        self.seen: dict[str, list[Surface]] = {name: [] for name in people}
        # The real scheduler round (tick, sessions, summary, dispatcher) with the runtime's
        # messengers: proactive messages reach the fake Slack as DMs.
        self.scheduler = CycleScheduler(
            slack.bot.services,
            slack.runtime.messengers,
            worker_id="e2e",
            index_jobs=slack.runtime.index_jobs,
        )
        self.dispatched = 0
        self.not_delivered = 0

    def text(self, who: str, expect: Expect) -> str:
        if isinstance(expect, Msg):
            return expect.render(self.bot.services.translator(self.people[who].locale))
        return expect

    # --- one step --------------------------------------------------------------------------

    async def run(self, step: Step, number: int) -> str:
        who = step.who
        driver = self.drivers[who]
        if step.advance is not None:
            self.bot.services.clock.advance(step.advance)  # type: ignore[attr-defined]
        calls, responses = len(self.fake.calls), len(self.fake.responses)
        shown: list[str] = []
        if step.send is not None:
            await self._send(driver, step.send)
        elif step.click is not None:
            await self._click(who, step.click.action_id, step.click.value, number)
        await self.slack.adapter.drain()
        view = self._collect(who, calls, responses, shown)
        if step.fills and view is None:
            # A form in a DM cannot open by itself (no trigger id): the message offers a button
            # that opens it as a modal. A person presses it.
            calls, responses = len(self.fake.calls), len(self.fake.responses)
            await self._click(who, slack_text.OPEN_FORM_ACTION, None, number)
            await self.slack.adapter.drain()
            view = self._collect(who, calls, responses, shown)
        for fill in step.fills:
            assert view is not None, f"step {number}: no form opened for {fill}"
            calls, responses = len(self.fake.calls), len(self.fake.responses)
            view = await self._fill(driver, view, fill, number, shown)
            await self.slack.adapter.drain()
            view = self._collect(who, calls, responses, shown) or view
        output = "\n".join(shown)
        for expect in step.expect:
            assert self.text(who, expect) in output, f"step {number}: missing {expect!r}:\n{output}"
        for expect in step.expect_not:
            assert self.text(who, expect) not in output, f"step {number}: unwanted {expect!r}"
        await self._check_notices(step, number)
        return output

    async def _send(self, driver: SlackDriver, text: str) -> None:
        event = self.bot.parse_text(text)
        if self.via == "dm":
            status, body = await driver.dm(text)
        elif isinstance(event, Command):
            if event.name in SLASH_COMMANDS:
                status, body = await driver.slash(f"/{event.name}", event.text)
            else:
                status, body = await driver.slash("/signaalbot", text)
        else:
            status, body = await driver.dm(text)
        assert (status, body) == (200, ""), f"not acked at once: {status} {body}"

    def _find(self, who: str, action_id: str, value: str | None) -> tuple[Surface, dict[str, Any]]:
        """The newest element with this neutral action id and value (None: any value)."""
        for surface in reversed(self.seen[who]):
            for block in surface.blocks:
                elements = block.get("elements", []) if block.get("type") == "actions" else []
                if block.get("accessory"):
                    elements = [*elements, block["accessory"]]
                for element in elements:
                    if slack_text.neutral_action_id(element.get("action_id", "")) != action_id:
                        continue
                    if element.get("type") == "button" and value in (
                        None,
                        element.get("value", ""),
                    ):
                        return surface, {**element}
                    for option in element.get("options", []):
                        if option["value"] == value:
                            return surface, {**element, "selected_option": option}
        raise AssertionError(f"no {action_id}={value!r} offered to {who}")

    async def _click(self, who: str, action_id: str, value: str | None, number: int) -> None:
        surface, element = self._find(who, action_id, value)
        action: dict[str, Any] = {
            "action_id": element["action_id"],
            "block_id": "b",
            "type": element["type"],
            "action_ts": f"{number}.{uuid.uuid4().int % 10**6}",
        }
        if "selected_option" in element:
            action["selected_option"] = element["selected_option"]
        else:
            action["value"] = element.get("value", "")
        payload: dict[str, Any] = {
            "type": "block_actions",
            "team": {"id": TEAM, "domain": "gemeente"},
            "user": {"id": slack_user(who), "username": who, "team_id": TEAM},
            "api_app_id": "A1",
            "trigger_id": f"trig-{uuid.uuid4().hex[:10]}",
            "actions": [action],
        }
        if surface.kind == "modal":
            payload["container"] = {"type": "view", "view_id": "V-open"}
            payload["view"] = {**surface.view, "id": "V-open", "hash": uuid.uuid4().hex[:6]}
        else:
            payload["container"] = {"type": "message", "is_ephemeral": surface.channel[:1] != "D"}
            payload["channel"] = {"id": surface.channel}
            payload["response_url"] = self.fake.respond_url()
        status, body = await self.drivers[who].interact(payload)
        assert (status, body) == (200, ""), f"step {number}: click not acked: {status} {body}"

    async def _fill(
        self, driver: SlackDriver, view: dict[str, Any], fill: Fill, number: int, shown: list[str]
    ) -> dict[str, Any] | None:
        values = form_values(view, fill.values)
        answer = await self._submit(driver, view, values)
        if fill.errors:
            assert answer.get("response_action") == "errors", f"step {number}: taken: {answer}"
            assert set(answer["errors"]) == set(fill.errors), f"step {number}: {answer['errors']}"
            shown.append(shown_text(answer))
            answer = await self._submit(driver, view, {**values, **dict(fill.fix)})
        assert answer.get("response_action") in ("update", "clear"), f"step {number}: {answer}"
        shown.append(shown_text(answer))
        after = answer.get("view")
        if after is None:
            return None
        self.seen[self._who(driver)].append(Surface("modal", after.get("blocks", []), view=after))
        return after if _is_form(after) else None

    @staticmethod
    async def _submit(
        driver: SlackDriver, view: dict[str, Any], values: dict[str, str]
    ) -> dict[str, Any]:
        """A ``view_submission`` as Slack sends it: every input in the state, empty ones null."""
        payload = submission(view, values, user=driver.user, team=driver.team)
        state = payload["view"]["state"]["values"]
        for block in view["blocks"]:
            if block.get("type") != "input" or block["block_id"] in state:
                continue
            kind = block["element"]["type"]
            empty = {
                "static_select": {"selected_option": None},
                "datepicker": {"selected_date": None},
            }.get(kind, {"value": None})
            state[block["block_id"]] = {slack_text.INPUT_ACTION: {"type": kind, **empty}}
        status, text = await driver.interact(payload)
        assert status == 200, text
        answer: dict[str, Any] = json.loads(text) if text else {}
        return answer

    def _who(self, driver: SlackDriver) -> str:
        return next(name for name, d in self.drivers.items() if d is driver)

    def _collect(
        self, who: str, calls: int, responses: int, shown: list[str]
    ) -> dict[str, Any] | None:
        """Record what Slack was asked to show since the marks; the newest form modal, if any."""
        form: dict[str, Any] | None = None
        for call in self.fake.calls[calls:]:
            if call.method in ("chat.postMessage", "chat.update"):
                blocks = call.params.get("blocks") or []
                channel = str(call.params.get("channel", ""))
                assert channel == "D" + slack_user(who), f"{who}'s reply went to {channel}"
                self.seen[who].append(Surface("message", blocks, channel=channel))
                shown.append(shown_text(blocks))
            elif call.method in ("views.open", "views.push", "views.update"):
                view = call.params["view"]
                self.seen[who].append(Surface("modal", view.get("blocks", []), view=view))
                shown.append(shown_text(view))
                form = view if _is_form(view) else None
        for response in self.fake.responses[responses:]:
            blocks = response.get("blocks") or []
            self.seen[who].append(Surface("message", blocks, channel="C0001"))
            shown.append(shown_text(blocks))
        return form

    # --- proactive messages ----------------------------------------------------------------

    async def _check_notices(self, step: Step, number: int) -> None:
        """One real scheduler round; read the DMs the Slack messenger sent (they can be clicked)."""
        start = len(self.fake.calls)
        assert self.scheduler.index_jobs is not None
        await follow_index(self.scheduler.index_jobs)
        round_ = await self.scheduler.run_round()
        assert round_.dispatch is not None, f"step {number}: the dispatcher did not run"
        result = round_.dispatch
        self.dispatched += result.sent
        self.not_delivered += result.failed + result.unreachable + result.retried + result.deferred
        posted: dict[str, list[Call]] = {}
        for call in self.fake.calls[start:]:
            if call.method != "chat.postMessage":
                continue
            channel = str(call.params["channel"])
            posted.setdefault(channel, []).append(call)
            for name in self.people:
                if channel == "D" + slack_user(name):
                    blocks = call.params.get("blocks") or []
                    self.seen[name].append(Surface("message", blocks, channel=channel))
        assert sum(len(v) for v in posted.values()) == result.sent
        for who, expects in step.notified.items():
            dms = posted.get("D" + slack_user(who), [])
            text = "\n".join(
                shown_text(c.params.get("blocks")) + "\n" + unescape(str(c.params.get("text", "")))
                for c in dms
            )
            for expect in expects:
                assert self.text(who, expect) in text, (
                    f"step {number}: {who} not told {expect!r}:\n{text}"
                )
