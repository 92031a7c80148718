"""Text operations on 1 MB of hostile input (issue 14): every one must be linear.

Each row is one operation on one repeated unit; the time is for 1 MB, and "x4" is the time for
4 MB divided by it (about 4 when linear, 16 when quadratic). The inputs are the ones that were
super-linear before: unclosed ``<at>`` mentions, ``<`` runs, Slack markup without ``>``, the
privacy guard's street and name patterns.

Run:  PYTHONPATH=. python benchmarks/text_worst_case.py [--mb 1]
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable

from bot.adapters.slack_text import from_slack
from bot.adapters.teams_inbound import html_to_text, strip_mentions
from handlers.intake import neutralise
from privacy import scan
from turn.router import Router

CASES: list[tuple[str, Callable[[str], object], str]] = [
    ("Teams strip_mentions", strip_mentions, "<at>"),
    ("Teams strip_mentions", strip_mentions, "<at>x</at> "),
    ("Teams html_to_text", html_to_text, "<"),
    ("Teams html_to_text", html_to_text, "<b "),
    ("Slack neutralise", neutralise, "<!here|"),
    ("Slack neutralise", neutralise, "<http:"),
    ("Slack neutralise", neutralise, "<@U|"),
    ("Slack from_slack", from_slack, "<a|"),
    ("router parse_text", Router().parse_text, "signaal "),
    ("privacy scan", scan, "a'"),
    ("privacy scan", scan, "Jan "),
    ("privacy scan", scan, "1234 AB "),
    ("privacy scan", scan, " "),
]


def timed(function: Callable[[str], object], text: str) -> float:
    began = time.perf_counter()
    function(text)
    return time.perf_counter() - began


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--mb", type=float, default=1.0)
    args = parser.parse_args()
    size = int(args.mb * 1_000_000)
    print(f"| operation | input (repeated) | {args.mb:g} MB (s) | x4 |")
    print("|---|---|---|---|")
    for name, function, unit in CASES:
        text = unit * (size // len(unit))
        one = timed(function, text)
        four = timed(function, text * 4)
        print(f"| {name} | `{unit!r}` | {one:.3f} | {four / max(one, 1e-9):.1f} |", flush=True)


if __name__ == "__main__":
    main()
