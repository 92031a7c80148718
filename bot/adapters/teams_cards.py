"""Neutral replies as Adaptive Cards 1.5, and card submits back into neutral events.

Only translation lives here: no botbuilder imports, no database, so the rendering can be tested
as plain dictionaries and reused unchanged by a later Microsoft 365 Agents SDK adapter.

Submit data contract (what our cards send back, by ``Action.Submit`` or ``Action.Execute``):

* a button: ``{"action_id": ..., "value": ...}``
* a choice: ``{"action_id": ..., "choice_input": "<input id>"}`` plus the chosen value under
  that input id (Teams merges the inputs into the data)
* a form: ``{"form_id": ..., "form_context": ...}`` plus every input value under its input name
  (Teams merges the inputs into the data and an input wins over a data key of the same name,
  so the form's own keys must not be names a form uses for an input: the support form has an
  input ``context``). Cards sent before this change carry ``context``; they still work.
"""

from __future__ import annotations

import base64
import mimetypes
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from bot.adapters import teams_limits as limits
from bot.adapters.teams_text import escape
from kernel.core import (
    Attachment,
    Buttons,
    Choice,
    Fields,
    Form,
    Image,
    Input,
    Reply,
    Text,
)
from kernel.i18n import Translator

CARD_CONTENT_TYPE = "application/vnd.microsoft.card.adaptive"
CARD_VERSION = "1.5"
SCHEMA = "http://adaptivecards.io/schemas/adaptive-card.json"
META_KEYS = frozenset({"action_id", "value", "choice_input", "form_id", "context", "msteams"})
FORM_CONTEXT = "form_context"
FORM_META_KEYS = frozenset({"form_id", FORM_CONTEXT, "msteams"})
# A local image is shown inline as a data URI when Teams accepts it (teams_limits: < 1 MB,
# at most 1024×1024); the message size limit (about 100 KB) does not count such images.
MAX_INLINE_IMAGE = limits.MAX_IMAGE_BYTES

Card = dict[str, Any]


# --- replies → cards ------------------------------------------------------------------------


# From this many choices on, a list gets Teams' type-ahead (AC 1.5 ``style: "filtered"``): a
# person types "jeu" instead of scrolling through 120 themes. Clients without it show a list.
FILTERED_FROM = 20


def choice_style(count: int, *, expanded_up_to: int = 0) -> str:
    if count <= expanded_up_to:
        return "expanded"
    return "filtered" if count >= FILTERED_FROM else "compact"


def is_plain(reply: Reply) -> bool:
    """A reply of only plain one-line paragraphs is sent as a normal chat message.

    A text of several lines (a list, an agenda) goes as a card instead, one TextBlock per line:
    Teams' message markdown, like a TextBlock's, joins single line breaks.
    """
    return (
        bool(reply.blocks)
        and not reply.errors
        and all(
            isinstance(b, Text) and b.style == "plain" and "\n" not in b.text.strip()
            for b in reply.blocks
        )
    )


def plain_text(reply: Reply) -> str:
    """The text of a plain reply as a Teams message (Markdown), escaped: shown as typed."""
    return "\n\n".join(escape(b.text) for b in reply.blocks if isinstance(b, Text))


