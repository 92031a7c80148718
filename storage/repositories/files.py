"""Files the bot hands out by link: a session's .ics for a Teams person to open or save.

Why the content in the database and not a path: any instance behind the load balancer can
serve the link, also one that did not write the file. Why one row per file version and not
per message: everyone invited gets the same invitation, so a resend (or a second recipient)
reuses the link of the same bytes instead of adding a row; its expiry moves to the later date.
The token is 32 random bytes (``secrets.token_urlsafe``): a link cannot be guessed, and an
expired one is gone.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import SharedFileRow

TOKEN_BYTES = 32


@dataclass(frozen=True, slots=True)
class SharedFile:
    token: str
    name: str
    media_type: str
    content: bytes
    expires_at: datetime


def digest_of(name: str, media_type: str, content: bytes) -> str:
    """What makes two shared files the same: their name, type and bytes."""
    hasher = hashlib.sha256()
    for part in (name.encode("utf-8"), media_type.encode("utf-8"), content):
        hasher.update(len(part).to_bytes(8, "big"))
        hasher.update(part)
    return hasher.hexdigest()


class SharedFileRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def share(
        self, name: str, media_type: str, content: bytes, *, expires_at: datetime, now: datetime
    ) -> str:
        """The token of a link to this file until ``expires_at``; the same bytes, the same link.

        Expired links are removed on the way (a handful of rows a year).
        """
        await self._session.execute(delete(SharedFileRow).where(SharedFileRow.expires_at <= now))
        digest = digest_of(name, media_type, content)
        row = await self._session.scalar(
            select(SharedFileRow).where(SharedFileRow.digest == digest).limit(1)
        )
        if row is not None:
            row.expires_at = max(row.expires_at, expires_at)
            await self._session.flush()
            return row.token
        token = secrets.token_urlsafe(TOKEN_BYTES)
        self._session.add(
            SharedFileRow(
                token=token,
                digest=digest,
                name=name[:200],
                media_type=media_type[:100],
                content=content,
                created_at=now,
                expires_at=expires_at,
            )
        )
        await self._session.flush()
        return token

    async def get(self, token: str, now: datetime) -> SharedFile | None:
        """The file behind a link, while the link is valid."""
        row = await self._session.get(SharedFileRow, token)
        if row is None or row.expires_at <= now:
            return None
        return SharedFile(row.token, row.name, row.media_type, bytes(row.content), row.expires_at)
