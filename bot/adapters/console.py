"""The console adapter: the bot in a terminal, or driven by piped stdin from scripts and tests.

It only translates: a typed line becomes a Command/Message, a number picks a button, a form
becomes step-by-step prompts. Everything the bot says comes from the handlers.
"""

from __future__ import annotations

import asyncio
from typing import TextIO

from bot.adapters.console_messenger import ConsoleInbox
from bot.adapters.console_terminal import TerminalLines
from bot.adapters.language import person_translator
from kernel.core import (
    Action,
    Attachment,
    Buttons,
    Choice,
    Command,
    Fields,
    Form,
    Identity,
    Image,
    Input,
    Message,
    Reply,
    Submit,
    Text,
)
from kernel.i18n import Translator
from storage.db import DatabaseUnavailableError
from turn.forms import audit_refusal_for, check_input
from turn.pipeline import Signaalbot

CANCEL_WORDS = frozenset({"stop", "annuleer", "annuleren", "cancel"})  # stop what you are doing
QUIT_WORDS = frozenset({"afsluiten", "exit", "quit"})  # close the chat
LIVE_POLL_SECONDS = 2.0


def named(label: str, message: str) -> str:
    """An error with the input it is about: ``Thema: Kies …``, ``Wat zie je? Vul …``."""
    label = label.strip()
    return f"{label} {message}" if label.endswith(("?", ":", ".", "!")) else f"{label}: {message}"


