"""The people of ``benchmarks/intake_crash.py``: each reports one signal the way their platform
lets them, against a ``signaalbot serve`` that may be killed under them.

What the platform (or the person) does when an answer does not come:

- Teams: every activity that got no 2xx is delivered again with the same activity id, until it
  gets one (Teams retries a failed delivery; here without giving up).
- Slack: Slack never retries an interaction. A person whose modal submit got no answer sees
  Slack's "trouble connecting" in the modal and presses Submit again: the same view (same view
  id, same hash, same values) with a new trigger id. A person whose modal said "one moment" and
  was never updated (the process died) waits a while for the bot's direct message (the durable
  follow-up, turn/follow_up.py: the confirmation, or the similar signals to choose from, which
  they then answer in the DM); when none comes, they close the modal and report again in a new
  one. A click on "nee, dit is nieuw" is acked at once; if no answer follows, the person waits
  the same while for the direct message, then clicks again.

Each person's text is unique, so stored signals can be counted per person afterwards.
"""

from __future__ import annotations

import asyncio
import json
import time
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from functools import partial
from typing import Any

import aiohttp
from typing_extensions import override

from tests.integration.teams.driver import TeamsChat, last_form
from tests.integration.teams.fake_connector import FakeConnector, activity_text, cards_of, find
from tests.slack_support import TEAM, FakeSlack, interactive_body, sign, slash_body, submission
from tests.unit.handlers.util import signal_values

TEXT = "Steeds meer ouderen wachten lang op een traplift via de Wmo in wijk {i}, soms maanden."
NEW_BUTTON = "signal.match.new"
TRIES = 5  # how often a person tries again after "het lukt nu even niet"


@dataclass
class Gate:
    """What the people know of the server: whether it takes requests, and how often it died."""

    up: asyncio.Event = field(default_factory=asyncio.Event)
    generation: int = 0
    killed_at: float = 0.0
    sent: int = 0  # first deliveries of the burst sent so far


@dataclass
class Outcome:
    """What happened to one person."""

    index: int
    confirmations: int = 0
    redeliveries: int = 0
    re_reported: int = 0
    tried_again: int = 0  # answered "try again in a minute" (the database was busy)
    unexpected: list[str] = field(default_factory=list)
    answered_before_kill: bool = False
    followed_up: int = 0  # answers that came as the bot's DM after the process died
    re_reported_stored: int = 0  # reported again although the first report was stored
    dm_confirmations: int = 0  # direct messages with the confirmation


class QuietConnector(FakeConnector):
    """The fake Bot Connector without the card schema check (it costs CPU the server needs)."""

    @override
    def check_cards(self, body: Any) -> None:
        return None


async def until_2xx(
    gate: Gate, outcome: Outcome, send: Callable[[], Awaitable[tuple[int, str]]]
) -> tuple[int, str]:
    """Deliver until the server answers 2xx; a failure waits for the restarted server."""
    while True:
        await gate.up.wait()
        try:
            status, text = await send()
        except (aiohttp.ClientError, TimeoutError):
            status, text = 0, ""
        if 200 <= status < 300:
            return status, text
        outcome.redeliveries += 1
        await asyncio.sleep(0.2)


# --- Teams ---------------------------------------------------------------------------------


