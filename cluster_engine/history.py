"""The shell's history as bash keeps it on Ubuntu, saved with the sandbox instead of a file.

Ubuntu's ``~/.bashrc`` sets ``HISTCONTROL=ignoreboth`` (a line that starts with a space, or
repeats the line before it, is not remembered), ``HISTSIZE=1000`` and ``histappend``: every shell
starts with the lines saved so far and, when it ends, appends the lines typed in it, so tabs
that were open together all keep theirs. The sandbox keeps the saved lines in its state
(``state.shell["history"]``) rather than in ``~/.bash_history``, so they follow the learner
into a new tab or across a reconnect.

Saving once, as the shell ends, keeps commands free of it: a read-only command still costs no
database write, and a command that writes pays for nothing more.
"""

from __future__ import annotations

#: How many lines a shell starts with and the sandbox keeps (Ubuntu's HISTSIZE).
HISTSIZE = 1000
#: What HISTCONTROL is when the learner has not changed it (Ubuntu's ``~/.bashrc``).
DEFAULT_HISTCONTROL = "ignoreboth"


def saved_lines(shell_state: dict) -> list[str]:
    """The history a new shell starts with."""
    lines = shell_state.get("history")
    if not isinstance(lines, list):
        return []
    return [line for line in lines[-HISTSIZE:] if isinstance(line, str)]


def is_remembered(line: str, previous: str | None, histcontrol: str | None) -> bool:
    """Whether bash enters ``line`` in the history, under ``$HISTCONTROL``."""
    if not line.strip():
        return False
    rules = set((DEFAULT_HISTCONTROL if histcontrol is None else histcontrol).split(":"))
    if rules & {"ignorespace", "ignoreboth"} and line[0] in " \t":
        return False
    return not (rules & {"ignoredups", "ignoreboth"} and line == previous)


def append_saved(shell_state: dict, new_lines: list[str]) -> None:
    """Add one shell's new lines after those saved (``histappend``), keeping the last HISTSIZE."""
    shell_state["history"] = (saved_lines(shell_state) + new_lines)[-HISTSIZE:]
