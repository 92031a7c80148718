"""Proactive messages for console people: the prompt is written as plain text to a stream.

Only translates a neutral reply into lines; buttons are shown with their labels, because a
console user answers them by typing the command the prompt names (or in ``signaalbot chat``).
"""

from __future__ import annotations

import uuid
from typing import TextIO

from kernel.core import Attachment, Buttons, Choice, Image, Reply
from kernel.messenger import Address, Sent


def render_plain(reply: Reply) -> str:
    lines = [reply.plain_text]
    for block in reply.blocks:
        if isinstance(block, Buttons):
            lines.append("  " + "  ".join(f"[{b.label}]" for b in block.buttons))
        elif isinstance(block, Choice):
            lines.append("  " + "  ".join(f"[{o.label}]" for o in block.options))
        elif isinstance(block, Image) and (block.path or block.url):
            # The alt text is already in the reader's language; the path is where the PNG is.
            lines.append(f"  [{block.alt}] {block.path or block.url}")
        elif isinstance(block, Attachment):
            lines.append(f"  [{block.label}] {block.path}")
    return "\n".join(lines)


class ConsoleMessenger:
    platform = "console"

    def __init__(self, stream: TextIO) -> None:
        self._stream = stream

    async def send(self, identity: Address, reply: Reply, *, update_id: str | None = None) -> Sent:
        message_id = update_id or uuid.uuid4().hex
        self._stream.write(f"\n--- @{identity.user_id} ---\n{render_plain(reply)}\n")
        self._stream.flush()
        return Sent(message_id=message_id)
