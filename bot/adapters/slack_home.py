"""The App Home tab: opening it shows the person's own signals (``mijn signalen``).

Why its own listener: the home tab is published with ``views.publish`` for the user, not posted
into a conversation, so its replies bypass :class:`~bot.adapters.slack_delivery.SlackDelivery`.
"""

from __future__ import annotations

from typing import Any

from slack_sdk.web.async_client import AsyncWebClient

from bot.adapters import slack_views
from bot.adapters.slack_delivery import Where
from bot.adapters.slack_turns import SlackTurns
from kernel.core import Command

HOME_COMMAND = "mijn signalen"  # the home tab shows the person's own signals


class SlackHome:
    """``app_home_opened`` for the Home tab (the Messages tab is a DM and needs nothing)."""

    def __init__(self, turns: SlackTurns) -> None:
        self.turns = turns

    async def on_home_opened(
        self, body: dict[str, Any], event: dict[str, Any], client: AsyncWebClient
    ) -> None:
        if event.get("tab") != "home":
            return
        where = Where(client=client, team_id=body.get("team_id", ""), user_id=event.get("user", ""))
        command = Command(name=HOME_COMMAND, idempotency_key=f"event:{body.get('event_id')}")
        self.turns.spawn(self._publish(where, command), "home")

    async def _publish(self, where: Where, command: Command) -> None:
        replies = await self.turns.handle(where, command)
        if not replies:
            return  # a retried delivery: the home tab was published the first time
        t = await self.turns.delivery.translator(where)
        await where.client.views_publish(
            user_id=where.user_id, view=slack_views.home_view(replies, t)
        )
