"""Replays an intake scenario through the console adapter, with piped text in and out."""

from __future__ import annotations

import io
from collections import deque

from bot.adapters.console import ConsoleAdapter
from kernel.core import Identity, Platform
from tests.e2e.scenario_intake import Expect, Msg, Person, Step
from turn.pipeline import Signaalbot


class LineFeed(io.StringIO):
    """stdin for the adapter: the runner pushes the lines of the next step."""

    def __init__(self) -> None:
        super().__init__()
        self.lines: deque[str] = deque()

    def push(self, *lines: str) -> None:
        self.lines.extend(lines)

    def readline(self, size: int | None = -1) -> str:  # type: ignore[override]
        return self.lines.popleft() + "\n" if self.lines else ""


async def setup_people(
    bot: Signaalbot, people: dict[str, Person], platform: Platform
) -> dict[str, Identity]:
    """Create every person with their roles, language and organisation type."""
    identities = {}
    now = bot.services.clock.now()
    async with bot.services.uow() as uow:
        for person in people.values():
            identity = Identity(platform=platform, user_id=person.name, display_name=person.name)
            await uow.people.create(
                platform=platform.value,
                user_id=person.name,
                now=now,
                display_name=person.name,
                org_type=person.org_type,
                roles=frozenset(person.roles),
                locale=person.locale,
            )
            identities[person.name] = identity
        await uow.commit()
    return identities


class ConsoleRunner:
    def __init__(
        self, bot: Signaalbot, people: dict[str, Person], identities: dict[str, Identity]
    ) -> None:
        self.bot = bot
        self.people = people
        self.feeds = {name: LineFeed() for name in identities}
        self.outs = {name: io.StringIO() for name in identities}
        self.adapters = {
            name: ConsoleAdapter(bot, identity, self.feeds[name], self.outs[name])
            for name, identity in identities.items()
        }
        self.identities = identities

    def text(self, who: str, expect: Expect) -> str:
        if isinstance(expect, Msg):
            return expect.render(self.bot.services.translator(self.people[who].locale))
        return expect

    async def run(self, step: Step, number: int) -> str:
        adapter, feed, out = self.adapters[step.who], self.feeds[step.who], self.outs[step.who]
        for fill in step.fills:
            feed.push(*(value for _, value in fill.values))
            feed.push(*(value for _, value in fill.fix))
        start = out.tell()
        first_outbox = await self._last_outbox_id()
        if step.send is not None:
            await adapter.send_line(step.send)
        else:
            assert step.click is not None
            pending = adapter._pending
            index = next(
                (
                    i
                    for i, (_label, a) in enumerate(pending)
                    if a.action_id == step.click.action_id and a.value == step.click.value
                ),
                None,
            )
            assert index is not None, f"step {number}: no button {step.click} offered"
            await adapter.send_line(str(index + 1))
        output = out.getvalue()[start:]
        assert not feed.lines, f"step {number}: form asked fewer questions than scripted:\n{output}"
        for expect in step.expect:
            assert self.text(step.who, expect) in output, (
                f"step {number}: missing {expect!r}:\n{output}"
            )
        for expect in step.expect_not:
            assert self.text(step.who, expect) not in output, f"step {number}: unwanted {expect!r}"
        for fill in step.fills:
            for field in fill.errors:
                assert f"! {field}:" in output, f"step {number}: no error on {field}:\n{output}"
        await self._check_outbox(step, number, first_outbox)
        return output

    async def _last_outbox_id(self) -> int:
        async with self.bot.services.uow() as uow:
            messages = await uow.outbox.find(limit=10_000)
        return max((m.id for m in messages), default=0)

    async def _check_outbox(self, step: Step, number: int, after: int) -> None:
        from kernel.core import Reply

        async with self.bot.services.uow() as uow:
            messages = [m for m in await uow.outbox.find(limit=10_000) if m.id > after]
            ids = {
                name: (await uow.people.find_by_identity(i.platform.value, i.user_id))
                for name, i in self.identities.items()
            }
        for who, expects in step.notified.items():
            person = ids[who]
            assert person is not None
            text = "\n".join(
                Reply.model_validate(m.payload).plain_text
                for m in messages
                if m.person_id == person.id
            )
            for expect in expects:
                assert self.text(who, expect) in text, (
                    f"step {number}: {who} not told {expect!r}:\n{text}"
                )
