"""Golden transcripts: the main regression net for the shell and the tools.

Each ``*.transcript`` file holds ``$ command`` lines (``> `` for continuation lines, and
``root@<pod>:/# command`` for lines typed into a shell inside a container) and the
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
#: A shell inside a container (``kubectl exec -ti POD -- bash``): what follows it was typed.
NESTED_PROMPT = re.compile(r"root@\S+:\S*# ")


def parse_transcript(text: str) -> tuple[dict, list[str], list[str]]:
    """The settings (seed, lang), the input lines, and the whole expected transcript as lines."""
    lines = text.splitlines()
    settings = {"seed": 0, "lang": "en"}
    while lines and lines[0].startswith("#"):
        if match := re.match(r"#\s*(seed|lang):\s*(\S+)", lines[0]):
            key, value = match.groups()
            settings[key] = int(value) if key == "seed" else value
        lines.pop(0)
    commands = [typed[1] for typed in map(typed_command, lines) if typed is not None]
    return settings, commands, lines


def typed_command(line: str) -> tuple[str, str] | None:
    """(prompt, command) when ``line`` shows a typed command; the command is compared literally,
    since it is what was typed (a go-template's ``{{...}}`` included)."""
    if line.startswith(PROMPT) or line.startswith(CONTINUATION_PROMPT):
        return line[:len(PROMPT)], line[len(PROMPT):]
    if nested := NESTED_PROMPT.match(line):
        return line[:nested.end()], line[nested.end():]
    return None


def _pattern_text(expected: str) -> str:
    parts = re.split(r"\{\{(.+?)\}\}(?!\})", expected)
    return "".join(re.escape(part) if index % 2 == 0 else f"(?:{part})"
                   for index, part in enumerate(parts))


def line_pattern(expected: str) -> re.Pattern:
    typed = typed_command(expected)
    if typed is not None:
        prompt, command = typed
        return re.compile(_pattern_text(prompt) + re.escape(command) + r"\Z")
    return re.compile(_pattern_text(expected) + r"\Z")


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


def test_a_typed_go_template_is_compared_literally_even_after_a_nested_prompt():
    typed = "root@web-{{[a-z0-9]{5}}}:/# echo '{{.x}}'"
    assert line_pattern(typed).match("root@web-x7k2p:/# echo '{{.x}}'")
    assert not line_pattern(typed).match("root@web-x7k2p:/# echo 'a'")
    assert line_pattern("$ kubectl get pods -o go-template='{{.kind}}'").match(
        "$ kubectl get pods -o go-template='{{.kind}}'")


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
