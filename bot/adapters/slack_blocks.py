"""Neutral replies to Block Kit and back: pure functions, no network, no bolt.

Why a module of its own: rendering is where Slack's limits and escaping live, and it is easy to
test without a server. Every text that may contain user input is escaped (``&``, ``<``, ``>``)
so ``<!channel>``, ``<@U123>`` or ``<https://x|y>`` in a signal show literally: they never ping
anyone and never disguise a link. Texts that do not fit are shortened with an ellipsis.
"""

from __future__ import annotations

import contextlib
import json
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from kernel.core import (
    Attachment,
    Button,
    Buttons,
    Choice,
    Fields,
    Form,
    Image,
    Input,
    Option,
    Reply,
    Text,
)
from kernel.i18n import Translator

# Block Kit limits (https://api.slack.com/reference/block-kit)
MAX_TEXT = 3000  # section / mrkdwn text
MAX_FIELDS = 10  # fields per section
MAX_HEADER = 150
MAX_PLAIN_LABEL = 75  # button text, option text, message titles
MAX_MODAL_TITLE = 24  # modal title, submit and close labels
MAX_MESSAGE_BLOCKS = 50
MAX_VIEW_BLOCKS = 100
MAX_OPTIONS = 100
MAX_OPTION_VALUE = 150
MAX_BUTTON_VALUE = 2000
MAX_ACTION_ID = 255
MAX_ACTIONS_PER_BLOCK = 25
MAX_INITIAL_VALUE = 2000
MAX_INPUT_LENGTH = 3000
MAX_HINT = 2000
MAX_METADATA = 3000
MAX_FALLBACK_TEXT = 3000
MAX_UPLOAD = 20 * 1024 * 1024  # bytes; Slack takes up to 1 GB, a chart is tens of kilobytes
MAX_ALT_TEXT = 1000  # files.getUploadURLExternal alt_txt

ELLIPSIS = "…"
INPUT_ACTION = "value"  # action_id of the element inside each input block
FORM_CALLBACK_PREFIX = "sb-form:"
OPEN_FORM_ACTION = "slack.open_form"  # button that opens a form stashed for a message
COMMAND_ACTION = "slack.command"  # button whose value is a command (App Home)
_SUFFIX = re.compile(r"#\d+$")


# --- text ----------------------------------------------------------------------------------


def escape(text: str) -> str:
    """Escape the three characters Slack treats as markup in mrkdwn and message text."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def shorten(text: str, limit: int) -> str:
    """At most ``limit`` characters, with an ellipsis when something was cut."""
    if len(text) <= limit:
        return text
    return text[: max(limit - 1, 0)].rstrip() + ELLIPSIS


def escaped_chunks(text: str, limit: int = MAX_TEXT) -> list[str]:
    """Escape ``text`` and cut it into pieces of at most ``limit`` characters.

    Cuts fall on a line break or a space when there is one, and never inside an escape
    sequence such as ``&amp;``.
    """
    chunks: list[str] = []
    current: list[str] = []
    size = 0
    for ch in text:
        piece = escape(ch)
        if size + len(piece) > limit:
            chunk = "".join(current)
            cut = max(chunk.rfind("\n"), chunk.rfind(" "))
            if cut > limit // 2:
                chunks.append(chunk[:cut])
                current, size = [chunk[cut + 1 :]], len(chunk) - cut - 1
            else:
                chunks.append(chunk)
                current, size = [], 0
        current.append(piece)
        size += len(piece)
    if current or not chunks:
        chunks.append("".join(current))
    return chunks


def mrkdwn(text: str, limit: int = MAX_TEXT) -> str:
    """One escaped mrkdwn string of at most ``limit`` characters."""
    chunks = escaped_chunks(text, limit - 1)
    return chunks[0] + (ELLIPSIS if len(chunks) > 1 else "")


def plain(text: str, limit: int) -> dict[str, Any]:
    """A ``plain_text`` object: Slack shows it as typed, so no escaping is needed."""
    return {"type": "plain_text", "text": shorten(text, limit) or " ", "emoji": True}


_LINK = re.compile(r"<([^<>|]+)(?:\|([^<>]*))?>")


def from_slack(text: str) -> str:
    """Slack message markup to plain text: for prefilling a form or parsing a DM.

    ``<@U1>`` becomes ``@U1``, ``<!here>`` ``@here``, ``<#C1|general>`` ``#general``,
    ``<https://x|y>`` ``y (https://x)``; ``&lt;`` and friends become the characters again.
    """

    def replace(match: re.Match[str]) -> str:
        target, label = match.group(1), match.group(2)
        if target.startswith("@"):
            return "@" + (label or target[1:])
        if target.startswith("#"):
            return "#" + (label or target[1:])
        if target.startswith("!"):
            name = target[1:].split("^")[0]
            return label or "@" + name
        if label and label != target:
            return f"{label} ({target})"
        return target

    converted = _LINK.sub(replace, text)
    return converted.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


# --- action ids ----------------------------------------------------------------------------


def neutral_action_id(slack_action_id: str) -> str:
    """Strip the ``#n`` suffix that keeps action ids unique within one message or view."""
    return _SUFFIX.sub("", slack_action_id)


