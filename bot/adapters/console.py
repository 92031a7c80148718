"""The console adapter: the bot in a terminal, or driven by piped stdin from scripts and tests.

It only translates: a typed line becomes a Command/Message, a number picks a button, a form
becomes step-by-step prompts. Everything the bot says comes from the handlers.
"""

from __future__ import annotations

import asyncio
from typing import TextIO

from bot.adapters.language import person_translator
from bot.app import Signaalbot
from kernel.core import (
    Action,
    Buttons,
    Choice,
    Fields,
    Form,
    Identity,
    Image,
    Input,
    Reply,
    Submit,
    Text,
)
from kernel.i18n import Translator

STOP_WORDS = {"stop", "exit", "quit", "klaar"}


class ConsoleAdapter:
    def __init__(self, bot: Signaalbot, identity: Identity, stdin: TextIO, stdout: TextIO) -> None:
        self.bot = bot
        self.identity = identity
        self._in = stdin
        self._out = stdout
        self._pending: list[Action] = []
        self._eof = False

    # --- input/output ---------------------------------------------------------------------

    def _write(self, text: str = "") -> None:
        self._out.write(text + "\n")
        self._out.flush()

    async def _read(self, prompt: str = "> ") -> str | None:
        self._out.write(prompt)
        self._out.flush()
        line = await asyncio.to_thread(self._in.readline)
        if line == "":
            self._eof = True
            return None  # end of input
        return line.rstrip("\r\n")

    async def _t(self) -> Translator:
        """The person's own language (after ``taal en`` too), asked of the bot each time."""
        return await person_translator(
            self.bot, self.identity.platform, self.identity.user_id, self.identity.locale
        )

    # --- the loop ---------------------------------------------------------------------------

    async def run(self) -> None:
        self._write(
            (await self._t())(
                "core.console_welcome", name=self.identity.display_name or self.identity.user_id
            )
        )
        while True:
            line = await self._read()
            if line is None or line.strip().lower() in STOP_WORDS:
                self._write((await self._t())("core.console_goodbye"))
                return
            await self.send_line(line)

    async def send_line(self, line: str) -> None:
        stripped = line.strip()
        if stripped.isdigit() and self._pending:
            index = int(stripped) - 1
            if 0 <= index < len(self._pending):
                action = self._pending[index]
                self._pending = []
                await self._dispatch(action)
                return
            self._write((await self._t())("core.console_pick_number"))
            return
        await self._dispatch(self.bot.parse_text(line))

    async def _dispatch(self, event: Action | Submit | object) -> list[Reply]:
        replies = await self.bot.handle(self.identity, event)  # type: ignore[arg-type]
        for reply in replies:
            await self.render(reply)
        return replies

    # --- rendering -------------------------------------------------------------------------

    async def render(self, reply: Reply) -> None:
        for block in reply.blocks:
            if isinstance(block, Text):
                self._write(self._text(block))
            elif isinstance(block, Fields):
                for item in block.items:
                    self._write(f"  {item.label}: {item.value}")
            elif isinstance(block, Buttons):
                for button in block.buttons:
                    self._offer(
                        button.label, Action(action_id=button.action_id, value=button.value)
                    )
            elif isinstance(block, Choice):
                self._write(block.label)
                for option in block.options:
                    self._offer(option.label, Action(action_id=block.action_id, value=option.value))
            elif isinstance(block, Image):
                where = block.path or block.url or ""
                self._write(
                    (await self._t())("core.console_image_saved", path=where) + f" ({block.alt})"
                )
            elif isinstance(block, Form):
                await self.fill_form(block)
        for name, message in reply.errors.items():
            if name == "_form":
                continue
            self._write(f"! {name}: {message}")

    def _text(self, block: Text) -> str:
        if block.style == "header":
            return f"\n== {block.text} =="
        if block.style == "warning":
            return f"! {block.text}"
        return block.text

    def _offer(self, label: str, action: Action) -> None:
        self._pending.append(action)
        self._write(f"  [{len(self._pending)}] {label}")

    # --- forms as step-by-step prompts ----------------------------------------------------

    async def fill_form(self, form: Form) -> None:
        t = await self._t()
        draft = await self.bot.load_draft(self.identity, form.form_id)
        if draft:
            self._write(t("core.console_draft_resumed"))
        values = {i.name: draft.get(i.name, i.initial) for i in form.inputs}
        self._write(f"\n== {form.title} ==")
        todo = list(form.inputs)
        while True:
            for field in todo:
                answer = await self._ask(field, values.get(field.name, ""))
                if answer is None:
                    if self._eof:
                        return  # input ended, not a choice to stop: the draft stays for later
                    self._write(t("core.cancelled"))
                    await self.bot.clear_draft(self.identity, form.form_id)
                    return
                values[field.name] = answer
                await self.bot.save_draft(self.identity, form.form_id, values)
            submit = Submit(form_id=form.form_id, values=values, context=form.context)
            replies = await self.bot.handle(self.identity, submit)
            errors = {k: v for r in replies for k, v in r.errors.items()}
            if not errors:
                await self.bot.clear_draft(self.identity, form.form_id)
                for reply in replies:
                    await self.render(reply)
                return
            for reply in replies:
                await self.render(reply)
            known = {f.name for f in form.inputs}
            if "_form" in errors or not known & errors.keys():
                # The database was away: everything typed is kept; ask again to send.
                todo = []
                again = await self._read(f"[1] {form.submit_label}  [2] {t('core.cancel')} > ")
                if again is None or again.strip() != "1":
                    self._write(t("core.cancelled"))
                    return
                continue
            todo = [f for f in form.inputs if f.name in errors]

    async def _ask(self, field: Input, current: str) -> str | None:
        t = await self._t()
        self._write(t("core.console_form_step", label=field.label))
        if field.hint:
            self._write(f"  {field.hint}")
        if field.options:
            for number, option in enumerate(field.options, start=1):
                self._write(f"  [{number}] {option.label}")
        if current:
            shown = next((o.label for o in field.options if o.value == current), current)
            self._write("  " + t("core.console_form_keep", value=shown[:80]))
        elif not field.required:
            self._write("  " + t("core.console_form_optional"))
        line = await self._read("  > ")
        if line is None or line.strip().lower() in STOP_WORDS:
            return None
        answer = line.strip()
        if not answer:
            return current
        if field.options and answer.isdigit() and 1 <= int(answer) <= len(field.options):
            return field.options[int(answer) - 1].value
        if field.options:
            by_label = {o.label.lower(): o.value for o in field.options}
            return by_label.get(answer.lower(), answer)
        return answer
