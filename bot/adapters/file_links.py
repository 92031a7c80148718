"""Download links for the files a message carries, for a platform that cannot take the file.

Why a link for Teams: a bot can put a file into a personal chat only through the OneDrive
file-consent flow (the person first accepts an upload card, personal chats only, the app
needs ``supportsFiles`` and the file lands in their OneDrive); an inline attachment with a
data URI arrives in Microsoft's clients as an empty file. A link works in every chat and
client: the card gets a button *Zet in je agenda* that opens ``{base}/files/{token}.ics``,
served by ``serve`` as ``text/calendar``. The browser hands it to the calendar app.

The link is unguessable (32 random bytes, ``storage.repositories.files``) and expires when
the file stops mattering (a session's .ics: a day after the session; ``Attachment.valid_until``),
else after 30 days. The bytes are kept in the database, so any instance serves any link.
"""

from __future__ import annotations

import asyncio
from datetime import timedelta
from pathlib import Path
from urllib.parse import quote

from aiohttp import web

from kernel.core import Attachment, Reply
from kernel.logging import get_logger
from kernel.settings import Settings
from storage.uow import UnitOfWork
from turn.context import Services

log = get_logger("signaalbot.files")

ROUTE = "/files/{token:[A-Za-z0-9_-]{32,64}}.{ext:[a-z0-9]{1,8}}"
DEFAULT_VALID = timedelta(days=30)
MIN_VALID = timedelta(days=1)  # a late message still gets a link that works for a day
FILES_KEY: web.AppKey[Services] = web.AppKey("file_services", Services)


def public_base(settings: Settings) -> str | None:
    """Where people reach ``serve``: ``SIGNAALBOT_BASE_URL``; in Teams emulator mode (the
    Agents Playground runs in a browser on this machine) this machine's own port."""
    if settings.base_url:
        return settings.base_url.rstrip("/")
    if settings.teams_emulator:
        return f"http://localhost:{settings.port}"
    return None


def extension(name: str) -> str:
    suffix = Path(name).suffix.lower().lstrip(".")
    return suffix if suffix.isalnum() and len(suffix) <= 8 else "bin"


class FileLinks:
    """Gives every attachment of a reply a link (``Attachment.url``) to a shared copy."""

    def __init__(self, services: Services, base: str) -> None:
        self._services = services
        self._base = base.rstrip("/")

    async def linked(self, reply: Reply) -> Reply:
        """``reply`` with a link on each attachment; a file that cannot be read keeps none."""
        if not any(isinstance(b, Attachment) and b.url is None for b in reply.blocks):
            return reply
        blocks = []
        async with self._services.uow() as uow:
            for block in reply.blocks:
                if isinstance(block, Attachment) and block.url is None:
                    block = await self._link(uow, block)  # noqa: PLW2901 - the linked copy
                blocks.append(block)
            await uow.commit()
        return reply.model_copy(update={"blocks": tuple(blocks)})

    async def _link(self, uow: UnitOfWork, block: Attachment) -> Attachment:
        try:
            content = await asyncio.to_thread(Path(block.path).read_bytes)
        except OSError as exc:
            log.warning("attachment_unreadable", name=block.name, error=type(exc).__name__)
            return block
        now = self._services.clock.now()
        until = max(block.valid_until or now + DEFAULT_VALID, now + MIN_VALID)
        token = await uow.files.share(
            block.name, block.media_type, content, expires_at=until, now=now
        )
        return block.model_copy(
            update={"url": f"{self._base}/files/{token}.{extension(block.name)}"}
        )


async def serve_file(request: web.Request) -> web.Response:
    """``GET /files/{token}.ics``: the file while its link is valid, else 404."""
    services = request.app[FILES_KEY]
    token, ext = request.match_info["token"], request.match_info["ext"]
    async with services.uow(read_only=True) as uow:
        shared = await uow.files.get(token, services.clock.now())
    if shared is None or extension(shared.name) != ext:
        wanted = request.headers.get("Accept-Language", "")
        t = services.translator("en" if wanted.lower().startswith("en") else None)
        return web.Response(
            status=404, text=t("core.file_link_gone"), headers={"Cache-Control": "no-store"}
        )
    media_type = shared.media_type
    if media_type.startswith("text/") and "charset=" not in media_type:
        media_type = f"{media_type}; charset=utf-8"
    fallback = shared.name.encode("ascii", "replace").decode("ascii").replace('"', "")
    return web.Response(
        body=shared.content,
        headers={
            "Content-Type": media_type,
            "Content-Disposition": (
                f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(shared.name)}"
            ),
            "Cache-Control": "private, no-store",
            "X-Content-Type-Options": "nosniff",
            "Referrer-Policy": "no-referrer",
        },
    )


def mount_files(web_app: web.Application, services: Services) -> None:
    """Serve ``/files/{token}.{ext}`` in the shared aiohttp application."""
    web_app[FILES_KEY] = services
    web_app.router.add_get(ROUTE, serve_file)
