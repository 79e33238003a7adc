"""Random input: the shell always answers with a status, never with an exception or a hang."""

import io
import time
from datetime import timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cluster_engine.commands import ShellExit

PIECES = [
    "echo", "printf", "export", "unset", "env", "cd", "type", "which", "history", "help", "true",
    "false", "exit", "nosuch", "X=", "X+=", "$X", "${X", "${X:-", "${#X}", "${X:?", "}", "$(", ")", "(",
    "`", '"', "'", "$'", "\\", "\n", " ", "\t", "|", "|&", "||", "&&", ";", ";;", "&", ">", ">>", "<",
    "<<<", "<<", "2>&1", ">&2", "&>", "/dev/null", "$?", "$$", "~", "#", "{", "!", "*", "=", ":",
    "%s", "%d", "%b", "%q", "%", "\\c", "\\x", "-n", "-e", "--", "IFS=:", "PS1=", "$((", "for",
]
lines = st.lists(st.sampled_from(PIECES) | st.text(max_size=3), max_size=40).map("".join)


@settings(max_examples=500, deadline=timedelta(seconds=2),
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(line=lines)
def test_random_input_never_escapes_as_an_exception(make_shell, line):
    shell = make_shell()
    out, err = io.StringIO(), io.StringIO()
    assert isinstance(shell.is_complete(line), bool)
    started = time.monotonic()
    try:
        status = shell.run_line(line, out, err)
    except ShellExit as done:
        status = done.status
    assert isinstance(status, int) and 0 <= status <= 255
    assert time.monotonic() - started < 2
    assert "internal error" not in err.getvalue()
    assert isinstance(shell.prompt(), str)
