"""What logging lets through: the scheduler's expected skips never reach a chat's terminal."""

from __future__ import annotations

import logging
from collections.abc import Iterator

import pytest

from kernel.logging import EXPECTED_WARNINGS, PAYLOAD_LOGGERS, configure_logging


@pytest.fixture(autouse=True)
def logging_as_it_was() -> Iterator[None]:
    """configure_logging changes process-wide state: put it back for the tests after this one."""
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    named = {n: logging.getLogger(n).level for n in (*PAYLOAD_LOGGERS, *EXPECTED_WARNINGS)}
    yield
    root.handlers[:] = handlers
    root.setLevel(level)
    for name, was in named.items():
        logging.getLogger(name).setLevel(was)


@pytest.mark.parametrize("level", ["debug", "info", "warning"])
def test_a_skipped_scheduler_run_is_not_shown_but_an_error_is(
    level: str, capsys: pytest.CaptureFixture[str]
) -> None:
    configure_logging("console", level)
    scheduler = logging.getLogger("apscheduler.scheduler")
    scheduler.warning('Execution of job "x" skipped: maximum number of running instances reached')
    scheduler.error("the scheduler itself failed")
    shown = capsys.readouterr().err
    assert "skipped" not in shown
    assert "the scheduler itself failed" in shown
    assert logging.getLogger("signaalbot.test").isEnabledFor(logging.WARNING)
