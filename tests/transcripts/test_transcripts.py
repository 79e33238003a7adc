"""Golden transcripts: the main regression net for the shell and the tools.

Each ``*.transcript`` file holds ``$ command`` lines (``> `` for continuation lines) and the
output expected after each, stdout and stderr in the order written. ``{{regex}}`` inside an expected
line matches a generated part (a name suffix, a port); slashes are common in kubectl output,
so they stay literal. Leading ``#`` lines are comments;
``# seed: N`` picks the random seed and ``# lang: ja`` the terminal's language. Every file runs in scripted mode with the fake clock.
"""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest

from cluster_engine.clock import FakeClock
from cluster_engine.script import CONTINUATION_PROMPT, PROMPT, run_script

TRANSCRIPTS = sorted(Path(__file__).parent.glob("*.transcript"))


def parse_transcript(text: str) -> tuple[dict, list[str], list[str]]:
    """The settings (seed, lang), the input lines, and the whole expected transcript as lines."""
    lines = text.splitlines()
    settings = {"seed": 0, "lang": "en"}
    while lines and lines[0].startswith("#"):
        if match := re.match(r"#\s*(seed|lang):\s*(\S+)", lines[0]):
            key, value = match.groups()
            settings[key] = int(value) if key == "seed" else value
        lines.pop(0)
    commands = [line[len(PROMPT):] for line in lines
                if line.startswith(PROMPT) or line.startswith(CONTINUATION_PROMPT)]
    return settings, commands, lines


def line_pattern(expected: str) -> re.Pattern:
    parts = re.split(r"\{\{(.+?)\}\}(?!\})", expected)
    regex = "".join(re.escape(part) if index % 2 == 0 else f"(?:{part})"
                    for index, part in enumerate(parts))
    return re.compile(regex + r"\Z")


def first_difference(expected: list[str], actual: list[str]) -> str | None:
    for number, (want, got) in enumerate(zip(expected, actual), start=1):
        if not line_pattern(want).match(got):
            return f"line {number}:\n  expected: {want!r}\n  actual:   {got!r}"
    if len(expected) != len(actual):
        shorter = min(len(expected), len(actual))
        extra = (actual if len(actual) > shorter else expected)[shorter:shorter + 5]
        side = "actual has more" if len(actual) > shorter else "expected has more"
        return f"after line {shorter}, {side}: {extra!r}"
    return None


def test_line_pattern_matches_braced_regex_and_everything_else_literally():
    assert line_pattern("pod/web-{{[a-z0-9]{5}}} 1/1 (1.0)").match("pod/web-x7k2p 1/1 (1.0)")
    assert not line_pattern("pod/web-{{[a-z0-9]{5}}} 1/1 (1.0)").match("pod/web-x7k2p 1/1 (1x0)")


@pytest.mark.parametrize("path", TRANSCRIPTS, ids=[path.stem for path in TRANSCRIPTS])
def test_transcript(path: Path):
    settings, commands, expected = parse_transcript(path.read_text(encoding="utf-8"))
    out = io.StringIO()
    run_script(commands, out, FakeClock(), seed=settings["seed"], lang=settings["lang"])
    difference = first_difference(expected, out.getvalue().splitlines())
    assert difference is None, f"{path.name} differs at {difference}\n\nwhole output:\n{out.getvalue()}"
