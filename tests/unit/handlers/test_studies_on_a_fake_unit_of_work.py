"""The study form's rules on a fake unit of work: the real pipeline, no database, milliseconds.

What needs the database (the change log, the index, the news round) is tested on SQLite and
PostgreSQL in ``test_study_add.py``.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from kernel.core import Form, Identity, Platform, Submit
from tests.conftest import START
from tests.fake_uow import Store, fake_bot
from tests.helpers import texts
from turn.pipeline import Signaalbot

DESK = Identity(platform=Platform.TEAMS, user_id="t1:desk", display_name="Dana")
STUDY = {
    "title": "Rondkomen in Eindhoven",
    "summary": "Wie komt niet rond en wie gaat naar de voedselbank.",
    "url": "https://example.org/rondkomen",
    "year": "2026",
    "source": "Gemeente Eindhoven",
    "status": "finished",
}


@pytest.fixture
def store() -> Store:
    return Store()


@pytest.fixture
async def bot(store: Store, tmp_path: Path) -> Signaalbot:
    bot = fake_bot(store, tmp_path, START)
    await bot.handle(DESK, bot.parse_text("help"))  # first contact creates Dana
    [dana] = store.people.values()
    store.people[dana.id] = dataclasses.replace(dana, roles=frozenset({"research_desk"}))
    return bot


async def test_the_form_opens_with_the_draft_of_a_closed_form(
    bot: Signaalbot, store: Store
) -> None:
    store.conversations[("teams", "t1:desk", "draft:study.new")] = {"title": "Half getypt"}
    [reply] = await bot.handle(DESK, bot.parse_text("onderzoek toevoegen"))
    [form] = [b for b in reply.blocks if isinstance(b, Form)]
    assert {i.name: i.initial for i in form.inputs}["title"] == "Half getypt"


async def test_saving_numbers_the_study_clears_the_draft_and_indexes_it(
    bot: Signaalbot, store: Store
) -> None:
    store.conversations[("teams", "t1:desk", "draft:study.new")] = {"title": "Half getypt"}
    saved = await bot.handle(DESK, Submit(form_id="study.new", values=STUDY))
    assert texts(saved).startswith("Onderzoek O-2026-0001 staat in de catalogus")
    assert [s.ref for s in store.studies.values()] == ["O-2026-0001"]
    assert ("teams", "t1:desk", "draft:study.new") not in store.conversations
    assert ("study", "O-2026-0001") in bot.services.matcher
    assert [e["action"] for e in store.audit][-1] == "study.create"


@pytest.mark.parametrize(
    ("field", "value", "key"),
    [
        ("url", "www.example.org", "core.field_url"),
        ("url", "javascript:alert(1)", "core.field_url"),
        ("url", "https://", "core.field_url"),
        ("year", "twintig", "core.field_year"),
        ("year", "1850", "core.field_year"),
        ("year", "2101", "core.field_year"),
        ("title", "", "core.field_required"),
        ("title", "Kort", "core.field_too_short"),
    ],
)
async def test_a_wrong_answer_is_named_on_its_field_and_nothing_is_stored(
    bot: Signaalbot, store: Store, field: str, value: str, key: str
) -> None:
    [reply] = await bot.handle(DESK, Submit(form_id="study.new", values={**STUDY, field: value}))
    t = bot.services.translator("nl")
    assert reply.errors[field] == t(key, min=5)
    assert store.studies == {}


async def test_a_double_is_refused_with_the_first_ones_reference(
    bot: Signaalbot, store: Store
) -> None:
    await bot.handle(DESK, Submit(form_id="study.new", values=STUDY))
    [reply] = await bot.handle(
        DESK, Submit(form_id="study.new", values={**STUDY, "title": " RONDKOMEN in eindhoven "})
    )
    assert "O-2026-0001" in reply.errors["title"]
    assert len(store.studies) == 1


async def test_markup_is_neutralised_before_it_is_stored(bot: Signaalbot, store: Store) -> None:
    values = {**STUDY, "title": "<!channel> Rondkomen <b>in</b> Eindhoven", "summary": "<@U123> 😀"}
    await bot.handle(DESK, Submit(form_id="study.new", values=values))
    [study] = store.studies.values()
    assert "<" not in study.title and "<" not in study.summary
    assert "😀" in study.summary
