"""User text in Teams cards and messages shows as typed: no link, mention or markup can form.

Checked with a CommonMark renderer (markdown-it, the family of parser the Adaptive Cards
renderers use): the escaped text renders to one paragraph with no element but text, and what it
shows is exactly what was typed.
"""

from __future__ import annotations

import html
import re
from typing import Any

import pytest
from markdown_it import MarkdownIt  # comes with typer (rich): no dependency of its own

from bot.adapters import teams_cards as cards
from bot.adapters.teams_text import escape
from kernel.core import FieldItem, Fields, Form, Image, Input, Reply, Text
from kernel.i18n import Catalogue

HOSTILE = [
    "[klik hier](https://evil.example)",
    "![plaatje](https://evil.example/x.png)",
    "[klik][1]\n\n[1]: https://evil.example",
    "<https://evil.example>",
    "<at>Burgemeester</at> kijk hier",
    "<a href='https://evil.example'>klik</a>",
    "**vet** en *schuin* en _ook schuin_ en ~~doorgestreept~~",
    "`code` en ```blok```",
    "# Kop\n## Nog een kop",
    "- een\n- twee\n+ drie\n* vier",
    "1. een\n2) twee",
    "> een citaat",
    "    ingesprongen code",
    "tekst\n===\nen\n---",
    "&lt;b&gt;entiteit&lt;/b&gt; &amp; &#91;x&#93;(https://evil.example)",
    "a\\[b](https://evil.example)",
    "\\\\[dubbel](https://evil.example)",
    "[geneste [haken]](https://evil.example)",
    "[leeg]()",
    "<img src=x onerror=alert(1)>",
]
_MARKUP = re.compile(r"<(?!/?p>)[a-z/][^>]*>")
_MD = MarkdownIt("commonmark")


def _visible(markdown: str) -> tuple[str, list[str]]:
    rendered = _MD.render(markdown)
    markup = _MARKUP.findall(rendered)
    text = html.unescape(re.sub(r"</?p>", "", rendered))
    return " ".join(text.split()), markup


def _expected(typed: str) -> str:
    return " ".join(typed.split())


@pytest.mark.parametrize("typed", HOSTILE)
def test_escaped_text_renders_as_typed_with_no_markup(typed: str) -> None:
    shown, markup = _visible(escape(typed))
    assert markup == [], f"markup formed: {markup}"
    assert shown == _expected(typed)


def _textual(node: Any) -> list[str]:
    """Every Markdown-rendered text in a card: TextBlock text, Fact titles and values."""
    found: list[str] = []
    if isinstance(node, dict):
        if node.get("type") == "TextBlock":
            found.append(node["text"])
        if node.get("type") == "FactSet":
            for fact in node["facts"]:
                found.extend((fact["title"], fact["value"]))
        for value in node.values():
            found.extend(_textual(value))
    elif isinstance(node, list):
        for item in node:
            found.extend(_textual(item))
    return found


@pytest.mark.parametrize("typed", HOSTILE)
def test_every_text_of_a_card_is_escaped(typed: str) -> None:
    t = Catalogue.load(None).translator("nl")
    form = Form(
        form_id="f",
        title=typed,
        submit_label="ok",
        inputs=(Input(name="text", label="Tekst", hint=typed),),
    )
    reply = Reply(
        blocks=(
            Text(text=typed, style="header"),
            Text(text=typed),
            Fields(items=(FieldItem(label=typed, value=typed),)),
            form,
        ),
        errors={"text": typed},
    )
    card = cards.render_card(reply, t)
    texts = _textual(card)
    lines = [line for line in typed.split("\n") if line.strip()]
    if len(lines) > 1:
        # A text of several lines is one TextBlock per line (Teams joins single line breaks),
        # so the header and the text show each line escaped on its own.
        assert texts.count(escape(typed)) >= 4  # fact title+value, form title, hint
        for line in lines:
            assert texts.count(escape(line)) >= 2, line  # header and text
    else:
        assert texts.count(escape(typed)) >= 6  # header, text, fact title+value, form title, hint
    for text in texts:
        _, markup = _visible(text)
        assert markup == [], f"markup formed in {text!r}: {markup}"
    assert _visible(cards.plain_text(Reply(blocks=(Text(text=typed),))))[0] == _expected(typed)
    sent = cards.sent_card(form, t)
    assert all(_visible(x)[1] == [] for x in _textual(sent))


def test_our_own_links_stay_links() -> None:
    """An address we write stays as it is (Teams links it, labelled with the address itself);
    links we make as elements (images) keep their URL."""
    url = "https://www.gemeente.example/onderzoek/jeugd-2026"
    assert url in escape(f"Lees meer: {url}")
    t = Catalogue.load(None).translator("nl")
    chart = "https://www.gemeente.example/grafiek.png"
    card = cards.render_card(Reply(blocks=(Image(alt="grafiek [x](y)", url=chart),)), t)
    assert card["body"][0]["url"] == chart
