"""Pathological input costs one error message; a broken command costs one line, never a traceback."""

import logging
import re
import time

from cluster_engine.shell.executor import MAX_LINE
from cluster_engine.shell.lexer import MAX_NESTING

INTERNAL_ERROR = re.compile(
    r"bash: internal error \(id ([0-9a-f]{8})\); the sandbox is fine, please try again\n")


def test_an_overlong_line_is_refused(terminal):
    result = terminal.run("echo " + "a" * MAX_LINE)
    assert (result.status, result.out, result.err) == (1, "", "bash: input line too long\n")


def test_deeply_nested_substitutions_are_refused_without_recursing(terminal):
    depth = 5_000
    result = terminal.run("echo " + "$(echo " * depth + "x" + ")" * depth)
    assert result.status == 2
    assert result.err == f"bash: expansions nested more than {MAX_NESTING} deep\n"


def test_nesting_within_the_limit_works(terminal):
    depth = MAX_NESTING - 1
    assert terminal.run("echo " + "$(echo " * depth + "x" + ")" * depth).out == "x\n"


def test_deeply_nested_defaults_are_refused_too(terminal):
    assert terminal.run("echo " + "${X:-" * 1000 + "}" * 1000).status == 2
    assert terminal.run('echo "' + '${X:-"' * 1000).status == 2


def test_a_command_substitution_may_not_capture_more_than_a_mebibyte(terminal):
    lines = " ".join(str(number) for number in range(70))
    assert len(terminal.run(f"printf '%16384s\\n' {lines} | cat").out) > 1 << 20
    result = terminal.run(f"X=$(printf '%16384s\\n' {lines}); echo $? ${{X:-unset}}")
    assert result.out == "1 unset\n"
    assert result.err == "bash: command substitution: output too long\n"
    assert terminal.run("echo fine").out == "fine\n"


def test_doubling_a_variable_without_end_stops_with_one_message(terminal):
    started = time.monotonic()
    result = terminal.run("A=aaaaaaaa" + ";A=$A$A" * 4000 + ";echo never")
    assert time.monotonic() - started < 5
    assert (result.status, result.out, result.err) == (1, "", "bash: expansion too long\n")


def test_a_failing_command_prints_one_line_and_logs_the_traceback(terminal, register, caplog):
    def broken(argv, stdin, stdout, stderr, ctx):
        stdout.write("partial\n")
        raise ValueError("a bug in a tool")
    register("kubectl", broken)
    with caplog.at_level(logging.ERROR, logger="cluster_engine.shell"):
        result = terminal.run("kubectl get pods; echo $?")
    assert result.out == "partial\n1\n"
    error_id = INTERNAL_ERROR.fullmatch(result.err).group(1)
    record, = caplog.records
    assert error_id in record.getMessage() and "a bug in a tool" in record.exc_text


def test_a_command_that_returns_no_status_counts_as_broken(terminal, register):
    register("kubectl", lambda argv, stdin, stdout, stderr, ctx: None)
    assert INTERNAL_ERROR.fullmatch(terminal.run("kubectl").err)


def test_a_command_calling_sys_exit_does_not_end_the_shell(terminal, register):
    def exits(argv, stdin, stdout, stderr, ctx):
        raise SystemExit(2)
    register("kubectl", exits)
    assert terminal.run("kubectl; echo alive").out == "alive\n"


def test_a_broken_command_in_a_substitution_is_contained(terminal, register):
    def broken(argv, stdin, stdout, stderr, ctx):
        raise RuntimeError("boom")
    register("minikube", broken)
    result = terminal.run('curl http://"$(minikube ip):8080"')
    assert INTERNAL_ERROR.fullmatch(result.err) and terminal.calls == [["curl", "http://:8080"]]


def test_a_command_that_runs_the_shell_again_cannot_recurse_forever(terminal, register):
    def again(argv, stdin, stdout, stderr, ctx):
        return ctx.shell.run_line("again", stdout, stderr)
    register("again", again)
    result = terminal.run("again")
    assert result.status == 1 and result.err == "bash: maximum nesting level exceeded\n"