def action_value(action: dict[str, Any]) -> str:
    """The value of a clicked button or a chosen option."""
    if action.get("selected_option"):
        return str(action["selected_option"].get("value", ""))
    if action.get("selected_date"):
        return str(action["selected_date"])
    return str(action.get("value", ""))


# --- rendering -----------------------------------------------------------------------------


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


def metadata(data: dict[str, str]) -> str:
    """``private_metadata`` of a view: compact JSON, at most 3,000 characters."""
    encoded = json.dumps(data, separators=(",", ":"), ensure_ascii=False)
    if len(encoded) > MAX_METADATA:
        # The context is the handler's own short key; never let it break the modal.
        data = {**data, "c": data.get("c", "")[: MAX_METADATA // 2]}
        encoded = json.dumps(data, separators=(",", ":"), ensure_ascii=False)[:MAX_METADATA]
    return encoded


def read_metadata(raw: str | None) -> dict[str, str]:
    try:
        data = json.loads(raw or "{}")
    except ValueError:
        return {}
    return {str(k): str(v) for k, v in data.items()} if isinstance(data, dict) else {}


def _option(o: Option) -> dict[str, Any]:
    return {"text": plain(o.label, MAX_PLAIN_LABEL), "value": o.value[:MAX_OPTION_VALUE]}


def needs_suggestions(form: Form) -> bool:
    """True when a select has more options than Slack shows: it then asks us as you type."""
    return any(i.kind == "select" and len(i.options) > MAX_OPTIONS for i in form.inputs)


def suggest(form: Form | None, name: str, query: str) -> list[dict[str, Any]]:
    """The options of input ``name`` that fit what was typed, for an ``external_select``.

    Why here and not in the handler: Slack caps a list at 100 options, the other platforms do not;
    the full list is the handler's form, kept for this person while the modal is open. An option
    fits when its label or value contains the typed text (accents and case do not matter).
    """
    if form is None:
        return []
    field_ = next((i for i in form.inputs if i.name == name and i.kind == "select"), None)
    if field_ is None:
        return []
    wanted = _folded(query)
    fitting = [
        o for o in field_.options if wanted in _folded(o.label) or wanted in _folded(o.value)
    ]
    starts = [o for o in fitting if _folded(o.label).startswith(wanted)]
    ordered = starts + [o for o in fitting if o not in starts]
    return [_option(o) for o in ordered[:MAX_OPTIONS]]


def _folded(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold().strip()


def _element(field_: Input, initial: str) -> dict[str, Any]:
    if field_.kind == "select" and len(field_.options) > MAX_OPTIONS:
        # Type-ahead: Slack asks the options endpoint (``block_suggestion``) as the person types.
        external: dict[str, Any] = {
            "type": "external_select",
            "action_id": INPUT_ACTION,
            "min_query_length": 0,
        }
        picked = next((o for o in field_.options if o.value == initial), None)
        if picked is not None:
            external["initial_option"] = _option(picked)
        return external
    if field_.kind == "select":
        options = [_option(o) for o in field_.options[:MAX_OPTIONS]]
        element: dict[str, Any] = {
            "type": "static_select",
            "action_id": INPUT_ACTION,
            "options": options or [{"text": plain("-", 5), "value": "-"}],
        }
        chosen = next((o for o in options if o["value"] == initial), None)
        if chosen is not None:
            element["initial_option"] = chosen
        return element
    if field_.kind == "date":
        element = {"type": "datepicker", "action_id": INPUT_ACTION}
        with contextlib.suppress(ValueError):
            element["initial_date"] = date.fromisoformat(initial).isoformat()
        return element
    element = {
        "type": "plain_text_input",
        "action_id": INPUT_ACTION,
        "multiline": field_.kind == "multiline",
        # No min_length here: the handler's own message (the same on every platform) explains.
        "max_length": max(1, min(field_.max_length, MAX_INPUT_LENGTH)),
    }
    if initial:
        element["initial_value"] = initial[: min(MAX_INITIAL_VALUE, element["max_length"])]
    return element


def modal(
    form: Form,
    t: Translator,
    meta: dict[str, str],
    values: dict[str, str] | None = None,
    notice: str = "",
) -> dict[str, Any]:
    """A form as a modal; ``values`` (a draft) win over the form's initial values."""
    values = values or {}
    blocks: list[dict[str, Any]] = []
    if len(form.title) > MAX_MODAL_TITLE:
        # Slack cuts a modal title at 24 characters: "Stap 2 van 6: Kennislac…" or
        # "S-2026-0001 wordt 'in b…" would hide what the form is about. Show it whole on top.
        blocks.append({"type": "header", "text": plain(form.title, MAX_HEADER)})
    if notice:
        blocks.append({"type": "section", "text": {"type": "mrkdwn", "text": mrkdwn(notice)}})
    for field_ in form.inputs[: MAX_VIEW_BLOCKS - len(blocks)]:
        block: dict[str, Any] = {
            "type": "input",
            "block_id": field_.name,
            "label": plain(field_.label, MAX_HINT),
            "optional": not field_.required,
            "element": _element(field_, values.get(field_.name, field_.initial)),
        }
        if field_.hint:
            block["hint"] = plain(field_.hint, MAX_HINT)
        blocks.append(block)
    return {
        "type": "modal",
        "callback_id": (FORM_CALLBACK_PREFIX + form.form_id)[:MAX_ACTION_ID],
        "title": plain(form.title, MAX_MODAL_TITLE),
        "submit": plain(form.submit_label, MAX_MODAL_TITLE),
        "close": plain(t("slack.close"), MAX_MODAL_TITLE),
        "private_metadata": metadata({**meta, "f": form.form_id, "c": form.context}),
        "notify_on_close": True,
        "blocks": blocks,
    }


def result_view(replies: list[Reply], t: Translator, title: str) -> dict[str, Any]:
    """What a modal shows after a successful submit: the handler's replies, and Close."""
    rendered = BlockRenderer(t, max_blocks=MAX_VIEW_BLOCKS).render(replies)
    return {
        "type": "modal",
        "title": plain(title, MAX_MODAL_TITLE),
        "close": plain(t("slack.close"), MAX_MODAL_TITLE),
        "blocks": rendered.blocks or BlockRenderer(t).block(Text(text=rendered.fallback or " ")),
    }


def working_view(t: Translator, title: str) -> dict[str, Any]:
    return {
        "type": "modal",
        "title": plain(title or t("slack.working_title"), MAX_MODAL_TITLE),
        "close": plain(t("slack.close"), MAX_MODAL_TITLE),
        "blocks": [{"type": "section", "text": {"type": "mrkdwn", "text": t("slack.working")}}],
    }


def home_view(replies: list[Reply], t: Translator) -> dict[str, Any]:
    renderer = BlockRenderer(t, max_blocks=MAX_VIEW_BLOCKS - 3)
    top: list[dict[str, Any]] = [
        {"type": "header", "text": plain(t("slack.home_title"), MAX_HEADER)},
        {"type": "section", "text": {"type": "mrkdwn", "text": mrkdwn(t("slack.home_intro"))}},
        *renderer.block(
            Buttons(
                buttons=(
                    Button(
                        label=t("slack.home_report"),
                        action_id=COMMAND_ACTION,
                        value="signaal",
                        style="primary",
                    ),
                    Button(label=t("slack.home_question"), action_id=COMMAND_ACTION, value="vraag"),
                )
            )
        ),
    ]
    return {"type": "home", "blocks": [*top, *renderer.render(replies).blocks]}


def view_errors(errors: dict[str, str], input_block_ids: list[str]) -> dict[str, str] | None:
    """``response_action: errors`` payload: each message next to its input.

    Messages for names that are not inputs (``_form``: e.g. the database was away) go next to
    the first input, so they show in the modal and everything typed stays. None when the view
    has no inputs at all.
    """
    if not input_block_ids:
        return None
    shown: dict[str, list[str]] = {}
    for name, message in errors.items():
        target = name if name in input_block_ids else input_block_ids[0]
        shown.setdefault(target, []).append(message)
    return {k: shorten(" ".join(v), MAX_HINT) for k, v in shown.items()}


def input_block_ids(view: dict[str, Any]) -> list[str]:
    return [b["block_id"] for b in view.get("blocks", []) if b.get("type") == "input"]


def view_values(view: dict[str, Any]) -> dict[str, str]:
    """The submitted values by input name (block id)."""
    values: dict[str, str] = {}
    state = view.get("state", {}).get("values", {})
    for block_id, elements in state.items():
        for element in elements.values():
            if element.get("type") == "plain_text_input":
                values[block_id] = element.get("value") or ""
            elif element.get("type") == "datepicker":
                values[block_id] = element.get("selected_date") or ""
            else:
                option = element.get("selected_option") or {}
                values[block_id] = option.get("value", "")
    return values
