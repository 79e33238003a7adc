"""kubectl's help pages, kept as the exact text the real kubectl v1.32.5 prints.

The pages in ``help/`` were captured from the real binary with stdout going to a pipe, where
nothing is wrapped. On a terminal kubectl wraps them to 80, 100 or 120 columns; ``render``
reproduces that from the pipe form, so one file serves both. ``kubectl options`` mentions the
user's home directory, which is filled in from the environment.
"""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path

from ...printers.wordwrap import wrap_help

HELP_DIR = Path(__file__).parent / "help"
CAPTURED_HOME = "/home/learner"


@lru_cache(maxsize=None)
def help_page(name: str) -> str:
    """The captured page ``help/<name>.txt`` (``kubectl``, ``kubectl-get``, ...)."""
    return (HELP_DIR / f"{name}.txt").read_text(encoding="utf-8")


def has_help_page(name: str) -> bool:
    return (HELP_DIR / f"{name}.txt").is_file()


def terminal_columns(ctx, stream) -> int | None:
    """The width of the terminal ``stream`` writes to, or None when it is not a terminal."""
    if not getattr(ctx, "interactive", False):
        return None
    isatty = getattr(stream, "isatty", None)
    if not callable(isatty) or not isatty():
        return None
    columns = (getattr(ctx, "extra", {}) or {}).get("columns")
    if columns:
        return int(columns)
    try:
        return os.get_terminal_size(stream.fileno()).columns
    except (AttributeError, OSError, ValueError):
        pass
    try:
        return int(ctx.env.get("COLUMNS", "80"))
    except ValueError:
        return 80


def render(name: str, ctx, stream) -> str:
    text = help_page(name)
    home = ctx.env.get("HOME", CAPTURED_HOME)
    if home != CAPTURED_HOME:
        text = text.replace(f"'{CAPTURED_HOME}/", f"'{home}/")
    return wrap_help(text, terminal_columns(ctx, stream))
