"""The module-1 golden transcripts, run straight against kubectl and minikube.

The transcript runner in tests/transcripts feeds these files through the sandbox shell. This
test runs the same files with nothing but the two tools and ``sleep`` (argv split like a shell
would for these simple lines), so the tools are held to their transcripts on their own too.
"""

import io
import re
import shlex
from pathlib import Path

import pytest

from tool_sandbox import Machine

TRANSCRIPTS = sorted((Path(__file__).parents[1] / "transcripts").glob("module1-*.transcript"))


class MergedOutput(io.StringIO):
    """stdout and stderr in the order they were written, as a terminal shows them."""


def expected_pattern(line: str) -> re.Pattern:
    parts = re.split(r"\{\{(.+?)\}\}(?!\})", line)
    return re.compile("".join(re.escape(part) if index % 2 == 0 else f"(?:{part})"
                              for index, part in enumerate(parts)) + r"\Z")


def replay(text: str) -> tuple[list[str], list[str]]:
    lines = text.splitlines()
    seed = 0
    while lines and lines[0].startswith("#"):
        if match := re.match(r"#\s*seed:\s*(\d+)", lines[0]):
            seed = int(match.group(1))
        lines.pop(0)
    machine = Machine(seed=seed)
    transcript: list[str] = []
    for line in lines:
        if not line.startswith("$ "):
            continue
        transcript.append(line)
        argv = shlex.split(line[2:])
        if argv[0] == "sleep":
            machine.ctx.sleep(float(argv[1]))
            continue
        merged = MergedOutput()
        from cluster_engine.commands import COMMANDS
        COMMANDS[argv[0]](argv, io.StringIO(), merged, merged, machine.ctx)
        transcript.extend(merged.getvalue().splitlines())
    return lines, transcript


@pytest.mark.parametrize("path", TRANSCRIPTS, ids=[path.stem for path in TRANSCRIPTS])
def test_module1_transcript_holds_for_the_tools(path):
    expected, actual = replay(path.read_text(encoding="utf-8"))
    for number, (want, got) in enumerate(zip(expected, actual), start=1):
        assert expected_pattern(want).match(got), f"line {number}:\n  want {want!r}\n  got  {got!r}"
    assert len(expected) == len(actual), f"expected {len(expected)} lines, got {len(actual)}"


def test_there_are_transcripts_for_module_1():
    assert {path.stem for path in TRANSCRIPTS} >= {"module1-before-start", "module1-start",
                                                  "module1-stop-start-delete",
                                                  "module1-help-and-errors"}
