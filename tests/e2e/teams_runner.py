"""Replays an intake scenario on Teams: activities POSTed to ``/api/messages``, cards read back.

The same :class:`~tests.e2e.scenario_intake.Step` data as the console runner, translated into
what a Teams client does:

- ``send``: a message activity with that text, in the person's personal chat with the bot.
- ``click``: the ``Action.Submit`` of the button with that ``action_id`` and ``value`` in the
  newest card of the person's chat that still offers it (cards updated in place count in their
  current form, so a button that was replaced cannot be clicked any more). A ``Choice`` is
  answered the way Teams does it: the chosen value under the card's ``choice_input`` id.
- ``fills``: the newest form card of the chat is submitted with the step's values mapped onto
  the card's input ids (the ids must be exactly the scripted names, in the same order); an
  empty value takes the card's own ``value`` (what the form offers). With ``errors`` the card
  must come back *in place* with an error under exactly those inputs; then ``fix`` is merged
  in and the updated card is submitted again.
- ``expect`` / ``expect_not``: the text of every activity the bot sent or updated in the
  person's chat during the step, as recorded by the fake Bot Connector.
- ``notified``: after the step one real scheduler round (tick, summary, dispatcher) runs with
  the Teams messenger; each follower's proactive message (``continue_conversation`` into their
  stored personal chat) must contain the texts.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from aiohttp import web
from aiohttp.test_utils import TestClient

from bot.adapters.teams import TeamsAdapter
from cycle.scheduler import CycleScheduler
from kernel.core import Identity, Platform
from tests.e2e.scenario_intake import Expect, Msg, Person, Step, follow_index
from tests.integration.teams.driver import TENANT, TeamsChat
from tests.integration.teams.fake_connector import Call, FakeConnector, activity_text, cards_of
from turn.index_jobs import IndexJobs
from turn.pipeline import Signaalbot

LOCALES = {"nl": "nl-NL", "en": "en-GB"}
INPUT_TYPES = ("Input.Text", "Input.ChoiceSet", "Input.Date", "Input.Number", "Input.Toggle")


def chat_for(
    client: TestClient[web.Request, web.Application], connector: FakeConnector, person: Person
) -> TeamsChat:
    """The person's personal chat with the bot (one Teams user per scenario person)."""
    return TeamsChat(
        client=client,
        connector=connector,
        user_id=f"29:{person.name}",
        aad=f"aad-{person.name}",
        name=person.name,
        tenant=TENANT,
        conversation_id=f"a:personal-{person.name}",
        locale=LOCALES.get(person.locale, person.locale),
    )


async def setup_teams_people(
    bot: Signaalbot, people: dict[str, Person], chats: dict[str, TeamsChat]
) -> dict[str, Identity]:
    """Create every person under their Teams identity (tenant + AAD object id), with roles."""
    identities = {}
    now = bot.services.clock.now()
    async with bot.services.uow() as uow:
        for person in people.values():
            user_id = chats[person.name].identity_user_id
            await uow.people.create(
                platform=Platform.TEAMS.value,
                user_id=user_id,
                now=now,
                display_name=person.name,
                org_type=person.org_type,
                roles=frozenset(person.roles),
                locale=person.locale,
            )
            identities[person.name] = Identity(
                platform=Platform.TEAMS, user_id=user_id, display_name=person.name
            )
        await uow.commit()
    return identities


@dataclass
class Posted:
    """One activity the bot posted, in its current form (updates in place replace the body)."""

    activity_id: str
    body: dict[str, Any]


@dataclass
class ChatView:
    """What a person sees in their chat: the bot's activities in order, as currently shown."""

    activities: list[Posted] = field(default_factory=list)

    def apply(self, call: Call) -> None:
        if call.method == "PUT" and call.activity_id:
            for posted in self.activities:
                if posted.activity_id == call.activity_id:
                    posted.body = call.body
                    return
            raise AssertionError(f"update of an activity the chat never had: {call.activity_id}")
        if call.method == "POST" and call.response_id:
            self.activities.append(Posted(call.response_id, call.body))

    def newest_first(self) -> list[Posted]:
        return list(reversed(self.activities))


