"""Replays an intake scenario through the console adapter, with piped text in and out."""

from __future__ import annotations

import io
import re
from collections import deque

from bot.adapters.console import ConsoleAdapter, named
from bot.adapters.console_messenger import ConsoleInbox, ConsoleMessenger
from cycle.scheduler import CycleScheduler
from kernel.core import Identity, Platform
from tests.e2e.scenario_intake import Expect, Msg, Person, Step, follow_index
from turn.index_jobs import IndexJobs
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
        self,
        bot: Signaalbot,
        people: dict[str, Person],
        identities: dict[str, Identity],
        index_jobs: IndexJobs,
    ) -> None:
        self.bot = bot
        self.people = people
        self.feeds = {name: LineFeed() for name in identities}
        self.outs = {name: io.StringIO() for name in identities}
        self.adapters = {
            name: ConsoleAdapter(
                bot,
                identity,
                self.feeds[name],
                self.outs[name],
                inbox=ConsoleInbox(bot.services, identity.user_id),
            )
            for name, identity in identities.items()
        }
        self.identities = identities
        # The real scheduler round (tick, sessions, summary, dispatcher) with the real console
        # messenger: what it delivers waits in each person's inbox until their chat shows it.
        self.scheduler = CycleScheduler(
            bot.services,
            {Platform.CONSOLE.value: ConsoleMessenger(bot.services)},
            worker_id="e2e",
            index_jobs=index_jobs,
        )

    def text(self, who: str, expect: Expect) -> str:
        if isinstance(expect, Msg):
            return expect.render(self.bot.services.translator(self.people[who].locale))
        return expect

    async def run(self, step: Step, number: int) -> str:
        adapter, feed, out = self.adapters[step.who], self.feeds[step.who], self.outs[step.who]
        for fill in step.fills:
            # The console checks each answer as it is typed: a fix follows its field at once.
            fixes = dict(fill.fix)
            for name, value in fill.values:
                feed.push(value)
                if name in fixes:
                    feed.push(fixes[name])
        if step.advance is not None:
            self.bot.services.clock.advance(step.advance)  # type: ignore[attr-defined]
        start = out.tell()
        if step.send is not None:
            await adapter.send_line(step.send)
        elif step.click is not None:
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
        refusals = len(re.findall(r"(?:^|\n|> )! ", output))
        expected = sum(len(fill.errors) for fill in step.fills)
        assert refusals >= expected, f"step {number}: {expected} errors expected:\n{output}"
        if expected:
            # Each refusal names its input by the label the person read, never its name.
            form = adapter.last_form
            assert form is not None, f"step {number}: errors expected, no form asked"
            labels = {i.name: i.label for i in form.inputs}
            for fill in step.fills:
                for name in fill.errors:
                    assert f"! {named(labels[name], '')}" in output, (
                        f"step {number}: no refusal named {labels[name]!r}:\n{output}"
                    )
            assert not any(f"! {name}:" in output for name in labels), output
        await self._check_deliveries(step, number)
        return output

    async def _check_deliveries(self, step: Step, number: int) -> None:
        """One real scheduler round; then every person's chat shows what reached them."""
        assert self.scheduler.index_jobs is not None
        await follow_index(self.scheduler.index_jobs)
        round_ = await self.scheduler.run_round()
        assert round_.dispatch is not None, f"step {number}: the dispatcher did not run"
        assert round_.dispatch.failed == 0 and round_.dispatch.unreachable == 0, (
            f"step {number}: {round_.dispatch}"
        )
        for name, adapter in self.adapters.items():
            out = self.outs[name]
            start = out.tell()
            await adapter.show_inbox()
            shown = out.getvalue()[start:]
            for expect in step.notified.get(name, ()):
                assert self.text(name, expect) in shown, (
                    f"step {number}: {name} not told {expect!r}:\n{shown}"
                )
