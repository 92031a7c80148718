"""The follow-up rule (turn/follow_up.py) on the fake unit of work: the real pipeline and
middleware, in-memory repositories, milliseconds.

The rule: the commit that claims a form's or click's delivery key also keeps its answer in the
outbox, due after the grace; the adapter takes it before delivering the answer itself; what it
finds taken or sent it does not post again. Against Slack, a database and a real crash:
``tests/integration/slack/test_slack_follow_up.py``.
"""

from __future__ import annotations

import dataclasses
from datetime import timedelta
from pathlib import Path

import pytest

from kernel.clock import ManualClock
from kernel.core import Identity, Platform, Reply, Submit
from tests.conftest import START
from tests.fake_uow import Store, fake_bot
from turn.context import TurnContext
from turn.follow_up import outbox_key
from turn.pipeline import Signaalbot

ANNA = Identity(platform=Platform.SLACK, user_id="T1:UANNA", display_name="Anna")
GRACE = timedelta(seconds=45)


async def store_and_confirm(ctx: TurnContext) -> None:
    """Like the signal form: confirmed before the commit that claims the key."""
    async with ctx.uow() as uow:
        await uow.audit.record(
            actor_id=ctx.actor.person_id, action="x", entity="x", entity_id=1, now=ctx.now()
        )
        await ctx.say("signals.saved", ref="S-2026-0001")
        await uow.commit()


async def commit_then_refuse(ctx: TurnContext) -> None:
    async with ctx.uow() as uow:
        await ctx.say("signals.saved", ref="S-2026-0002")
        await uow.commit()
    await ctx.reply(Reply(errors={"text": "te kort"}))


async def answer_after_commit(ctx: TurnContext) -> None:
    async with ctx.uow() as uow:
        await uow.commit()
    await ctx.say("signals.saved", ref="S-2026-0003")


@pytest.fixture
def store() -> Store:
    return Store()


@pytest.fixture
def bot(store: Store, tmp_path: Path) -> Signaalbot:
    bot = fake_bot(store, tmp_path, START)
    bot.router.submit("test.store")(store_and_confirm)
    bot.router.submit("test.refuse")(commit_then_refuse)
    bot.router.submit("test.later")(answer_after_commit)
    return bot


def submit(form: str, key: str = "view:V1:h1") -> Submit:
    return Submit(form_id=form, values={}, idempotency_key=key)


async def test_the_commit_that_claims_the_key_keeps_the_answer_due_after_the_grace(
    bot: Signaalbot, store: Store
) -> None:
    result = await bot.handle_turn(ANNA, submit("test.store"), follow_up=True)
    assert result.follow_up_key == "slack:view:V1:h1"
    [message] = store.outbox.values()
    assert message.key == outbox_key("slack:view:V1:h1") == "followup:slack:view:V1:h1"
    assert message.not_before == START + GRACE
    assert not message.office_hours_only, "the person is waiting for it now"
    assert "S-2026-0001" in Reply.model_validate(message.payload).plain_text
    assert "slack:view:V1:h1" in store.processed, "in the same commit as the key"


async def test_no_follow_up_unless_the_adapter_asks_nor_for_a_refused_form(
    bot: Signaalbot, store: Store
) -> None:
    await bot.handle_turn(ANNA, submit("test.store", "k-teams"))  # Teams, the console
    assert store.outbox == {}
    refused = await bot.handle_turn(ANNA, submit("test.refuse", "k-refused"), follow_up=True)
    assert refused.follow_up_key is None
    assert store.outbox == {}, "a refused form stores nothing: its follow-up goes with its key"
    assert "slack:k-refused" not in store.processed


async def test_an_answer_given_after_the_first_commit_is_followed_up_too(
    bot: Signaalbot, store: Store
) -> None:
    result = await bot.handle_turn(ANNA, submit("test.later"), follow_up=True)
    assert result.follow_up_key is not None
    [message] = store.outbox.values()
    assert "S-2026-0003" in Reply.model_validate(message.payload).plain_text


async def test_the_adapter_that_takes_it_first_delivers_it_once(
    bot: Signaalbot, store: Store
) -> None:
    result = await bot.handle_turn(ANNA, submit("test.store"), follow_up=True)
    handover = await bot.follow_ups.take("slack", result.follow_up_key, result.replies)
    assert handover.replies == result.replies, "taken: the adapter shows the answer itself"
    # Meanwhile the grace is over: a dispatcher (or a second delivery) finds it held.
    again = await bot.follow_ups.take("slack", result.follow_up_key, result.replies)
    assert again.replies == []
    await handover.sent()
    [message] = store.outbox.values()
    assert (message.status, message.platform) == ("sent", "slack")
    late = await bot.follow_ups.take("slack", result.follow_up_key, result.replies)
    assert late.replies == [], "sent: nothing to post again"


async def test_a_submit_delivered_again_after_its_follow_up_went_out_posts_nothing(
    bot: Signaalbot, store: Store
) -> None:
    """The dispatcher sent it (the first process died); the person presses Submit again."""
    first = await bot.handle_turn(ANNA, submit("test.store"), follow_up=True)
    [message] = store.outbox.values()
    store.outbox[message.key] = dataclasses.replace(message, status="sent")
    again = await bot.handle_turn(ANNA, submit("test.store"), follow_up=True)
    assert again.replies == first.replies, "the modal shows the kept answer again"
    assert again.follow_up_key == first.follow_up_key
    handover = await bot.follow_ups.take("slack", again.follow_up_key, again.replies)
    assert handover.replies == [], "no second direct message"


async def test_a_failed_direct_delivery_leaves_it_to_the_dispatcher(
    bot: Signaalbot, store: Store
) -> None:
    result = await bot.handle_turn(ANNA, submit("test.store"), follow_up=True)
    handover = await bot.follow_ups.take("slack", result.follow_up_key, result.replies)
    await handover.failed("views_update_failed")
    [message] = store.outbox.values()
    assert message.status == "pending" and message.not_before == START + GRACE
    assert store.leases == {}, "free for a dispatcher once the grace is over"


async def test_a_lease_that_ran_out_is_free_again(bot: Signaalbot, store: Store) -> None:
    """The process that took it died while delivering: after the lease, another sender."""
    result = await bot.handle_turn(ANNA, submit("test.store"), follow_up=True)
    await bot.follow_ups.take("slack", result.follow_up_key, result.replies)
    clock = bot.services.clock
    assert isinstance(clock, ManualClock)
    clock.advance(timedelta(seconds=91))
    later = await bot.follow_ups.take("slack", result.follow_up_key, result.replies)
    assert later.replies == result.replies
