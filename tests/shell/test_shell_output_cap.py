"""One command line may print at most ``MAX_COMMAND_OUTPUT`` characters; then it is stopped with
one clear message and the prompt returns. A background job has a budget of its own."""

import io

from cluster_engine.shell.executor import MAX_COMMAND_OUTPUT

LIMIT_MESSAGE = (f"\nbash: output limit reached: a command may print at most "
                 f"{MAX_COMMAND_OUTPUT >> 20} MiB; the rest was dropped\n")


def flood(argv, stdin, stdout, stderr, ctx) -> int:
    chunk = "y\n" * 65536
    while True:
        stdout.write(chunk)


def test_a_command_printing_without_end_is_stopped_at_the_limit(terminal, register):
    register("flood", flood)
    result = terminal.run("flood; echo never")
    assert (result.status, len(result.out), result.err) == (1, MAX_COMMAND_OUTPUT, LIMIT_MESSAGE)
    assert terminal.run("echo next").out == "next\n"


def test_stdout_and_stderr_share_the_budget_of_one_line(terminal, register):
    def half_each(argv, stdin, stdout, stderr, ctx) -> int:
        stdout.write("o" * (MAX_COMMAND_OUTPUT // 2))
        stderr.write("e" * (MAX_COMMAND_OUTPUT // 2))
        stdout.write("one too many")
        return 0
    register("half-each", half_each)
    result = terminal.run("half-each")
    assert result.status == 1 and result.err.endswith("e" + LIMIT_MESSAGE)


def test_output_into_a_pipe_counts_against_the_pipe_not_the_terminal(terminal, register):
    register("flood", flood)
    result = terminal.run("flood | head -c 5")
    assert (result.status, result.out, result.err) == (0, "y\ny\ny", "")


def test_a_flooding_job_is_stopped_alone(terminal, register):
    register("flood", flood)
    out = io.StringIO()
    shell = terminal.shell
    shell.run_line("flood &", out, out)
    shell.run_line("wait %1; echo $?", out, out)
    screen = out.getvalue()
    assert screen.startswith("[1] 2188\ny\n")
    assert screen.endswith(LIMIT_MESSAGE + "[1]+  Exit 1                  flood\n1\n")