def render_card(
    reply: Reply,
    t: Translator,
    *,
    form: Form | None = None,
    values: Mapping[str, str] | None = None,
) -> Card:
    """Render a reply as one Adaptive Card.

    ``form`` and ``values`` serve ``Reply.errors``: the form the person submitted is shown again
    with what they typed and the error texts next to the inputs.
    """
    body: list[dict[str, Any]] = []
    errors = dict(reply.errors)
    form_shown = False
    for index, block in enumerate(reply.blocks):
        if isinstance(block, Text):
            body.append(_text_element(block))
        elif isinstance(block, Fields):
            body.append(
                {
                    "type": "FactSet",
                    "facts": [
                        {"title": escape(i.label), "value": escape(i.value)} for i in block.items
                    ],
                }
            )
        elif isinstance(block, Buttons):
            body.append(
                {
                    "type": "ActionSet",
                    "actions": [
                        {
                            "type": "Action.Submit",
                            "title": b.label,
                            "style": _STYLES[b.style],
                            "data": {"action_id": b.action_id, "value": b.value},
                        }
                        for b in block.buttons
                    ],
                }
            )
        elif isinstance(block, Choice):
            body.extend(_choice(block, index, t))
        elif isinstance(block, Form):
            body.extend(_form(block, t, values or {}, errors))
            form_shown = True
        elif isinstance(block, Image):
            image = _image(block, t)
            if image is not None:
                body.append(image)
        elif isinstance(block, Attachment):
            body.extend(_attachment(block, t))
    if errors and not form_shown:
        if form is not None:
            body.extend(_form(form, t, values or {}, errors))
        else:
            body.extend(_error_block(message) for message in errors.values())
    return limits.fit(card(body), escape(t("access.card_shortened")))


def _attachment(block: Attachment, t: Translator) -> list[dict[str, Any]]:
    """A file as its name and a button that opens its download link (``file_links``).

    Why a link and no file in the message: an inline attachment arrives as an empty file in
    Microsoft's clients, and putting a file in a chat needs the OneDrive consent flow.
    """
    named: dict[str, Any] = {
        "type": "TextBlock",
        "text": escape(f"📎 {block.label}: {block.name}"),
        "wrap": True,
        "isSubtle": True,
    }
    if not block.url:
        return [named]
    kind = block.media_type.replace(" ", "").lower()
    if kind.startswith("text/calendar"):
        key = "file_remove_from_calendar" if "method=cancel" in kind else "file_add_to_calendar"
    else:
        key = "file_open"
    button = {"type": "Action.OpenUrl", "title": t(f"teams.{key}"), "url": block.url}
    return [named, {"type": "ActionSet", "actions": [button]}]


def card(body: list[dict[str, Any]]) -> Card:
    return {
        "type": "AdaptiveCard",
        "$schema": SCHEMA,
        "version": CARD_VERSION,
        "body": body,
        "msteams": {"width": "Full"},
    }


def sent_card(form: Form, t: Translator) -> Card:
    """What a submitted form card turns into, so it cannot be sent twice by accident."""
    return card(
        [
            {"type": "TextBlock", "text": escape(form.title), "weight": "Bolder", "wrap": True},
            {
                "type": "TextBlock",
                "text": escape(t("teams.form_sent")),
                "isSubtle": True,
                "wrap": True,
            },
        ]
    )


def attachment(content: Card) -> dict[str, Any]:
    return {"contentType": CARD_CONTENT_TYPE, "content": content}


_STYLES = {"default": "default", "primary": "positive", "danger": "destructive"}


def _text_element(block: Text) -> dict[str, Any]:
    """A text as a TextBlock; a text of several lines as one TextBlock per line.

    Why: a TextBlock's markdown joins single line breaks into one paragraph, so a list of
    commands ("• signaal – …" per line) ran together in Microsoft's clients. One block per line
    keeps every line on its own, in every Teams client, without depending on markdown lists.
    An empty line becomes extra space above the next line.
    """
    lines = block.text.split("\n")
    if len(lines) == 1:
        return _text_block(block, block.text)
    items: list[dict[str, Any]] = []
    gap = False
    for line in lines:
        if not line.strip():
            gap = True
            continue
        element = _text_block(block, line)
        if items:
            element["spacing"] = "Medium" if gap else "None"
        items.append(element)
        gap = False
    return {"type": "Container", "items": items}


def _text_block(block: Text, text: str) -> dict[str, Any]:
    element: dict[str, Any] = {"type": "TextBlock", "text": escape(text), "wrap": True}
    if block.style == "header":
        element.update(weight="Bolder", size="Medium")
    elif block.style == "muted":
        element.update(isSubtle=True)
    elif block.style == "warning":
        element.update(color="Attention")
    return element


def _error_block(message: str) -> dict[str, Any]:
    return {"type": "TextBlock", "text": escape(message), "color": "Attention", "wrap": True}


