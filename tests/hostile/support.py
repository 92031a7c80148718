"""One real bot with Slack and Teams mounted on one aiohttp app, the fakes of both platforms on
loopback, and a way to see what a request stored.

Why one stack: the hostile cases compare platforms, and "nothing stored wrongly" means the same
check everywhere: the row count of every table before and after, table by table.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

from aiohttp.test_utils import TestClient, TestServer
from sqlalchemy import func, select

from bot.adapters.slack import SlackAdapter
from bot.bootstrap import Runtime, bootstrap
from bot.web import build_web_app
from kernel.clock import ManualClock
from storage.db import upgrade
from storage.models import Base
from tests.conftest import START
from tests.integration.teams.driver import TENANT, TeamsChat
from tests.integration.teams.fake_connector import FakeConnector
from tests.slack_support import (
    FakeSlack,
    SlackDriver,
    running,
    slack_settings,
)
from turn.pipeline import Signaalbot

# Tables a turn may touch for an admitted person; everything else must stay as it was.
BOOKKEEPING = frozenset({"processed_event", "person_identity", "conversation_state"})


@dataclass
class Stack:
    runtime: Runtime
    client: TestClient[Any, Any]
    slack_fake: FakeSlack
    connector: FakeConnector
    slack_adapter: SlackAdapter
    chats: dict[str, Any] = field(default_factory=dict)  # people the suite already set up

    @property
    def bot(self) -> Signaalbot:
        return self.runtime.bot

    def slack(self, user: str = "UANNA", team: str = "T0001") -> SlackDriver:
        return SlackDriver(self.client, self.slack_fake, user=user, team=team)

    def teams(
        self, aad: str = "aad-anna", tenant: str = TENANT, *, role: str = "user", **fields: Any
    ) -> TeamsChat:
        """A person in a personal chat; Teams' member lookup says ``role`` (user or guest)."""
        self.connector.members.setdefault(f"29:{aad}", {"id": f"29:{aad}", "userRole": role})
        return TeamsChat(
            client=self.client,
            connector=self.connector,
            user_id=f"29:{aad}",
            aad=aad,
            tenant=tenant,
            conversation_id=f"a:personal-{aad}",
            **fields,
        )

    async def counts(self) -> dict[str, int]:
        """Rows per table, to show what a request stored."""
        out: dict[str, int] = {}
        async with self.bot.services.db.session() as session:
            for name, table in sorted(Base.metadata.tables.items()):
                out[name] = int(await session.scalar(select(func.count()).select_from(table)) or 0)
        return out

    async def audit_actions(self) -> list[str]:
        from storage.models import AuditEventRow

        async with self.bot.services.db.session() as session:
            rows = await session.scalars(select(AuditEventRow).order_by(AuditEventRow.id))
            return [r.action for r in rows]

    async def stored_texts(self) -> list[str]:
        """Every text value stored in the tables a turn writes, to look for what must not be."""
        from storage.models import (
            AuditEventRow,
            ConversationStateRow,
            PersonIdentityRow,
            PersonRow,
            SignalRow,
        )

        out: list[str] = []
        async with self.bot.services.db.session() as session:
            for model in (
                PersonRow,
                PersonIdentityRow,
                ConversationStateRow,
                SignalRow,
                AuditEventRow,
            ):
                for row in await session.scalars(select(model)):
                    for column in model.__table__.columns:
                        value = getattr(row, column.key, None)
                        out.append(value if isinstance(value, str) else repr(value))
        return out

    async def slack_replies(self) -> str:
        """Everything the bot said on Slack so far (response_url bodies and Web API posts)."""
        await self.slack_adapter.drain()
        parts = [str(r.get("text", "")) for r in self.slack_fake.responses]
        parts += [str(c.params.get("text", "")) for c in self.slack_fake.called("chat.postMessage")]
        return "\n".join(parts)


def changed(before: dict[str, int], after: dict[str, int]) -> dict[str, int]:
    return {k: after[k] - before.get(k, 0) for k in after if after[k] != before.get(k, 0)}


@asynccontextmanager
async def stack(db_url: str, **overrides: Any) -> AsyncIterator[Stack]:
    upgrade(db_url)
    async with running(FakeSlack()) as slack_fake:
        connector = FakeConnector()
        server = TestServer(connector.app(), host="127.0.0.1")
        await server.start_server()
        connector.url = str(server.make_url("/"))  # type: ignore[attr-defined]
        settings = slack_settings(db_url, slack_fake.api_url, teams_emulator=True, **overrides)
        runtime = await bootstrap(settings, ManualClock(START))
        assert runtime.slack is not None
        client = TestClient(TestServer(build_web_app(runtime), host="127.0.0.1"))
        await client.start_server()
        try:
            yield Stack(runtime, client, slack_fake, connector, runtime.slack)
        finally:
            await client.close()
            await runtime.close()
            await server.close()