class ConsoleAdapter:
    """One person's chat. ``inbox`` brings what the dispatcher delivered to this person: shown
    before the first prompt, after every turn, and (``live``, on a terminal) every few seconds
    while the person is typing."""

    def __init__(
        self,
        bot: Signaalbot,
        identity: Identity,
        stdin: TextIO,
        stdout: TextIO,
        *,
        inbox: ConsoleInbox | None = None,
        live: bool = False,
        terminal: TerminalLines | None = None,
    ) -> None:
        self.bot = bot
        self.identity = identity
        self._in = stdin
        self._out = stdout
        self._inbox = inbox
        self._live = live
        self._terminal = terminal  # on a terminal: line editing, history, Ctrl-C
        self._prompt = "> "
        self._pending: list[tuple[str, Action]] = []
        self._eof = False
        self.last_form: Form | None = None  # the form asked last (its labels name errors)
        self._last_t: Translator | None = None

    # --- input/output ---------------------------------------------------------------------

    def _write(self, text: str = "") -> None:
        self._out.write(text + "\n")
        self._out.flush()

    async def _read(self, prompt: str = "> ") -> str | None:
        self._prompt = prompt
        if self._terminal is not None:
            typed = await self._terminal.read(prompt)
            if typed is None:
                self._eof = True
                self._write()
            return typed
        self._out.write(prompt)
        self._out.flush()
        line = await asyncio.to_thread(self._in.readline)
        if line == "":
            self._eof = True
            return None  # end of input
        return line.rstrip("\r\n")

    async def _t(self) -> Translator:
        """The person's own language (after ``taal en`` too), asked of the bot each time."""
        self._last_t = await person_translator(
            self.bot, self.identity.platform, self.identity.user_id, self.identity.locale
        )
        return self._last_t

    def _known_t(self) -> Translator:
        """The language last asked, without the database: Ctrl-C closes the chat at once,
        also while the database is away or a read of it is what was interrupted."""
        if self._last_t is not None:
            return self._last_t
        return self.bot.services.translator(self.identity.locale)

    # --- the loop ---------------------------------------------------------------------------

    async def run(self) -> None:
        self._write(
            (await self._t())(
                "core.console_welcome", name=self.identity.display_name or self.identity.user_id
            )
        )
        await self.show_inbox()
        poller = asyncio.create_task(self._poll()) if self._live and self._inbox else None
        try:
            await self._loop()
        except asyncio.CancelledError:
            if self._terminal is None:
                raise
            # Ctrl-C on a terminal: the chat closes at once (a form's answers stay as a draft).
            self._write()
            self._write(self._known_t()("core.console_goodbye"))
        finally:
            if poller is not None:
                poller.cancel()
            if self._terminal is not None:
                self._terminal.restore()

    async def _loop(self) -> None:
        while True:
            line = await self._read()
            word = (line or "").strip().lower()
            if line is None or word in QUIT_WORDS:
                self._write((await self._t())("core.console_goodbye"))
                return
            if word in CANCEL_WORDS:
                await self._stop_choice()
                continue
            await self.send_line(line)
            await self.show_inbox()

    async def _stop_choice(self) -> None:
        if self._pending:
            self._pending = []
            self._write((await self._t())("core.console_choice_stopped"))
        else:
            self._write((await self._t())("core.console_nothing_to_stop"))

    async def _poll(self) -> None:
        while True:
            await asyncio.sleep(LIVE_POLL_SECONDS)
            try:
                await self.show_inbox(prompt_again=True)
            except DatabaseUnavailableError:
                continue  # the database is briefly away: the messages wait for the next look

    async def show_inbox(self, *, prompt_again: bool = False) -> int:
        """Show what was delivered to this person since the last look; returns how many."""
        if self._inbox is None:
            return 0
        replies = await self._inbox.take()
        for reply in replies:
            self._write()
            self._write((await self._t())("core.console_new_message"))
            await self.render(reply)
        if replies and prompt_again:
            if self._terminal is not None:
                self._terminal.redraw(self._prompt)  # with what was typed so far
            else:
                self._out.write(self._prompt)
                self._out.flush()
        return len(replies)

    async def send_line(self, line: str) -> None:
        stripped = line.strip()
        if self._pending:
            chosen = self._choice(stripped)
            if chosen is not None:
                self._pending = []
                await self._dispatch(chosen)
                return
            if stripped.isdigit():
                self._write((await self._t())("core.console_pick_number"))
                return
        await self._dispatch(self.bot.parse_text(line))

    def _choice(self, typed: str) -> Action | None:
        """The offered button or option the person picked, by its number or its label."""
        if typed.isdigit():
            index = int(typed) - 1
            return self._pending[index][1] if 0 <= index < len(self._pending) else None
        wanted = typed.casefold()
        matches = [action for label, action in self._pending if label.casefold() == wanted]
        return matches[0] if len(matches) == 1 else None

    async def _dispatch(self, event: Command | Message | Action | Submit) -> list[Reply]:
        replies = await self.bot.handle(self.identity, event)
        for reply in replies:
            await self.render(reply)
        return replies

    # --- rendering -------------------------------------------------------------------------

    async def render(self, reply: Reply, form: Form | None = None) -> None:
        """Show one reply; errors about a form's inputs name each input by its label."""
        if any(isinstance(b, Buttons | Choice) for b in reply.blocks):
            self._pending = []  # the newest choices are the only ones a number can pick
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
            elif isinstance(block, Attachment):
                self._write(f"  {block.label}: {block.path}")  # the saved file, to open
            elif isinstance(block, Form):
                await self.fill_form(block)
        labels = {i.name: i.label for i in form.inputs} if form is not None else {}
        for name, message in reply.errors.items():
            if name == "_form":
                continue
            # Never the input's internal name: the label the person just answered, or nothing.
            label = labels.get(name)
            self._write(f"! {named(label, message)}" if label else f"! {message}")

    def _text(self, block: Text) -> str:
        if block.style == "header":
            return f"\n== {block.text} =="
        if block.style == "warning":
            return f"! {block.text}"
        return block.text

    def _offer(self, label: str, action: Action) -> None:
        self._pending.append((label, action))
        self._write(f"  [{len(self._pending)}] {label}")

    # --- forms as step-by-step prompts ----------------------------------------------------

    async def fill_form(self, form: Form) -> None:
        """Ask each input in turn; each answer is checked as it is given (``check_input``: privacy,
        required, length), so a BSN typed at step one is refused at step one."""
        t = await self._t()
        self.last_form = form
        draft = await self.bot.state.load_draft(
            self.identity.platform, self.identity.user_id, form.form_id
        )
        if draft:
            self._write(t("core.console_draft_resumed"))
        values = {i.name: draft.get(i.name, i.initial) for i in form.inputs}
        self._write(f"\n== {form.title} ==")
        todo = list(form.inputs)
        while True:
            for field in todo:
                answer = await self._ask(field, values.get(field.name, ""), form.form_id)
                if answer is None:
                    if self._eof:
                        return  # input ended, not a choice to stop: the draft stays for later
                    self._write(t("core.cancelled"))
                    await self.bot.state.clear_draft(
                        self.identity.platform, self.identity.user_id, form.form_id
                    )
                    return
                values[field.name] = answer
                await self.bot.state.save_draft(
                    self.identity.platform, self.identity.user_id, form.form_id, values
                )
            submit = Submit(form_id=form.form_id, values=values, context=form.context)
            replies = await self.bot.handle(self.identity, submit)
            errors = {k: v for r in replies for k, v in r.errors.items()}
            if not errors:
                await self.bot.state.clear_draft(
                    self.identity.platform, self.identity.user_id, form.form_id
                )
                for reply in replies:
                    await self.render(reply)
                return
            for reply in replies:
                await self.render(reply, form)
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
            for field in todo:
                # What the bot refused is not offered back to keep (Enter would send it again).
                values[field.name] = ""

    async def _ask(self, field: Input, current: str, form_id: str = "") -> str | None:
        """One input, asked until the answer passes; None when the person stops.

        After a refusal the question comes again at once. What is offered to keep is the masked
        text (never what was refused); an answer that is too short or too long never replaces
        the text that was there.
        """
        t = await self._t()
        while True:
            answer = await self._ask_once(field, current)
            if answer is None:
                return None
            check = check_input(field, answer, t)
            if check.ok:
                return answer
            self._write(f"! {named(field.label, check.error)}")
            if check.kinds:
                await audit_refusal_for(
                    self.bot.services,
                    self.identity.platform.value,
                    self.identity.user_id,
                    form_id,
                    {field.name: check.kinds},
                )
                current = check.offer
            elif current and not check_input(field, current, t).ok:
                current = ""  # the kept text fails too (a stale draft): nothing to keep

    async def _ask_once(self, field: Input, current: str) -> str | None:
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
        if line is None or line.strip().lower() in CANCEL_WORDS | QUIT_WORDS:
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