def _choice(block: Choice, index: int, t: Translator) -> list[dict[str, Any]]:
    input_id = f"choice_{index}"
    return [
        {
            "type": "Input.ChoiceSet",
            "id": input_id,
            "label": block.label,
            "style": choice_style(len(block.options), expanded_up_to=5),
            "isRequired": True,
            "errorMessage": t("core.field_pick_option"),
            "choices": [{"title": o.label, "value": o.value} for o in block.options],
        },
        {
            "type": "ActionSet",
            "actions": [
                {
                    "type": "Action.Submit",
                    "title": t("teams.choose"),
                    "data": {"action_id": block.action_id, "choice_input": input_id},
                    "associatedInputs": "auto",
                }
            ],
        },
    ]


def _form(
    form: Form, t: Translator, values: Mapping[str, str], errors: Mapping[str, str]
) -> list[dict[str, Any]]:
    body: list[dict[str, Any]] = [
        {
            "type": "TextBlock",
            "text": escape(form.title),
            "weight": "Bolder",
            "size": "Medium",
            "wrap": True,
        }
    ]
    if "_form" in errors:
        body.append(_error_block(errors["_form"]))
    for field in form.inputs:
        # The input carries its own label above it; an error, then the hint follow directly
        # under the input, so both are read with their own field, not with the one above.
        shown = limits.bounded_value(
            field.kind,
            values.get(field.name, field.initial),
            max_length=field.max_length,
            choices={o.value for o in field.options},
        )
        body.append(_input(field, t, shown))
        if field.name in errors:
            body.append(_error_block(errors[field.name]))
        if field.hint:
            body.append(
                {
                    "type": "TextBlock",
                    "text": escape(field.hint),
                    "isSubtle": True,
                    "size": "Small",
                    "wrap": True,
                    "spacing": "Small",
                }
            )
    body.append(
        {
            "type": "ActionSet",
            "actions": [
                {
                    "type": "Action.Submit",
                    "title": form.submit_label,
                    "style": "positive",
                    "data": {"form_id": form.form_id, FORM_CONTEXT: form.context},
                    "associatedInputs": "auto",
                }
            ],
        }
    )
    return body


def _input(field: Input, t: Translator, value: str) -> dict[str, Any]:
    common: dict[str, Any] = {
        "id": field.name,
        "label": field.label,
        "isRequired": field.required,
        "errorMessage": t("core.field_required"),
    }
    if field.kind == "select":
        return {
            "type": "Input.ChoiceSet",
            **common,
            "style": choice_style(len(field.options)),
            "choices": [{"title": o.label, "value": o.value} for o in field.options],
            "value": value,
            "errorMessage": t("core.field_pick_option"),
        }
    if field.kind == "date":
        return {"type": "Input.Date", **common, "value": value}
    element = {
        "type": "Input.Text",
        **common,
        "isMultiline": field.kind == "multiline",
        "maxLength": field.max_length,
        "value": value,
    }
    if field.hint and field.kind != "multiline":
        element["placeholder"] = field.hint
    return element


def _image(block: Image, t: Translator) -> dict[str, Any] | None:
    """An Image element; a local ``path`` (the weekly summary chart) inline as a data URI.

    A file that is missing, empty or larger than :data:`MAX_INLINE_IMAGE` shows as its alt text
    with a short note, so the card still arrives.
    """
    url = block.url
    if url is None and block.path:
        path = Path(block.path)
        try:
            data = path.read_bytes()
        except OSError:
            data = b""
        problem = limits.image_problem(data)
        if problem is not None:
            return _image_note(t(f"teams.{problem}", alt=block.alt))
        mime = mimetypes.guess_type(path.name)[0] or "image/png"
        url = f"data:{mime};base64,{base64.b64encode(data).decode('ascii')}"
    if url is None:
        return None
    return {"type": "Image", "url": url, "altText": block.alt, "size": "Stretch"}


def _image_note(text: str) -> dict[str, Any]:
    return {"type": "TextBlock", "text": escape(text), "isSubtle": True, "wrap": True}


# --- card submits → events ------------------------------------------------------------------
