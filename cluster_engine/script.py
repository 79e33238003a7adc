"""Scripted mode: shell lines run as if typed, printed as a transcript.

``python -m cluster_engine script [--seed N] [--fake-clock] FILE|-`` prints each command after a
``$ `` prompt, then its output (stdout and stderr in the order written); output that does not end
with a newline is followed by one, so every prompt starts a line. With the fake clock, time
stands still except where a command waits (``sleep``, ``minikube start``), so the same seed and
script always give the same transcript. Transcript tests and lesson checks run on this.
"""

from __future__ import annotations

import io
from typing import Iterable, TextIO

from .clock import Clock
from .commands import ShellExit
from .sandbox import LocalBackend
from .session import new_shell
from .state import SandboxState

PROMPT = "$ "
CONTINUATION_PROMPT = "> "


class _OrderedOutput(io.TextIOBase):
    """One sink for stdout and stderr, so the transcript keeps the order they were written in."""

    def __init__(self, sink: TextIO):
        self._sink = sink
        self.at_line_start = True

    def writable(self) -> bool:
        return True

    def write(self, text: str) -> int:
        if text:
            self._sink.write(text)
            self.at_line_start = text.endswith("\n")
        return len(text)

    def flush(self) -> None:
        self._sink.flush()


def run_script(lines: Iterable[str], out: TextIO, clock: Clock, seed: int = 0, lang: str = "en",
               backend: LocalBackend | None = None) -> LocalBackend:
    """Run ``lines``; write the transcript to ``out``; return the backend holding the final state."""
    backend = backend or LocalBackend(SandboxState.fresh(seed))
    shell = new_shell(backend, clock, lang=lang)
    sink = _OrderedOutput(out)
    remaining = (raw.rstrip("\n") for raw in lines)

    def read_line(prompt: str) -> str:
        """The next scripted line, shown after ``prompt`` as if typed there."""
        line = next(remaining, None)
        if line is None:
            raise EOFError
        if not sink.at_line_start:
            sink.write("\n")
        out.write(f"{prompt}{line}\n")
        return line

    shell.ctx.read_line = read_line
    pending = ""
    while True:
        if not pending:
            shell.report_finished_jobs(sink)
        try:
            line = read_line(CONTINUATION_PROMPT if pending else PROMPT)
        except EOFError:
            if pending.strip():
                try:
                    shell.run_line(pending, sink, sink)
                except ShellExit:
                    out.write("exit\n")
            break
        pending = f"{pending}\n{line}" if pending else line
        if not shell.is_complete(pending):
            continue
        text, pending = pending, ""
        if not text.strip():
            continue
        try:
            shell.run_line(text, sink, sink)
        except ShellExit:
            out.write("exit\n")
            break
        out.flush()
    shell.hang_up()
    return backend
