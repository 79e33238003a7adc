"""Background jobs: started with ``&``, listed, brought back, killed and waited for.

The messages are interactive bash's (checked in a pty): ``[1] 2188`` when a job starts,
``[1]+  Done                    sleep 1`` before the next prompt. With the fake clock a job runs
only while the foreground lets time pass, so every outcome here is exact.
"""

import io
import os
import signal
import threading
import time

import pytest

from cluster_engine.clock import FakeClock, RealClock
from cluster_engine.commands import CommandContext
from cluster_engine.sandbox import LocalBackend, Sandbox
from cluster_engine.shell import Shell
from cluster_engine.shell.jobs import MAX_FAKE_WAIT, MAX_JOBS


class Session:
    """A shell used as the terminal uses it: one output stream, where finished-job notices are
    printed before each prompt."""

    def __init__(self, shell: Shell):
        self.shell = shell
        self.out = io.StringIO()

    def run(self, line: str) -> tuple[int, str]:
        """The status of ``line`` and what appeared on the screen until the next prompt."""
        start = self.out.tell()
        status = self.shell.run_line(line, self.out, self.out)
        self.shell.report_finished_jobs(self.out)
        return status, self.out.getvalue()[start:]


@pytest.fixture
def session(terminal):
    session = Session(terminal.shell)
    yield session
    terminal.shell.hang_up()


def test_starting_a_job_prints_its_number_and_process_id_and_returns_at_once(session):
    clock = session.shell.ctx.clock
    started = clock.now()
    assert session.run("sleep 100 &") == (0, "[1] 2188\n")
    assert session.run("sleep 100 &") == (0, "[2] 2189\n")
    assert clock.now() == started


def test_a_job_finishes_when_foreground_time_passes_its_end(session):
    session.run("sleep 30 &")
    assert session.run("sleep 29") == (0, "")
    assert session.run("sleep 1") == (0, "[1]+  Done                    sleep 30\n")
    assert session.run("jobs") == (0, "")


def test_jobs_run_in_order_of_due_time_before_the_foreground_goes_on(session):
    session.run("sleep 3 && echo three & sleep 1 && echo one &")
    status, out = session.run("sleep 2; echo two; sleep 2; echo four")
    assert out.splitlines() == ["one", "two", "three", "four",
                                "[1]-  Done                    sleep 3 && echo three",
                                "[2]+  Done                    sleep 1 && echo one"]


def test_jobs_lists_running_and_finished_jobs_with_current_and_previous_marks(session):
    session.run("sleep 10 &")
    session.run("sleep 100 &")
    session.run("sleep 200 &")
    assert session.run("sleep 10; jobs") == (0, "[1]   Done                    sleep 10\n"
                                                "[2]-  Running                 sleep 100 &\n"
                                                "[3]+  Running                 sleep 200 &\n")
    assert session.run("jobs -l %3") == (0, "[3]+ 2190 Running                 sleep 200 &\n")
    assert session.run("jobs -p") == (0, "2189\n2190\n")
    assert session.run("jobs %7") == (1, "bash: jobs: %7: no such job\n")


def test_a_failing_job_is_reported_with_its_exit_status(session):
    assert session.run("false &") == (0, "[1] 2188\n[1]+  Exit 1                  false\n")


def test_kill_ends_a_job_by_the_next_command_as_the_signal_would(session):
    session.run("sleep 100 &")
    assert session.run("kill %1") == (0, "")
    assert session.run("echo next") == (0, "next\n[1]+  Terminated              sleep 100\n")


def test_kill_9_is_reported_as_killed_and_jobs_shows_it_at_once(session):
    session.run("sleep 100 &")
    session.run("kill -9 %%")
    assert session.run("jobs") == (0, "[1]+  Killed                  sleep 100\n")
    assert session.run("jobs") == (0, "")