def _walk(node: Any) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    if isinstance(node, dict):
        found.append(node)
        for value in node.values():
            found.extend(_walk(value))
    elif isinstance(node, list):
        for item in node:
            found.extend(_walk(item))
    return found


def inputs_of(card: dict[str, Any]) -> list[dict[str, Any]]:
    return [n for n in _walk(card) if n.get("type") in INPUT_TYPES]


def form_submit(card: dict[str, Any]) -> dict[str, Any] | None:
    """The data of the card's form submit button, if the card is a form."""
    for node in _walk(card):
        if node.get("type") == "Action.Submit" and "form_id" in (node.get("data") or {}):
            return dict(node["data"])
    return None


def error_fields(card: dict[str, Any]) -> list[str]:
    """Inputs with an error shown right under them (how the adapter renders ``Reply.errors``)."""
    fields: list[str] = []
    for element in card.get("body") or []:
        if element.get("type") in INPUT_TYPES:
            last = element.get("id")
            continue
        if element.get("type") == "TextBlock" and element.get("color") == "Attention":
            fields.append(str(last) if last else "_form")
        last = None
    return fields


class TeamsRunner:
    def __init__(
        self,
        bot: Signaalbot,
        adapter: TeamsAdapter,
        connector: FakeConnector,
        people: dict[str, Person],
        chats: dict[str, TeamsChat],
        identities: dict[str, Identity],
        index_jobs: IndexJobs,
    ) -> None:
        self.bot = bot
        self.connector = connector
        self.people = people
        self.chats = chats
        self.identities = identities
        self.views = {name: ChatView() for name in chats}
        self._seen = 0
        # The real scheduler round (tick, sessions, summary, dispatcher) with the Teams messenger.
        self.scheduler = CycleScheduler(
            bot.services,
            {Platform.TEAMS.value: adapter.messenger},
            worker_id="teams-e2e",
            index_jobs=index_jobs,
        )

    def text(self, who: str, expect: Expect) -> str:
        if isinstance(expect, Msg):
            return expect.render(self.bot.services.translator(self.people[who].locale))
        return expect

    # --- what the fake connector recorded, per chat ------------------------------------------

    def _catch_up(self) -> list[Call]:
        """Apply the connector calls since last time to the chats; return them."""
        new = self.connector.calls[self._seen :]
        self._seen = len(self.connector.calls)
        by_conversation = {chat.conversation_id: name for name, chat in self.chats.items()}
        for call in new:
            name = by_conversation.get(call.conversation_id)
            if name is not None and "/activities" in call.path:
                self.views[name].apply(call)
        return new

    def _in_chat(self, who: str, calls: list[Call]) -> list[Call]:
        conversation = self.chats[who].conversation_id
        return [c for c in calls if c.conversation_id == conversation and "/activities" in c.path]

    def _find_button(self, who: str, action_id: str, value: str) -> tuple[str, dict[str, Any]]:
        for posted in self.views[who].newest_first():
            for card in cards_of(posted.body):
                for node in _walk(card):
                    data = node.get("data") if node.get("type") == "Action.Submit" else None
                    if not isinstance(data, dict) or data.get("action_id") != action_id:
                        continue
                    choice_input = data.get("choice_input")
                    if isinstance(choice_input, str):
                        offered = {
                            str(c.get("value"))
                            for i in inputs_of(card)
                            if i.get("id") == choice_input
                            for c in i.get("choices") or []
                        }
                        if value in offered:
                            return posted.activity_id, {**data, choice_input: value}
                    elif str(data.get("value", "")) == value:
                        return posted.activity_id, dict(data)
        raise AssertionError(f"no button {action_id!r}/{value!r} in {who}'s chat")

    def _newest_form(self, who: str) -> tuple[str, dict[str, Any], dict[str, Any]]:
        for posted in self.views[who].newest_first():
            for card in cards_of(posted.body):
                data = form_submit(card)
                if data is not None:
                    return posted.activity_id, card, data
        raise AssertionError(f"no form card in {who}'s chat")

    # --- one step ----------------------------------------------------------------------------

    async def run(self, step: Step, number: int) -> str:
        chat = self.chats[step.who]
        self._catch_up()
        start = len(self.connector.calls)
        if step.advance is not None:
            self.bot.services.clock.advance(step.advance)  # type: ignore[attr-defined]
        first_outbox = await self._last_outbox_id()
        if step.send is not None:
            await chat.say(step.send)
        elif step.click is not None:
            activity_id, data = self._find_button(step.who, step.click.action_id, step.click.value)
            await chat.submit(data, reply_to_id=activity_id)
        if step.send is not None or step.click is not None:
            self._expect_ok(chat, number)
        self._catch_up()
        for index, fill in enumerate(step.fills, start=1):
            where = f"step {number}, form {index}"
            activity_id, card, data = self._newest_form(step.who)
            ids = [str(i["id"]) for i in inputs_of(card)]
            names = [name for name, _ in fill.values]
            assert ids == names, f"{where}: the card asks {ids}, the scenario fills {names}"
            offered = {str(i["id"]): str(i.get("value") or "") for i in inputs_of(card)}
            values = {name: value or offered[name] for name, value in fill.values}
            await chat.submit({**data, **values}, reply_to_id=activity_id)
            self._expect_ok(chat, where)
            self._catch_up()
            if fill.errors:
                again_id, again, again_data = self._newest_form(step.who)
                assert again_id == activity_id, (
                    f"{where}: the refused form was not updated in place"
                )
                shown = error_fields(again)
                assert sorted(shown) == sorted(fill.errors), (
                    f"{where}: errors on {shown}, expected {list(fill.errors)}"
                )
                values.update(dict(fill.fix))
                await chat.submit({**again_data, **values}, reply_to_id=again_id)
                self._expect_ok(chat, where)
                self._catch_up()
            form_card = next(
                (
                    c
                    for p in self.views[step.who].activities
                    if p.activity_id == activity_id
                    for c in cards_of(p.body)
                ),
                None,
            )
            assert form_card is not None and form_submit(form_card) is None, (
                f"{where}: the submitted form card still offers its submit button"
            )
        output = "\n".join(
            activity_text(c.body) for c in self._in_chat(step.who, self.connector.calls[start:])
        )
        for expect in step.expect:
            assert self.text(step.who, expect) in output, (
                f"step {number}: missing {expect!r}:\n{output}"
            )
        for expect in step.expect_not:
            assert self.text(step.who, expect) not in output, f"step {number}: unwanted {expect!r}"
        await self._check_notices(step, number, first_outbox)
        return output

    def _expect_ok(self, chat: TeamsChat, where: object) -> None:
        assert chat.last_status in (200, 201), (
            f"{where}: /api/messages answered {chat.last_status}: {chat.last_body}"
        )

    # --- proactive notices through the real dispatcher ----------------------------------------

    async def _last_outbox_id(self) -> int:
        async with self.bot.services.uow() as uow:
            messages = await uow.outbox.find(limit=10_000)
        return max((m.id for m in messages), default=0)

    async def _check_notices(self, step: Step, number: int, after: int) -> None:
        self._catch_up()
        start = len(self.connector.calls)
        assert self.scheduler.index_jobs is not None
        await follow_index(self.scheduler.index_jobs)
        round_ = await self.scheduler.run_round()
        assert round_.dispatch is not None, f"step {number}: the dispatcher did not run"
        result = round_.dispatch
        assert result.failed == 0 and result.unreachable == 0 and result.retried == 0, (
            f"step {number}: dispatch {result}"
        )
        sent = self.connector.calls[start:]
        self._catch_up()
        async with self.bot.services.uow() as uow:
            queued = [m for m in await uow.outbox.find(limit=10_000) if m.id > after]
        assert all(m.status == "sent" for m in queued), (
            f"step {number}: not every notice was sent: {[(m.key, m.status) for m in queued]}"
        )
        for who, expects in step.notified.items():
            text = "\n".join(activity_text(c.body) for c in self._in_chat(who, sent))
            for expect in expects:
                assert self.text(who, expect) in text, (
                    f"step {number}: {who} not told {expect!r}:\n{text}"
                )