@dataclass
class TeamsPerson:
    index: int
    session: aiohttp.ClientSession
    connector: FakeConnector
    saved: str  # the start of the confirmation text
    retry: str  # "het lukt nu even niet": the person tries again a moment later
    chat: TeamsChat = field(init=False)
    card_id: str = ""
    form_data: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        i = self.index
        self.chat = TeamsChat(
            client=self.session,  # type: ignore[arg-type]
            connector=self.connector,
            user_id=f"29:p{i}",
            aad=f"aad-p{i}",
            name=f"P{i}",
            conversation_id=f"a:personal-p{i}",
        )

    async def prepare(self) -> None:
        """Before the burst: 'signaal' brings the form card."""
        calls = await self.chat.say("signaal")
        call, self.form_data = last_form(calls)
        self.card_id = call.response_id or ""

    def _calls(self) -> list[Any]:
        conversation = self.chat.conversation_id
        return [c for c in self.connector.calls if c.conversation_id == conversation]

    async def _post(self, activity: dict[str, Any]) -> tuple[int, str]:
        async with self.session.post("/api/messages", json=activity) as response:
            return response.status, await response.text()

    async def run(self, gate: Gate) -> Outcome:
        outcome = Outcome(self.index)
        values = signal_values(TEXT.format(i=self.index))
        for attempt in range(TRIES):
            seen = len(self._calls())
            submit = self.chat.activity(value={**self.form_data, **values}, replyToId=self.card_id)
            gate.sent += attempt == 0
            await until_2xx(gate, outcome, partial(self._post, submit))
            if not self._told_to_retry(seen):
                break
            outcome.tried_again += 1  # "het lukt nu even niet": the card is sent again
            await asyncio.sleep(1.0)
        for _ in range(TRIES):
            button = self._new_button()
            if button is None:
                break
            seen = len(self._calls())
            click = self.chat.activity(value=button[1], replyToId=button[0])
            await until_2xx(gate, outcome, partial(self._post, click))
            if not self._told_to_retry(seen):
                break
            outcome.tried_again += 1
            await asyncio.sleep(1.0)
        texts = [activity_text(c.body) for c in self._calls() if c.body]
        outcome.confirmations = sum(self.saved in t for t in texts)
        if not outcome.confirmations:
            outcome.unexpected.append(texts[-1][:120] if texts else "(nothing)")
        return outcome

    def _told_to_retry(self, seen: int) -> bool:
        return any(self.retry in activity_text(c.body) for c in self._calls()[seen:] if c.body)

    def _new_button(self) -> tuple[str, dict[str, Any]] | None:
        for call in reversed(self._calls()):
            for card in cards_of(call.body):
                for action in find(card, "Action.Submit"):
                    data = action.get("data") or {}
                    if data.get("action_id") == NEW_BUTTON:
                        return str(call.response_id or call.activity_id), dict(data)
        return None


# --- Slack ---------------------------------------------------------------------------------


