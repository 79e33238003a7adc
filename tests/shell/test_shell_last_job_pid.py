"""``$!``: the process id of the last background job, as bash gives it (checked against bash 5.2)."""

import io


def run(shell, line: str) -> str:
    out = io.StringIO()
    shell.run_line(line, out, out)
    return out.getvalue()


def test_dollar_bang_is_empty_before_any_job(terminal):
    assert terminal.run('echo "[$!] [${!}]"').out == "[] []\n"


def test_dollar_bang_is_the_pid_announced_for_the_last_job(terminal):
    shell = terminal.shell
    assert run(shell, "sleep 100 &") == "[1] 2188\n"
    assert run(shell, "sleep 100 &") == "[2] 2189\n"
    assert run(shell, 'echo $! "${!}"; kill $!') == "2189 2189\n"
    assert run(shell, "wait $!; echo $?").endswith("sleep 100\n143\n")
    shell.hang_up()


def test_a_job_sees_the_dollar_bang_from_before_it_started(terminal):
    shell = terminal.shell
    run(shell, "sleep 100 &")
    assert run(shell, "echo in-job $! & wait; echo now $!") == \
        "[2] 2189\nin-job 2188\nnow 2189\n"
    shell.hang_up()
