"""The sandbox shell's last transaction, as its terminal closes (``Terminal.leave``).

Whatever ended the shell (``exit``, Ctrl-D, the browser going away), one transaction appends
the lines typed in it to the saved history and frees the loopback ports it still owns, even if
the command that took them never got to free them itself.
"""

import io

from cluster_engine.clock import FakeClock
from cluster_engine.sandbox import LocalBackend
from cluster_engine.session import new_shell
from cluster_engine.state import SandboxState
from cluster_engine.terminal import Terminal

SHELL_PID = 41000
OTHER_TAB_PID = 42000


def terminal_with_listeners() -> tuple[Terminal, LocalBackend]:
    state = SandboxState.fresh()
    state.loopback = {"8001": {"kind": "proxy", "pid": SHELL_PID},
                      "8002": {"kind": "proxy", "pid": OTHER_TAB_PID}}
    state.shell["history"] = ["echo saved"]
    backend = LocalBackend(state)
    shell = new_shell(backend, FakeClock())
    shell.assign_pid(SHELL_PID)
    return Terminal(shell, backend), backend


def test_leaving_frees_the_shells_own_ports_and_saves_its_lines_in_one_commit():
    terminal, backend = terminal_with_listeners()
    terminal.new_lines = ["kubectl proxy &"]
    terminal.leave()
    saved = SandboxState.from_json(backend.state_json)
    assert backend.version == 2
    assert list(saved.loopback) == ["8002"]
    assert saved.shell["history"] == ["echo saved", "kubectl proxy &"]


def test_leaving_without_new_lines_still_frees_the_ports():
    terminal, backend = terminal_with_listeners()
    terminal.leave()
    assert list(SandboxState.from_json(backend.state_json).loopback) == ["8002"]


def test_leaving_with_nothing_to_save_writes_nothing():
    backend = LocalBackend()
    shell = new_shell(backend, FakeClock())
    Terminal(shell, backend).leave()
    assert backend.version == 1


def test_a_shell_given_its_process_id_shows_it_and_counts_its_jobs_from_it():
    backend = LocalBackend()
    shell = new_shell(backend, FakeClock())
    shell.assign_pid(SHELL_PID)
    out = io.StringIO()
    shell.run_line("echo $$; sleep 5 &", out, out)
    shell.hang_up()
    assert out.getvalue() == f"{SHELL_PID}\n[1] {SHELL_PID + 1}\n"