def test_kill_by_process_id_and_its_errors(session):
    session.run("sleep 100 &")
    assert session.run("kill 2188; sleep 1") == (0, "[1]+  Terminated              sleep 100\n")
    assert session.run("kill %3") == (1, "bash: kill: %3: no such job\n")
    assert session.run("kill 4242") == (1, "bash: kill: (4242) - No such process\n")
    assert session.run("kill abc") == (1, "bash: kill: abc: arguments must be process or job IDs\n")
    assert session.run("kill -x %1") == (1, "bash: kill: x: invalid signal specification\n")
    assert session.run("kill -s") == (1, "bash: kill: -s: option requires an argument\n")
    assert session.run("kill")[0] == 2


def test_fg_prints_the_command_and_waits_for_its_status(session):
    session.run("sleep 5 && false &")
    clock = session.shell.ctx.clock
    started = clock.now()
    assert session.run("fg; echo $?") == (0, "sleep 5 && false\n1\n")
    assert clock.now() - started == 5
    assert session.run("jobs") == (0, "")


def test_fg_without_a_job_says_so(session):
    assert session.run("fg") == (1, "bash: fg: current: no such job\n")
    assert session.run("fg %3") == (1, "bash: fg: %3: no such job\n")
    session.run("sleep 9 &")
    assert session.run("bg") == (0, "bash: bg: job 1 already in background\n")


def test_fg_on_a_job_that_never_ends_gives_up_under_the_fake_clock_as_ctrl_c_would(session):
    session.run("sleep 1000000 &")
    clock = session.shell.ctx.clock
    started = clock.now()
    assert session.run("fg") == (130, "sleep 1000000\n")
    assert clock.now() - started == MAX_FAKE_WAIT
    assert session.run("jobs") == (0, "")


def test_wait_waits_for_every_job_and_wait_for_one_reports_it(session):
    session.run("sleep 7 & sleep 3 &")
    assert session.run("wait; echo $?") == (0, "0\n")
    session.run("sleep 20 && false &")
    assert session.run("wait %1; echo $?") == (0, "[1]+  Exit 1                  sleep 20 && false\n1\n")
    assert session.run("wait %1; echo $?") == (0, "bash: wait: %1: no such job\n127\n")
    assert session.run("wait 4242; echo $?") == (
        0, "bash: wait: pid 4242 is not a child of this shell\n127\n")


def test_a_killed_job_ends_with_status_143(session):
    session.run("sleep 100 &")
    session.run("kill %1")
    assert session.run("wait %1; echo $?") == (0, "[1]+  Terminated              sleep 100\n143\n")


def test_a_job_changes_only_its_own_copy_of_the_shell(session):
    session.run("X=outer")
    session.run("X=inner & cd / & export Y=1 & alias k=kubectl &")
    session.run("wait")
    assert session.run("echo $X $PWD ${Y-unset}; alias") == (0, "outer /home/learner unset\n")


def test_a_job_reads_no_input_and_writes_where_the_shell_wrote(session, terminal):
    out = io.StringIO()
    terminal.shell.run_line("cat & echo fore", out, out, io.StringIO("typed ahead"))
    assert out.getvalue() == "[1] 2188\nfore\n"


def test_the_number_of_jobs_is_capped_with_bashs_fork_message(session):
    status, out = session.run("sleep 100 & " * (MAX_JOBS + 2))
    assert status == 254
    assert out.endswith("bash: fork: Resource temporarily unavailable\n" * 2)
    assert out.count("\n") == MAX_JOBS + 2


def test_a_fork_bomb_is_refused_without_running(session):
    assert session.run(":(){ :|:& };:") == (2, "bash: function definitions are not supported here yet\n")


def test_a_job_inside_a_substitution_simply_runs(session):
    assert session.run("echo \"$(echo inside &)\"") == (0, "inside\n")


def test_background_syntax_errors_are_bashs(session):
    assert session.run("& true") == (2, "bash: syntax error near unexpected token `&'\n")
    assert session.run("true & &") == (2, "bash: syntax error near unexpected token `&'\n")


