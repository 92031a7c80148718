"""``python -m bot``: the same as the ``signaalbot`` command."""

from bot.cli import main

main()
