"""Structured logging: readable in development, JSON in production.

Privacy rule: log ids (person id, signal ref, event id), never the text a person typed.
"""

from __future__ import annotations

import logging
import sys

import structlog


class _CurrentStderr:
    """Writes to whatever ``sys.stderr`` is now, so a replaced stream (tests, embedding) never
    leaves logging pointing at a closed file."""

    def write(self, text: str) -> int:
        return sys.stderr.write(text)

    def flush(self) -> None:
        sys.stderr.flush()


PAYLOAD_LOGGERS = (
    "slack_sdk",
    "slack_bolt",
    "botbuilder",
    "botframework",
    "msrest",
    "aiohttp.client",
    "aiohttp.server",
    "aiohttp.web",
    "sqlalchemy",
    "aiosqlite",
    "psycopg",
    "urllib3",
    "asyncio",
)


#: Libraries whose warnings describe what we asked for. Our scheduler runs every job with
#: ``max_instances=1`` and ``coalesce`` (``cycle.scheduler``): a run skipped because the last one
#: is still going (the first index round loads the encoder) or missed while a laptop slept is
#: normal, and the console chat printed it between the person's messages. Errors still show;
#: a job's own failures are logged by the scheduler's job wrapper.
EXPECTED_WARNINGS = ("apscheduler.scheduler",)


def configure_logging(fmt: str = "console", level: str = "info") -> None:
    numeric = getattr(logging, level.upper(), logging.INFO)
    renderer: structlog.types.Processor = (
        structlog.processors.JSONRenderer()
        if fmt == "json"
        else structlog.dev.ConsoleRenderer(colors=False)
    )
    stream = _CurrentStderr()
    logging.basicConfig(format="%(message)s", stream=stream, level=numeric, force=True)
    # Libraries that log request and response bodies or SQL parameters at debug/info level
    # (Slack and Bot Framework clients, SQLAlchemy, aiohttp): those carry message text, so
    # they stay at warning even when our own logging is at debug.
    for name in PAYLOAD_LOGGERS:
        logging.getLogger(name).setLevel(max(numeric, logging.WARNING))
    for name in EXPECTED_WARNINGS:
        logging.getLogger(name).setLevel(max(numeric, logging.ERROR))
    structlog.configure(
        processors=[
            structlog.contextvars.merge_contextvars,
            structlog.processors.add_log_level,
            structlog.processors.TimeStamper(fmt="iso", utc=True),
            structlog.processors.format_exc_info,
            renderer,
        ],
        wrapper_class=structlog.make_filtering_bound_logger(numeric),
        logger_factory=structlog.PrintLoggerFactory(file=stream),  # type: ignore[arg-type]
        cache_logger_on_first_use=False,
    )


def get_logger(name: str) -> structlog.stdlib.BoundLogger:
    logger: structlog.stdlib.BoundLogger = structlog.get_logger(name)
    return logger
