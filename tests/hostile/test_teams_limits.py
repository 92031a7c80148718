"""Teams' limits as guards: card size, inline images, input values within their own limits."""

from __future__ import annotations

import base64
import random
from io import BytesIO
from pathlib import Path

import pytest
from PIL import Image as Picture

from bot.adapters import teams_limits as limits
from bot.adapters.teams_cards import render_card
from bot.adapters.teams_messenger import reply_activity
from kernel.core import FieldItem, Fields, Form, Image, Input, Option, Reply, Text
from kernel.i18n import Catalogue
from tests.integration.teams.fake_connector import find
from turn.forms import validate_form

T = Catalogue.load().translator("nl")


def png(width: int, height: int, *, noise: bool = False) -> bytes:
    picture = Picture.new("RGB", (width, height), "#1F6F8B")
    if noise:  # random pixels do not compress: about 3 bytes per pixel
        data = random.Random(width).randbytes(width * height * 3)
        picture = Picture.frombytes("RGB", (width, height), data)
    buffer = BytesIO()
    picture.save(buffer, format="PNG")
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("width", "height", "inline"),
    [(1024, 1024, True), (1025, 10, False), (10, 1025, False), (4000, 3000, False), (1, 1, True)],
)
def test_images_at_most_1024_pixels_a_side(
    tmp_path: Path, width: int, height: int, inline: bool
) -> None:
    path = tmp_path / "chart.png"
    path.write_bytes(png(width, height))
    card = render_card(Reply(blocks=(Image(alt="Grafiek", path=str(path)),)), T)
    assert bool(find(card, "Image")) is inline
    if not inline:
        assert "te groot" in find(card, "TextBlock")[0]["text"]


def test_images_under_one_megabyte(tmp_path: Path) -> None:
    path = tmp_path / "noise.png"
    data = png(700, 700, noise=True)
    assert len(data) >= limits.MAX_IMAGE_BYTES  # noise does not compress: over 1 MB
    path.write_bytes(data)
    card = render_card(Reply(blocks=(Image(alt="Ruis", path=str(path)),)), T)
    assert find(card, "Image") == []
    small = tmp_path / "small.png"
    small.write_bytes(png(300, 300, noise=True))
    [image] = find(render_card(Reply(blocks=(Image(alt="x", path=str(small)),)), T), "Image")
    assert base64.b64decode(image["url"].split(",", 1)[1]) == small.read_bytes()


def test_a_corrupt_image_shows_its_alt_text(tmp_path: Path) -> None:
    path = tmp_path / "kapot.png"
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + b"kapot" * 100)
    card = render_card(Reply(blocks=(Image(alt="Grafiek", path=str(path)),)), T)
    assert find(card, "Image") == [] and "Grafiek" in find(card, "TextBlock")[0]["text"]


@pytest.mark.parametrize("paragraphs", [1, 40, 400])
def test_cards_stay_under_80_kb_and_say_when_shortened(paragraphs: int) -> None:
    long = "Een lange alinea over wachtlijsten in de jeugdzorg. " * 60  # about 3 KB
    reply = Reply(
        blocks=(
            Text(text="Overzicht", style="header"),
            *(Text(text=f"{n}: {long}") for n in range(paragraphs)),
            Fields(
                items=tuple(FieldItem(label=f"Veld {n}", value=long) for n in range(paragraphs))
            ),
        )
    )
    card = render_card(reply, T)
    assert limits.card_size(card) <= limits.MAX_CARD_BYTES
    note = "ingekort" in find(card, "TextBlock")[-1]["text"]
    assert note is (paragraphs > 10)
    assert find(card, "TextBlock")[0]["text"] == "Overzicht"


def test_a_long_plain_message_becomes_a_shortened_card() -> None:
    reply = Reply(blocks=(Text(text="x" * 200_000),))
    activity = reply_activity(reply, T)
    assert activity.text is None
    content = activity.attachments[0].content
    assert limits.card_size(content) <= limits.MAX_CARD_BYTES


FORM = Form(
    form_id="f",
    title="Formulier",
    submit_label="Versturen",
    inputs=(
        Input(name="text", label="Tekst", max_length=50),
        Input(
            name="theme",
            label="Thema",
            kind="select",
            options=(Option(label="Jeugd", value="jeugd"),),
        ),
        Input(name="day", label="Datum", kind="date"),
    ),
)


@pytest.mark.parametrize(
    ("values", "shown"),
    [
        (
            {"text": "a" * 500, "theme": "jeugd", "day": "2026-12-01"},
            ("a" * 50, "jeugd", "2026-12-01"),
        ),
        ({"text": "ok", "theme": "verzonnen", "day": "morgen"}, ("ok", "", "")),
        ({"text": "ok", "theme": "", "day": "2026-02-30"}, ("ok", "", "")),
        ({"text": "ok", "theme": "jeugd", "day": "99999-01-01"}, ("ok", "jeugd", "")),
    ],
)
def test_a_refused_form_shows_values_within_their_own_limits(
    values: dict[str, str], shown: tuple[str, str, str]
) -> None:
    card = render_card(Reply(errors={"text": "Te lang"}), T, form=FORM, values=values)
    by_id = {
        e["id"]: e for t in ("Input.Text", "Input.ChoiceSet", "Input.Date") for e in find(card, t)
    }
    assert (by_id["text"]["value"], by_id["theme"]["value"], by_id["day"]["value"]) == shown
    assert len(by_id["text"]["value"]) <= by_id["text"]["maxLength"]


@pytest.mark.parametrize(
    ("day", "theme", "errors"),
    [
        ("2026-12-01", "jeugd", set()),
        ("2026-13-01", "jeugd", {"day"}),
        ("01-12-2026", "jeugd", {"day"}),
        ("2026-12-01", "verzonnen", {"theme"}),
        ("٢٠٢٦-١٢-٠١", "jeugd", {"day"}),
    ],
)
def test_dates_and_choices_are_checked_on_submit(day: str, theme: str, errors: set[str]) -> None:
    found = validate_form(FORM, {"text": "ok", "theme": theme, "day": day}, T)
    assert set(found) == errors
    if "day" in found:
        assert "jaar-maand-dag, bijvoorbeeld 2026-12-01" in found["day"]
