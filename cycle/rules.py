"""Reminder and dispatch rules from ``config/reminders.toml``."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from kernel.domain_config import ConfigFileError, read_config_file


@dataclass(frozen=True, slots=True)
class ReminderRules:
    before_due_working_days: tuple[int, ...] = (3,)
    on_due_date: bool = True
    escalate_after_working_days: int = 3
    postpone_working_days: int = 5
    max_postponements: int = 2
    extend_working_days: int = 5
    tick_interval_seconds: int = 60
    dispatch_interval_seconds: int = 5
    batch_size: int = 100
    lease_seconds: int = 120
    max_attempts: int = 8
    backoff_base_seconds: int = 60
    backoff_max_seconds: int = 3600


def load_rules(override_dir: Path | None = None) -> ReminderRules:
    data = read_config_file("reminders.toml", override_dir)
    reminders, dispatch = data.get("reminders", {}), data.get("dispatch", {})
    try:
        rules = ReminderRules(
            before_due_working_days=tuple(
                sorted({int(n) for n in reminders.get("before_due_working_days", [3])})
            ),
            on_due_date=bool(reminders.get("on_due_date", True)),
            escalate_after_working_days=int(reminders.get("escalate_after_working_days", 3)),
            postpone_working_days=int(reminders.get("postpone_working_days", 5)),
            max_postponements=int(reminders.get("max_postponements", 2)),
            extend_working_days=int(reminders.get("extend_working_days", 5)),
            tick_interval_seconds=int(dispatch.get("tick_interval_seconds", 60)),
            dispatch_interval_seconds=int(dispatch.get("dispatch_interval_seconds", 5)),
            batch_size=int(dispatch.get("batch_size", 100)),
            lease_seconds=int(dispatch.get("lease_seconds", 120)),
            max_attempts=int(dispatch.get("max_attempts", 8)),
            backoff_base_seconds=int(dispatch.get("backoff_base_seconds", 60)),
            backoff_max_seconds=int(dispatch.get("backoff_max_seconds", 3600)),
        )
    except (TypeError, ValueError) as exc:
        raise ConfigFileError(f"reminders.toml has a wrong value: {exc}") from None
    if any(n < 1 for n in rules.before_due_working_days) or rules.escalate_after_working_days < 1:
        raise ConfigFileError("reminders.toml: working-day counts must be 1 or more")
    return rules
