"""Random and hostile input: the shell always answers in bounded time with a status, output or an
error message, never with an exception or a hang, and stays usable afterwards."""

import io
import time
from datetime import timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cluster_engine.commands import ShellExit

#: Seconds any one input may take, including all the jobs it starts.
BOUND = 2.0

PIECES = [
    "echo", "printf", "export", "unset", "env", "cd", "type", "which", "history", "help", "true",
    "false", "exit", "nosuch", "X=", "X+=", "$X", "${X", "${X:-", "${#X}", "${X:?", "}", "$(", ")", "(",
    "`", '"', "'", "$'", "\\", "\n", " ", "\t", "|", "|&", "||", "&&", ";", ";;", "&", ">", ">>", "<",
    "<<<", "<<", "2>&1", ">&2", "&>", "/dev/null", "$?", "$$", "~", "#", "{", "!", "*", "=", ":",
    "%s", "%d", "%b", "%q", "%", "\\c", "\\x", "-n", "-e", "--", "IFS=:", "PS1=", "$((", "for",
    "<<EOF", "<<-EOF", "<<'EOF'", "\nEOF", "\n\tEOF", "EOF", "alias", "alias a=", "unalias", "a",
    "'echo '", "sleep", "sleep 1", "jobs", "fg", "bg", "wait", "kill", "kill -9", "%1", "%%", "%-",
    ":(){ :|:& };:", "\x00", "\x1b[A", "\ufffd",
]
lines = st.lists(st.sampled_from(PIECES) | st.text(max_size=3), max_size=40).map("".join)


def run_bounded(shell, line: str) -> tuple[int, str]:
    """Run ``line`` as the terminal would (completeness check, run, job notices) within BOUND."""
    out = io.StringIO()
    started = time.monotonic()
    assert isinstance(shell.is_complete(line), bool)
    try:
        status = shell.run_line(line, out, out)
    except ShellExit as done:
        status = done.status
    shell.report_finished_jobs(out)
    assert time.monotonic() - started < BOUND
    assert isinstance(status, int) and 0 <= status <= 255
    assert "internal error" not in out.getvalue()
    return status, out.getvalue()


def assert_still_usable(shell) -> None:
    assert isinstance(shell.prompt(), str)
    status, out = run_bounded(shell, "unalias -a; echo alive")
    assert status == 0 and out.startswith("alive\n")


@settings(max_examples=500, deadline=timedelta(seconds=BOUND),
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(line=lines)
def test_random_input_never_escapes_as_an_exception(make_shell, line):
    shell = make_shell()
    try:
        run_bounded(shell, line)
        assert_still_usable(shell)
    finally:
        shell.hang_up()


@settings(max_examples=100, deadline=timedelta(seconds=BOUND),
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(raw=st.binary(max_size=200))
def test_any_bytes_decoded_as_the_terminal_decodes_them_are_answered(make_shell, raw):
    shell = make_shell()
    try:
        run_bounded(shell, raw.decode("utf-8", errors="replace"))
        assert_still_usable(shell)
    finally:
        shell.hang_up()


HOSTILE = {
    "unbalanced quotes": "echo 'a \"b `c $(d ${e",
    "substitutions thousands deep": "echo " + "$(" * 5000 + "x" + ")" * 5000,
    "unclosed substitutions thousands deep": "$(" * 5000,
    "backquotes thousands deep": "echo " + "`\\" * 3000 + "`",
    "a megabyte line": "echo " + "a" * (1 << 20),
    "a megabyte of quote": "'" * (1 << 20),
    "a megabyte here-document": "true <<EOF\n" + "x\n" * (1 << 19) + "EOF",
    "control characters": "echo \x00\x01\x07\x08\x1b[2J\x7f\r done",
    "a fork bomb": ":(){ :|:& };:",
    "a fork bomb with a name": "bomb(){ bomb|bomb& };bomb",
    "many jobs": "sleep 9 & " * 1000,
    "many ampersands": "& " * 1000,
    "jobs that start jobs": "sleep 1 && sleep 1 & " * 100 + "wait",
    "an alias that loops": "alias a='a a ' ; a",
    "here-documents without end": "cat <<A <<B <<C " * 200,
    "a kill storm": "sleep 5 & " * 50 + "kill " + " ".join(f"%{n}" for n in range(1, 60)),
}


@pytest.mark.parametrize("line", HOSTILE.values(), ids=HOSTILE.keys())
def test_hostile_input_is_answered_within_the_bound(make_shell, line):
    shell = make_shell()
    try:
        status, out = run_bounded(shell, line)
        assert status == 0 or out
        assert_still_usable(shell)
    finally:
        shell.hang_up()


def test_an_alias_loop_is_answered_on_the_following_line_too(make_shell):
    shell = make_shell()
    run_bounded(shell, "alias a='a a ' b='c ' c='b '")
    assert run_bounded(shell, "a")[0] == 127
    assert run_bounded(shell, "b")[0] == 127
