"""The README's settings table must name every setting, so it cannot drift from the code."""

from __future__ import annotations

from pathlib import Path

from kernel.settings import Settings

README = Path(__file__).resolve().parents[2] / "README.md"


def test_every_setting_is_documented() -> None:
    text = README.read_text(encoding="utf-8")
    missing = [
        f"SIGNAALBOT_{name.upper()}"
        for name in Settings.model_fields
        if f"`SIGNAALBOT_{name.upper()}`" not in text
    ]
    assert not missing, f"README lacks: {missing}"


def test_setup_is_two_make_commands() -> None:
    text = README.read_text(encoding="utf-8")
    assert "make run" in text and "make test" in text


def test_the_chat_command_names_every_role() -> None:
    from kernel.core import Role

    line = next(
        line for line in README.read_text(encoding="utf-8").splitlines() if "--role ROLE" in line
    )
    assert all(f"`{role.value}`" in line for role in Role), line
