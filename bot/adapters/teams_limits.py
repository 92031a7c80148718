"""Teams' limits as guards, as Slack's renderer has them: card size, inline images, input values.

Why: Teams refuses a message over about 100 KB (HTTP 413) and shows nothing; an image must be
smaller than 1 MB and at most 1024×1024 pixels; an input that shows a value longer than its own
``maxLength`` or a choice that is not among its choices confuses the person and fails the form.
These checks run on every card the renderer makes, so no handler has to know them.
"""

from __future__ import annotations

import io
import json
from typing import Any

from PIL import Image, UnidentifiedImageError

from turn.forms import is_date

# Teams: "the message size limit is approximately 100 KB"; keep room for the activity around it.
MAX_CARD_BYTES = 80 * 1024
# Teams: images "less than 1 MB" and "up to 1024×1024 pixels".
MAX_IMAGE_BYTES = 1024 * 1024
MAX_IMAGE_SIDE = 1024
MIN_KEPT_TEXT = 200

Card = dict[str, Any]


def image_problem(data: bytes) -> str | None:
    """None when Teams can show ``data`` inline, else why not (catalogue key suffix)."""
    if not data:
        return "image_unavailable"
    if len(data) >= MAX_IMAGE_BYTES:
        return "image_too_large"
    try:
        with Image.open(io.BytesIO(data)) as picture:
            width, height = picture.size
    except (UnidentifiedImageError, OSError, ValueError):
        return "image_unavailable"
    if width > MAX_IMAGE_SIDE or height > MAX_IMAGE_SIDE:
        return "image_too_large"
    return None


def card_size(card: Card) -> int:
    """Bytes of the card as sent, without inline images (Teams does not count those)."""

    def strip(node: Any) -> Any:
        if isinstance(node, dict):
            return {
                k: ("" if k == "url" and str(v).startswith("data:") else strip(v))
                for k, v in node.items()
            }
        if isinstance(node, list):
            return [strip(v) for v in node]
        return node

    return len(json.dumps(strip(card), ensure_ascii=False).encode("utf-8"))


def _texts(node: Any) -> list[tuple[dict[str, Any], str]]:
    """(holder, key) of every shortenable text: TextBlock texts and fact values."""
    found: list[tuple[dict[str, Any], str]] = []
    if isinstance(node, dict):
        if node.get("type") == "TextBlock" and isinstance(node.get("text"), str):
            found.append((node, "text"))
        if node.get("type") == "FactSet":
            found.extend((fact, "value") for fact in node.get("facts", []))
        for value in node.values():
            found.extend(_texts(value))
    elif isinstance(node, list):
        for item in node:
            found.extend(_texts(item))
    return found


def _size(node: Any) -> int:
    return len(json.dumps(node, ensure_ascii=False).encode("utf-8"))


def fit(card: Card, note: str, limit: int = MAX_CARD_BYTES) -> Card:
    """``card`` within ``limit`` bytes, with a note that it was shortened.

    First every long text (TextBlock, fact value) is cut to one common length, the largest
    that fits but never below :data:`MIN_KEPT_TEXT` characters, so each item keeps its start;
    when that is not enough, body elements are left out from the end.
    """
    if card_size(card) <= limit:
        return card
    shortened: Card = json.loads(json.dumps(card))
    body: list[Any] = shortened.setdefault("body", [])
    texts = [(h, k) for h, k in _texts(body) if len(str(h[k])) > MIN_KEPT_TEXT]
    note_block = {"type": "TextBlock", "text": note, "isSubtle": True, "wrap": True}
    budget = limit - _size(note_block) - 16
    lengths = [len(str(h[k]).encode("utf-8")) for h, k in texts]
    fixed = card_size(shortened) - sum(lengths)

    def total(cut: int) -> int:
        return fixed + sum(min(n, cut + 3) for n in lengths)

    low, high = MIN_KEPT_TEXT, max(lengths, default=MIN_KEPT_TEXT)
    while low < high:  # the largest common length that fits
        middle = (low + high + 1) // 2
        if total(middle) <= budget:
            low = middle
        else:
            high = middle - 1
    for holder, key in texts:
        text = str(holder[key])
        if len(text.encode("utf-8")) > low:
            holder[key] = text.encode("utf-8")[:low].decode("utf-8", "ignore").rstrip("\\") + "…"
    sizes = [_size(element) for element in body]
    over = card_size(shortened) - budget
    while over > 0 and len(body) > 1:
        over -= sizes.pop() + 1
        body.pop()
    body.append(note_block)
    while card_size(shortened) > limit and len(body) > 2:
        body.pop(-2)
    return shortened


def bounded_value(kind: str, value: str, *, max_length: int, choices: set[str]) -> str:
    """What an input may show again: within its length, one of its choices, a real date."""
    if kind == "select":
        return value if value in choices else ""
    if kind == "date":
        return value if is_date(value) else ""
    return value[:max_length]