@dataclass
class SlackPerson:
    index: int
    session: aiohttp.ClientSession
    fake: FakeSlack
    saved: str
    working: str  # "one moment"
    final: tuple[str, ...]  # texts that answer the click: the confirmation, or a refusal
    retry: str
    follow_up_wait: float = 0.0  # how long the person waits for the bot's DM after a crash
    stored: Callable[[str], Awaitable[int]] | None = None  # signals stored with this text
    view: dict[str, Any] = field(default_factory=dict)
    view_ids: list[str] = field(default_factory=list)
    answers: list[str] = field(default_factory=list)  # what the submit acks showed

    @property
    def user(self) -> str:
        return f"UP{self.index:03d}"

    async def _post(self, body: str) -> tuple[int, str]:
        headers = {"Content-Type": "application/x-www-form-urlencoded", **sign(body)}
        async with self.session.post("/slack/events", data=body.encode(), headers=headers) as r:
            return r.status, await r.text()

    async def open_form(self, gate: Gate, outcome: Outcome) -> None:
        """``/signaal``: the modal opens (views.open at the fake, found by its trigger id) and
        the form follows into it (views.update of that view)."""
        trigger = f"trig-{uuid.uuid4().hex[:12]}"
        body = slash_body(
            "/signaal", "", user=self.user, trigger_id=trigger, response_url=self.fake.respond_url()
        )
        while True:
            generation = gate.generation
            await until_2xx(gate, outcome, partial(self._post, body))
            for _ in range(600):
                # The modal opens as "one moment" and the form follows into it by views.update.
                opened = [
                    c.view_id
                    for c in self.fake.called("views.open")
                    if c.params.get("trigger_id") == trigger
                ]
                for call in self.fake.called("views.update") if opened else ():
                    if call.params.get("view_id") == opened[0]:
                        self.view = call.params["view"]
                        self.view_ids.append(f"V-{self.index}-{len(self.view_ids)}")
                        return
                if gate.generation != generation:
                    break  # acked, then the process died before the modal opened: try again
                await asyncio.sleep(0.05)
            trigger = f"trig-{uuid.uuid4().hex[:12]}"
            body = slash_body(
                "/signaal", "", user=self.user, trigger_id=trigger,
                response_url=self.fake.respond_url(),
            )  # fmt: skip

    async def prepare(self) -> None:
        await self.open_form(Gate(up=_set_event()), Outcome(self.index))

    async def run(self, gate: Gate) -> Outcome:
        outcome = Outcome(self.index)
        first = True
        for _ in range(TRIES):
            answer = await self._submit(gate, outcome, first)
            first = False
            if answer is not None and self.retry not in json.dumps(answer, ensure_ascii=False):
                break
            if answer is None:
                outcome.re_reported += 1  # "one moment" never ended: report again, new modal
                if self.stored is not None and await self.stored(TEXT.format(i=self.index)):
                    outcome.re_reported_stored += 1  # ... although it was stored: a duplicate
            else:
                outcome.tried_again += 1  # "het lukt nu even niet": report again
                await asyncio.sleep(1.0)
            await self.open_form(gate, outcome)
        button = _new_button(answer or {})
        if button is not None and answer is not None:
            await self._click_new(gate, outcome, answer, button)
        outcome.confirmations = sum(self.saved in s for s in self._surfaces())
        outcome.dm_confirmations = sum(
            self.saved in json.dumps(c.params, ensure_ascii=False)
            for c in self.fake.calls
            if c.method == "chat.postMessage" and c.params.get("channel") == f"D{self.user}"
        )
        if not outcome.confirmations:
            shown = self._surfaces()
            outcome.unexpected.append(shown[-1][:120] if shown else "(nothing)")
        return outcome

    async def _submit(self, gate: Gate, outcome: Outcome, first: bool) -> dict[str, Any] | None:
        """Submit the open modal (again after a failure); the view shown afterwards, or None
        when "one moment" was never followed by an update."""
        view_id = self.view_ids[-1]
        payload = submission(
            self.view, signal_values(TEXT.format(i=self.index)), user=self.user, view_id=view_id
        )
        payload["view"]["hash"] = f"h-{view_id}"  # a view's hash changes only when it is updated

        async def send() -> tuple[int, str]:
            payload["trigger_id"] = f"trig-{uuid.uuid4().hex[:12]}"  # new for every submit
            return await self._post(interactive_body(payload))

        generation = gate.generation
        seen = len(self.fake.calls)
        if first:
            gate.sent += 1
        _, text = await until_2xx(gate, outcome, send)
        if first:
            outcome.answered_before_kill = outcome.redeliveries == 0
        self.answers.append(text)
        answer: dict[str, Any] = json.loads(text) if text else {}
        if self.working not in text:
            return answer
        generation = gate.generation  # the process that said "one moment"
        while True:
            for call in self.fake.calls[seen:]:
                if call.method == "views.update" and call.params.get("view_id") == view_id:
                    return {"response_action": "update", "view": call.params["view"]}
            if gate.generation != generation and time.monotonic() > gate.killed_at + 1.0:
                dm = await self._follow_up(gate, seen, (self.saved, NEW_BUTTON))
                if dm is not None:
                    outcome.followed_up += 1
                return dm
            await asyncio.sleep(0.05)

    async def _follow_up(
        self, gate: Gate, seen: int, wanted: tuple[str, ...]
    ) -> dict[str, Any] | None:
        """After the process died: wait for the restart, then up to ``follow_up_wait`` s for the
        bot's DM with one of ``wanted``; as an answer (``{"dm": …}``), or None."""
        await gate.up.wait()
        deadline = time.monotonic() + self.follow_up_wait
        while time.monotonic() < deadline:
            for call in self.fake.calls[seen:]:
                if call.method != "chat.postMessage" or not self._mine(call):
                    continue
                shown = json.dumps(call.params, ensure_ascii=False)
                if any(w in shown for w in wanted):
                    return {"dm": call.params}
            await asyncio.sleep(0.1)
        return None

    async def _click_new(
        self, gate: Gate, outcome: Outcome, answer: dict[str, Any], button: dict[str, Any]
    ) -> None:
        """Press "nee, dit is nieuw" (in the modal, or in the DM the follow-up brought) until
        an answer arrives; after a crash first wait for the bot's DM."""
        view_id = self.view_ids[-1]
        action = {
            "action_id": button["action_id"], "block_id": "b", "type": "button",
            "value": button.get("value", ""),
        }  # fmt: skip
        where: dict[str, Any]
        if "dm" in answer:
            # A button in the DM; without a response_url the answer is posted into the DM.
            where = {
                "container": {"type": "message", "channel_id": f"D{self.user}"},
                "channel": {"id": f"D{self.user}"},
                "message": {"ts": "1", "blocks": answer["dm"].get("blocks", [])},
            }
        else:
            where = {
                "container": {"type": "view", "view_id": view_id},
                "view": {**answer["view"], "id": view_id, "hash": f"h2-{view_id}"},
            }
        while True:
            seen = len(self.fake.calls)
            payload = {
                "type": "block_actions",
                "team": {"id": TEAM, "domain": "gemeente"},
                "user": {"id": self.user, "username": self.user.lower(), "team_id": TEAM},
                "api_app_id": "A1",
                "trigger_id": f"trig-{uuid.uuid4().hex[:12]}",
                **where,
                "actions": [{**action, "action_ts": f"{time.time():.6f}"}],
            }
            generation = gate.generation
            await until_2xx(gate, outcome, partial(self._post, interactive_body(payload)))
            while True:
                answers = [c for c in self.fake.calls[seen:] if self._answers_click(c)]
                if answers and self.retry in json.dumps(answers[0].params, ensure_ascii=False):
                    outcome.tried_again += 1
                    await asyncio.sleep(1.0)
                    break  # "het lukt nu even niet": click again
                if answers:
                    return
                if gate.generation != generation and time.monotonic() > gate.killed_at + 1.0:
                    # Acked, but the process died before answering: the bot's DM, else again.
                    if await self._follow_up(gate, seen, self.final) is not None:
                        outcome.followed_up += 1
                        return
                    break
                await asyncio.sleep(0.05)

    def _answers_click(self, call: Any) -> bool:
        if not self._mine(call):
            return False
        shown = json.dumps(call.params, ensure_ascii=False)
        return any(text in shown for text in self.final)

    def _mine(self, call: Any) -> bool:
        if call.method == "chat.postMessage":
            return bool(call.params.get("channel") == f"D{self.user}")
        return call.method == "views.update" and call.params.get("view_id") in self.view_ids

    def _surfaces(self) -> list[str]:
        shown = list(self.answers)
        shown += [
            json.dumps(c.params, ensure_ascii=False) for c in self.fake.calls if self._mine(c)
        ]
        return shown


def _new_button(answer: dict[str, Any]) -> dict[str, Any] | None:
    blocks = (answer.get("view") or answer.get("dm") or {}).get("blocks", [])
    for block in blocks:
        for element in block.get("elements", []) if block.get("type") == "actions" else []:
            if str(element.get("action_id", "")).startswith(NEW_BUTTON):
                return dict(element)
    return None


def _set_event() -> asyncio.Event:
    event = asyncio.Event()
    event.set()
    return event
