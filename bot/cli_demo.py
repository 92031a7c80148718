"""``signaalbot demo --out DIR``: a simulated year, written to DIR/transcript.jsonl."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path
from typing import Annotated

import typer

from bot.cli import fail, settings_for


def register(app: typer.Typer) -> None:
    @app.command("demo")
    def demo(
        out: Annotated[Path, typer.Option(help="Folder for demo.db, transcript.jsonl and charts")],
        weeks: Annotated[int, typer.Option(min=1, max=104, help="How many weeks to simulate")] = 52,
    ) -> None:
        """Simulate a year on an embedded database and write what everybody received."""
        from bot.demo import run_demo
        from kernel.logging import configure_logging

        settings = settings_for(None)
        configure_logging(settings.log_format, "warning")
        began = time.perf_counter()
        try:
            result = asyncio.run(run_demo(out, settings=settings, weeks=weeks))
        except OSError as exc:
            raise fail(f"Cannot write to {out}: {exc.strerror}") from None
        seconds = time.perf_counter() - began
        typer.echo(f"{result.messages} messages in {weeks} weeks ({seconds:.1f} s)")
        for kind, count in sorted(result.kinds.items()):
            typer.echo(f"  {kind:<18} {count}")
        typer.echo(f"Transcript: {result.transcript}")
        typer.echo(f"Charts: {result.charts} PNG files in {out}")
