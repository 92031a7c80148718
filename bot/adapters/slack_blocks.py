"""Neutral replies to Block Kit and back: pure functions, no network, no bolt.

Why a module of its own: rendering is where Slack's limits and escaping live, and it is easy to
test without a server. Every text that may contain user input is escaped (``&``, ``<``, ``>``)
so ``<!channel>``, ``<@U123>`` or ``<https://x|y>`` in a signal show literally: they never ping
anyone and never disguise a link. Texts that do not fit are shortened with an ellipsis.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

# Block Kit limits (https://api.slack.com/reference/block-kit)
from bot.adapters.slack_text import (
    MAX_ACTION_ID,
    MAX_ACTIONS_PER_BLOCK,
    MAX_BUTTON_VALUE,
    MAX_FALLBACK_TEXT,
    MAX_FIELDS,
    MAX_HEADER,
    MAX_MESSAGE_BLOCKS,
    MAX_OPTION_VALUE,
    MAX_OPTIONS,
    MAX_PLAIN_LABEL,
    MAX_UPLOAD,
    OPEN_FORM_ACTION,
    escaped_chunks,
    mrkdwn,
    plain,
    shorten,
)
from kernel.core import (
    Attachment,
    Button,
    Buttons,
    Choice,
    Fields,
    Form,
    Image,
    Reply,
    Text,
)
from kernel.i18n import Translator


@dataclass(frozen=True, slots=True)
class Upload:
    """A local image (e.g. the weekly summary chart) that goes into the DM as a file."""

    filename: str
    data: bytes
    alt: str


def read_upload(image: Image | Attachment) -> Upload | None:
    """The bytes of a local ``path``; None when it is missing, empty or too large.

    An image keeps its file name; an attachment is uploaded under the name shown to people.
    """
    if not image.path:
        return None
    path = Path(image.path)
    try:
        data = path.read_bytes()
    except OSError:
        return None
    if not data or len(data) > MAX_UPLOAD:
        return None
    if isinstance(image, Attachment):
        return Upload(filename=image.name, data=data, alt=image.label)
    return Upload(filename=path.name, data=data, alt=image.alt)


@dataclass
class Rendered:
    """Blocks of one message or view, plus the forms that could not be shown inline.

    ``uploads`` are local images to send as files next to the message (only when the renderer
    was asked to, see :attr:`BlockRenderer.upload_files`); ``unavailable_images`` counts local
    images that could not be read and show as their alt text instead.
    """

    blocks: list[dict[str, Any]] = field(default_factory=list)
    forms: list[Form] = field(default_factory=list)
    fallback: str = ""
    uploads: list[Upload] = field(default_factory=list)
    unavailable_images: int = 0


@dataclass
class BlockRenderer:
    """Renders neutral blocks; one instance per message so action ids stay unique.

    ``upload_files``: an image with a local ``path`` becomes an :class:`Upload` (the sender
    puts it in the DM as a file) instead of its alt text. Views (modals, App Home) cannot carry
    a file, so they keep the default: the alt text.
    """

    t: Translator
    max_blocks: int = MAX_MESSAGE_BLOCKS
    upload_files: bool = False
    _counter: int = 0
    _uploads: list[Upload] = field(default_factory=list)
    _unavailable: int = 0

    def _action_id(self, action_id: str) -> str:
        self._counter += 1
        suffix = f"#{self._counter}"
        return action_id[: MAX_ACTION_ID - len(suffix)] + suffix

    def render(self, replies: list[Reply] | tuple[Reply, ...]) -> Rendered:
        out = Rendered()
        for reply in replies:
            for block in reply.blocks:
                if isinstance(block, Form):
                    out.forms.append(block)
                    out.blocks.extend(self._form_button(block))
                else:
                    out.blocks.extend(self.block(block))
        out.blocks = self._fit(out.blocks)
        out.fallback = mrkdwn("\n".join(r.plain_text for r in replies), MAX_FALLBACK_TEXT)
        out.uploads, self._uploads = self._uploads, []
        out.unavailable_images, self._unavailable = self._unavailable, 0
        return out

    def _fit(self, blocks: list[dict[str, Any]]) -> list[dict[str, Any]]:
        if len(blocks) <= self.max_blocks:
            return blocks
        note = {
            "type": "context",
            "elements": [{"type": "mrkdwn", "text": mrkdwn(self.t("slack.truncated"))}],
        }
        return [*blocks[: self.max_blocks - 1], note]

    def block(
        self, block: Text | Fields | Buttons | Choice | Image | Form | Attachment
    ) -> list[dict[str, Any]]:
        if isinstance(block, Text):
            return self._text(block)
        if isinstance(block, Fields):
            return self._fields(block)
        if isinstance(block, Buttons):
            return self._buttons(block.buttons)
        if isinstance(block, Choice):
            return self._choice(block)
        if isinstance(block, Image):
            return self._image(block)
        if isinstance(block, Attachment):
            return self._attachment(block)
        return self._form_button(block)

    def _attachment(self, block: Attachment) -> list[dict[str, Any]]:
        """A file goes into the conversation as an upload; a view cannot carry one."""
        if self.upload_files:
            upload = read_upload(block)
            if upload is not None:
                self._uploads.append(upload)
                return []
            self._unavailable += 1
        return [self._note(f"{block.label}: {block.name}")]

    def _text(self, block: Text) -> list[dict[str, Any]]:
        if block.style == "header":
            return [{"type": "header", "text": plain(block.text, MAX_HEADER)}]
        if block.style == "muted":
            return [
                {"type": "context", "elements": [{"type": "mrkdwn", "text": mrkdwn(block.text)}]}
            ]
        text = block.text if block.style != "warning" else f"⚠️ {block.text}"
        return [
            {"type": "section", "text": {"type": "mrkdwn", "text": chunk}}
            for chunk in escaped_chunks(text)
            if chunk.strip()
        ]

    def _fields(self, block: Fields) -> list[dict[str, Any]]:
        items = [
            {"type": "mrkdwn", "text": f"*{mrkdwn(i.label, 200)}*\n{mrkdwn(i.value, 1700)}"}
            for i in block.items
        ]
        return [
            {"type": "section", "fields": items[start : start + MAX_FIELDS]}
            for start in range(0, len(items), MAX_FIELDS)
        ]

    def _button(self, button: Button) -> dict[str, Any]:
        element: dict[str, Any] = {
            "type": "button",
            "text": plain(button.label, MAX_PLAIN_LABEL),
            "action_id": self._action_id(button.action_id),
            "value": button.value[:MAX_BUTTON_VALUE],
        }
        if button.style != "default":
            element["style"] = button.style
        return element

    def _buttons(self, buttons: tuple[Button, ...]) -> list[dict[str, Any]]:
        elements = [self._button(b) for b in buttons]
        return [
            {"type": "actions", "elements": elements[start : start + MAX_ACTIONS_PER_BLOCK]}
            for start in range(0, len(elements), MAX_ACTIONS_PER_BLOCK)
        ]

    def _choice(self, block: Choice) -> list[dict[str, Any]]:
        options = [
            {"text": plain(o.label, MAX_PLAIN_LABEL), "value": o.value[:MAX_OPTION_VALUE]}
            for o in block.options[:MAX_OPTIONS]
        ]
        blocks: list[dict[str, Any]] = [
            {
                "type": "section",
                "text": {"type": "mrkdwn", "text": mrkdwn(block.label)},
                "accessory": {
                    "type": "static_select",
                    "action_id": self._action_id(block.action_id),
                    "placeholder": plain(block.label, MAX_PLAIN_LABEL),
                    "options": options or [{"text": plain("-", 5), "value": "-"}],
                },
            }
        ]
        if len(block.options) > MAX_OPTIONS:
            blocks.append(self._note(self.t("slack.options_truncated")))
        return blocks

    def _image(self, block: Image) -> list[dict[str, Any]]:
        if block.url and block.url.startswith("https://"):
            return [{"type": "image", "image_url": block.url, "alt_text": shorten(block.alt, 2000)}]
        if block.path and self.upload_files:
            upload = read_upload(block)
            if upload is not None:
                self._uploads.append(upload)
                return []
            self._unavailable += 1
            return [self._note(self.t("slack.image_unavailable", alt=block.alt))]
        return [self._note(block.alt)]

    @staticmethod
    def _note(text: str) -> dict[str, Any]:
        return {"type": "context", "elements": [{"type": "mrkdwn", "text": mrkdwn(text)}]}

    def _form_button(self, form: Form) -> list[dict[str, Any]]:
        """A form cannot live in a message: offer a button that opens it as a modal."""
        return [
            {"type": "section", "text": {"type": "mrkdwn", "text": mrkdwn(form.title)}},
            *self._buttons(
                (
                    Button(
                        label=self.t("slack.open_form"),
                        action_id=OPEN_FORM_ACTION,
                        value=form.form_id,
                        style="primary",
                    ),
                )
            ),
        ]


# --- modals and views ----------------------------------------------------------------------
