"""Repositories against real SQLite and real PostgreSQL."""

from __future__ import annotations

from datetime import timedelta

import pytest

from storage.domain import NewSignal
from storage.repositories.signals import SignalFilter
from tests.conftest import START
from turn.pipeline import Signaalbot


async def test_signal_gets_yearly_reference_and_round_trips(bot: Signaalbot) -> None:
    async with bot.services.uow() as uow:
        first = await uow.signals.add(
            NewSignal(text="Meer jongeren met schulden", theme_key="leren"), START
        )
        second = await uow.signals.add(NewSignal(text="Wachtlijst jeugdhulp groeit"), START)
        await uow.commit()
    assert (first.ref, second.ref) == ("S-2026-0001", "S-2026-0002")
    async with bot.services.uow() as uow:
        found = await uow.signals.get_by_ref("s-2026-0001")
    assert found is not None
    assert found.text == "Meer jongeren met schulden"
    assert found.created_at == START  # timezone-aware UTC on both databases


async def test_uncommitted_work_is_rolled_back(bot: Signaalbot) -> None:
    async with bot.services.uow() as uow:
        await uow.signals.add(NewSignal(text="niet bewaard"), START)
    async with bot.services.uow() as uow:
        assert await uow.signals.count() == 0


async def test_support_is_counted_once_per_person(bot: Signaalbot) -> None:
    async with bot.services.uow() as uow:
        p = await uow.people.create(platform="console", user_id="a", now=START)
        s = await uow.signals.add(NewSignal(text="Eenzaamheid bij ouderen"), START)
        assert await uow.signals.add_support(s.id, p.id, "provider", "", START)
        assert not await uow.signals.add_support(s.id, p.id, "provider", "", START)
        await uow.commit()
        assert await uow.signals.support_counts([s.id]) == {s.id: 1}


async def test_import_is_idempotent_by_ref(bot: Signaalbot) -> None:
    async with bot.services.uow() as uow:
        _, created = await uow.signals.upsert_imported(NewSignal(ref="X-1", text="eerste"), START)
        _, again = await uow.signals.upsert_imported(NewSignal(ref="X-1", text="tweede"), START)
        await uow.commit()
        assert (created, again) == (True, False)
        assert await uow.signals.count() == 1
        found = await uow.signals.get_by_ref("X-1")
        assert found is not None and found.text == "tweede"


async def test_filters_and_paging(bot: Signaalbot) -> None:
    async with bot.services.uow() as uow:
        for i in range(5):
            await uow.signals.add(
                NewSignal(text=f"signaal {i}", theme_key="jeugd" if i % 2 else "wmo"),
                START + timedelta(days=i),
            )
        await uow.commit()
        jeugd = await uow.signals.find(SignalFilter(theme_key="jeugd"))
        page = await uow.signals.find(offset=1, limit=2)
    assert [s.text for s in jeugd] == ["signaal 3", "signaal 1"]
    async with bot.services.uow() as uow:
        # count() agrees with find() for every filter, not only theme and status.
        assert await uow.signals.count(SignalFilter(theme_key="jeugd")) == 2
        assert await uow.signals.count(SignalFilter(since=START + timedelta(days=3))) == 2
    assert [s.text for s in page] == ["signaal 3", "signaal 2"]


async def test_outbox_key_is_unique(bot: Signaalbot) -> None:
    async with bot.services.uow() as uow:
        p = await uow.people.create(platform="console", user_id="b", now=START)
        assert await uow.outbox.enqueue(key="k1", person_id=p.id, payload={"blocks": []}, now=START)
        assert not await uow.outbox.enqueue(
            key="k1", person_id=p.id, payload={"blocks": []}, now=START
        )
        await uow.commit()
        assert len(await uow.outbox.find()) == 1


async def test_conversation_state_survives_sessions(bot: Signaalbot) -> None:
    async with bot.services.uow() as uow:
        await uow.conversations.put("slack", "T:U", "draft:x", {"text": "half"}, START)
        await uow.commit()
    async with bot.services.uow() as uow:
        assert await uow.conversations.get("slack", "T:U", "draft:x") == {"text": "half"}
        await uow.conversations.clear("slack", "T:U", "draft:x")
        await uow.commit()
        assert await uow.conversations.get("slack", "T:U", "draft:x") is None


async def test_roles_and_erasure(bot: Signaalbot) -> None:
    async with bot.services.uow() as uow:
        p = await uow.people.create(
            platform="teams", user_id="tenant:aad", now=START, display_name="Els"
        )
        await uow.people.set_roles(p.id, frozenset({"research_desk", "admin"}))
        await uow.commit()
        desk = await uow.people.with_role("research_desk")
        assert [d.id for d in desk] == [p.id]
        await uow.people.erase(p.id)
        await uow.commit()
        erased = await uow.people.get(p.id)
    assert (
        erased is not None and erased.erased and erased.display_name == "" and not erased.identities
    )


async def test_a_person_found_by_identity_is_the_whole_person(bot: Signaalbot) -> None:
    """One query (person ⋈ identities ⋈ roles) gives what loading the entity gave: every
    identity once, every role once, the address and flags as stored, in either order."""
    ref = {"conversation": {"id": "a:personal-els"}}
    async with bot.services.uow() as uow:
        p = await uow.people.create(
            platform="teams", user_id="tenant:aad", now=START, display_name="Els", locale="en"
        )
        await uow.people.set_roles(p.id, frozenset({"research_desk", "admin", "provider"}))
        await uow.people.add_identity(p.id, "slack", "T1:U1", START + timedelta(days=1), "T1")
        await uow.people.touch("teams", "tenant:aad", START, ref)
        await uow.people.mark_unreachable("slack", "T1:U1", START)
        await uow.commit()
    async with bot.services.uow(read_only=True) as uow:
        by_teams = await uow.people.find_by_identity("teams", "tenant:aad")
        by_slack = await uow.people.find_by_identity("slack", "T1:U1")
        nobody = await uow.people.find_by_identity("teams", "T1:U1")
        loaded = await uow.people.get(p.id)
    assert by_teams == by_slack == loaded
    assert nobody is None
    assert by_teams is not None
    assert by_teams.roles == {"research_desk", "admin", "provider"}
    assert (by_teams.display_name, by_teams.locale) == ("Els", "en")
    teams, slack = by_teams.identity("teams"), by_teams.identity("slack")
    assert teams is not None and teams.conversation_ref == ref and teams.last_seen_at == START
    assert slack is not None and slack.tenant == "T1" and slack.unreachable_since == START
    assert len(by_teams.identities) == 2


@pytest.mark.parametrize("processed_twice", [True])
async def test_idempotency_keys(bot: Signaalbot, processed_twice: bool) -> None:
    async with bot.services.uow() as uow:
        assert await uow.processed.first_time("slack:Ev1", START)
        await uow.commit()
    async with bot.services.uow() as uow:
        assert await uow.processed.first_time("slack:Ev1", START) is not processed_twice
