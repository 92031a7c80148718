"""What Slack says about a person, for the workspace gate: guest flags and home workspace.

Why a cache: ``users.info`` is one Web API call (Tier 4, about 100 a minute); asking it on every
event would cost the 3-second ack budget and the rate limit. A profile is kept for
:data:`TTL_SECONDS` in this adapter instance only (not shared, no global state), bounded to
:data:`MAX_ENTRIES`. Only the flags are kept, never a name or an e-mail address.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from kernel.logging import get_logger
from kernel.recent import Recent

log = get_logger("signaalbot.slack.people")

TTL_SECONDS = 600.0
MAX_ENTRIES = 10_000


@dataclass(frozen=True, slots=True)
class Profile:
    """``guest`` None: Slack did not answer (the gate then starts a new person as provider)."""

    guest: bool | None
    external: bool | None


UNKNOWN = Profile(guest=None, external=None)


def profile_from(user: dict[str, object], team_id: str) -> Profile:
    """Guest: a multi- or single-channel guest. External: a Slack Connect person from another
    organisation (``is_stranger``, or a home workspace that is not this one outside a grid)."""
    guest = bool(user.get("is_restricted")) or bool(user.get("is_ultra_restricted"))
    home = user.get("team_id")
    in_grid = bool(user.get("enterprise_user"))
    external = bool(user.get("is_stranger")) or (
        isinstance(home, str) and bool(home) and home != team_id and not in_grid
    )
    return Profile(guest=guest, external=external)


class SlackProfiles:
    def __init__(
        self,
        ttl: float = TTL_SECONDS,
        max_entries: int = MAX_ENTRIES,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._cache: Recent[tuple[str, str], Profile] = Recent(max_entries, ttl, clock)

    async def lookup(self, client: AsyncWebClient, team_id: str, user_id: str) -> Profile:
        key = (team_id, user_id)
        hit = self._cache.get(key)
        if hit is not None:
            return hit
        try:
            response = await client.users_info(user=user_id)
        except SlackApiError as exc:
            data = getattr(exc.response, "data", None)
            error = data.get("error") if isinstance(data, dict) else "unreadable answer"
            log.warning("slack_users_info_failed", error=error)
            return UNKNOWN
        except Exception as exc:  # network trouble: decide without the flags, never fail
            log.warning("slack_users_info_failed", error=type(exc).__name__)
            return UNKNOWN
        user = response.get("user")
        if not isinstance(user, dict):
            return UNKNOWN
        return self._cache.put(key, profile_from(user, team_id))