def test_with_the_real_clock_a_job_runs_in_a_thread_while_the_shell_waits(make_shell):
    clock = RealClock()
    shell = Shell(CommandContext(sandbox=Sandbox(LocalBackend(), clock), clock=clock,
                                 env={"PATH": "/usr/bin:/bin", "HOME": "/home/learner"}))
    out = io.StringIO()
    started = time.monotonic()
    shell.run_line("sleep 0.2 && echo job &", out, out)
    shell.run_line("sleep 0.05; echo fore", out, out)
    shell.run_line("wait", out, out)
    assert out.getvalue() == "[1] 2188\nfore\njob\n"
    assert time.monotonic() - started < 2
    shell.run_line("sleep 30 &", out, out)
    shell.run_line("kill %1", out, out)
    shell.run_line("true", out, out)
    shell.report_finished_jobs(out)
    assert out.getvalue().endswith("[1]+  Terminated              sleep 30\n")
    shell.run_line("sleep 30 &", out, out)
    job = shell.jobs.jobs[-1]
    shell.hang_up()
    assert not job.thread.is_alive() and job.state() == "Hangup"


def test_a_transaction_is_never_shared_between_threads():
    clock = FakeClock()
    sandbox = Sandbox(LocalBackend(), clock)
    inside, release = threading.Event(), threading.Event()
    order = []

    def background():
        with sandbox.transaction():
            order.append("job")
            inside.set()
            release.wait(5)

    thread = threading.Thread(target=background)
    thread.start()
    inside.wait(5)
    release.set()
    with sandbox.transaction():
        order.append("foreground")
    thread.join()
    assert order == ["job", "foreground"]


def serving_proxy(log: list[str]):
    """A stand-in for ``kubectl proxy``: announces itself, then serves until it is killed."""
    def proxy(argv, stdin, stdout, stderr, ctx):
        stdout.write("Starting to serve on 127.0.0.1:8001\n")
        started = ctx.clock.now()
        try:
            while True:
                with ctx.sandbox.transaction():
                    log.append(f"served at {ctx.clock.now() - started:.0f}")
                ctx.sleep(10)
        finally:
            log.append("closed")
    return proxy


def test_a_proxy_in_the_background_serves_while_the_foreground_works_until_killed(session, register):
    log: list[str] = []
    register("kubectl", serving_proxy(log))
    assert session.run("kubectl proxy &") == (0, "[1] 2188\nStarting to serve on 127.0.0.1:8001\n")
    assert log == ["served at 0"]
    session.run("sleep 25")
    assert log == ["served at 0", "served at 10", "served at 20"]
    assert session.run("jobs") == (0, "[1]+  Running                 kubectl proxy &\n")
    assert session.run("kill %1") == (0, "")
    assert log[-1] == "served at 20"
    assert session.run("true") == (0, "[1]+  Terminated              kubectl proxy\n")
    assert log[-1] == "closed"


def test_ctrl_c_during_fg_ends_the_job_with_status_130(register):
    clock = RealClock()
    shell = Shell(CommandContext(sandbox=Sandbox(LocalBackend(), clock), clock=clock,
                                 env={"PATH": "/usr/bin:/bin", "HOME": "/home/learner"}))
    out = io.StringIO()
    shell.run_line("sleep 30 &", out, out)
    job = shell.jobs.jobs[-1]
    timer = threading.Timer(0.2, os.kill, (os.getpid(), signal.SIGINT))
    timer.start()
    with pytest.raises(KeyboardInterrupt):
        shell.run_line("fg", out, out)
    timer.join()
    assert shell.last_status == 130
    assert out.getvalue() == "[1] 2188\nsleep 30\n"
    assert not job.thread.is_alive() and shell.jobs.jobs == []


def test_a_job_is_shown_as_bash_shows_it_spaced_out_with_aliases_replaced(session):
    session.run("alias k=echo")
    session.run("X=1   sleep  100 >/dev/null 2>&1 <  /dev/null   | k  &")
    session.run("sleep 100 &>/dev/null && ! true || k \"a  b\" &")
    session.run("sleep 9 2>>/dev/null 1>&2 >>/dev/null <<<\"hi\" &")
    status, out = session.run("jobs")
    assert out.splitlines() == [
        "[1]   Running                 X=1 sleep 100 > /dev/null 2>&1 < /dev/null | echo &",
        "[2]-  Running                 sleep 100 &> /dev/null && ! true || echo \"a  b\" &",
        "[3]+  Running                 sleep 9 2>> /dev/null 1>&2 >> /dev/null <<< \"hi\" &",
    ]
