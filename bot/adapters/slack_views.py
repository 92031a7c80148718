"""Slack views: modals for forms, the result and "one moment" views, the App Home, view state."""

from __future__ import annotations

import contextlib
import json
import unicodedata
from datetime import date
from typing import Any

# Block Kit limits (https://api.slack.com/reference/block-kit)
from bot.adapters.slack_blocks import BlockRenderer
from bot.adapters.slack_text import (
    COMMAND_ACTION,
    FORM_CALLBACK_PREFIX,
    INPUT_ACTION,
    MAX_ACTION_ID,
    MAX_HEADER,
    MAX_HINT,
    MAX_INITIAL_VALUE,
    MAX_INPUT_LENGTH,
    MAX_METADATA,
    MAX_MODAL_TITLE,
    MAX_OPTION_VALUE,
    MAX_OPTIONS,
    MAX_PLAIN_LABEL,
    MAX_VIEW_BLOCKS,
    mrkdwn,
    plain,
    shorten,
)
from kernel.core import (
    Button,
    Buttons,
    Form,
    Input,
    Option,
    Reply,
    Text,
)
from kernel.i18n import Translator


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
