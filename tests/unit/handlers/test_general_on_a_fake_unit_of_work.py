"""Help, language and the turn machinery on a fake unit of work: no database, milliseconds.

The pipeline is the real one (router, middleware chain, handlers); only the unit of work is
the in-memory fake of ``tests/fake_uow.py``.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from kernel.core import Command, Identity, Message, Platform
from tests.conftest import START
from tests.fake_uow import Store, fake_bot
from tests.helpers import texts
from turn.pipeline import Signaalbot

ANS = Identity(platform=Platform.SLACK, user_id="T1:U1", display_name="Ans", locale="nl-NL")


@pytest.fixture
def store() -> Store:
    return Store()


@pytest.fixture
def bot(store: Store, tmp_path: Path) -> Signaalbot:
    return fake_bot(store, tmp_path, START)


async def test_first_contact_creates_the_person_once_and_helps(
    bot: Signaalbot, store: Store
) -> None:
    replies = await bot.handle(ANS, bot.parse_text("help"))
    assert texts(replies).startswith(bot.services.translator("nl")("commands.help_title"))
    await bot.handle(ANS, bot.parse_text("help"))
    assert len(store.people) == 1
    assert [e["action"] for e in store.audit] == ["person.create"]


async def test_language_choice_is_kept_and_wins_over_the_platform(
    bot: Signaalbot, store: Store
) -> None:
    answer = await bot.handle(ANS, bot.parse_text("taal en"))
    assert texts(answer) == bot.services.translator("en")("core.language_set")
    [person] = store.people.values()
    assert person.locale == "en"
    # The platform still says nl-NL; the person's own choice wins.
    unknown = await bot.handle(ANS, Message(text="???"))
    assert bot.services.translator("en")("core.unknown_command") in texts(unknown)
    assert texts(await bot.handle(ANS, bot.parse_text("taal xx"))) == bot.services.translator("en")(
        "core.language_unknown"
    )


async def test_a_repeated_delivery_is_not_answered_twice(bot: Signaalbot, store: Store) -> None:
    event = Command(name="taal", text="en", idempotency_key="Ev1")
    assert await bot.handle(ANS, event)
    assert await bot.handle(ANS, event) == []
    assert [e["action"] for e in store.audit].count("person.locale") == 1


async def test_a_role_the_person_lacks_is_refused_before_any_storage(
    bot: Signaalbot, store: Store
) -> None:
    replies = await bot.handle(ANS, bot.parse_text("triage S-2026-0001"))
    assert texts(replies) == bot.services.translator("nl")("core.not_allowed")
