"""``privacy erase`` of a person removes every copy of where and how to reach them: the
identities (with the Teams conversation reference) and all conversation state, including the
cards and forms the Teams adapter keeps under the chat's conversation id."""

from __future__ import annotations

from bot.adapters.teams_memory import conversation_keys
from bot.bootstrap import Runtime
from bot.cli import app as _cli  # noqa: F401  (bot.cli loads its sub-commands first)
from bot.cli_privacy import erase_person
from storage.models import ConversationStateRow, PersonIdentityRow

TEAMS_USER = "tenant-1:aad-42"
REFERENCE = {
    "v": 1,
    "scope": "personal",
    "tenant_id": "tenant-1",
    "reference": {"conversation": {"id": "a:1XyZpersonalchat"}, "user": {"id": "29:abc"}},
}


async def test_erase_removes_the_teams_identity_reference_and_card_memory(
    sqlite_runtime: Runtime,
) -> None:
    services = sqlite_runtime.services
    now = services.clock.now()
    [chat_key] = conversation_keys(REFERENCE)
    async with services.uow() as uow:
        person = await uow.people.create(
            platform="teams", user_id=TEAMS_USER, now=now, display_name="Pieter de Vries"
        )
        await uow.people.touch("teams", TEAMS_USER, now, REFERENCE)
        await uow.conversations.put("teams", TEAMS_USER, "draft:signal.report", {"a": "b"}, now)
        await uow.conversations.put("teams", chat_key, "form:signal.report", {"form": {}}, now)
        await uow.conversations.put("teams", "someone-else", "draft:x", {"a": "b"}, now)
        await uow.commit()

    assert await erase_person(sqlite_runtime, f"teams:{TEAMS_USER}") == person.id

    async with services.uow() as uow:
        session = uow._session  # a read-only look at the raw tables
        identities = (await session.scalars(PersonIdentityRow.__table__.select())).all()
        states = (await session.execute(ConversationStateRow.__table__.select())).all()
        erased = await uow.people.get(person.id)
    assert identities == []
    assert [row.user_id for row in states] == ["someone-else"]
    assert erased is not None and erased.erased and erased.display_name == ""
