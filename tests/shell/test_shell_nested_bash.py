"""``bash`` and ``sh`` typed on the learner's machine start a child bash, as in a real terminal.

The child inherits the exported variables only, one ``$SHLVL`` deeper; typed at the terminal it
is interactive (the same prompt, ``exit`` back to the parent), reading its lines through
``ctx.read_line`` as ``kubectl exec -ti POD -- bash`` does in a container (both share
``shell.nested``). Messages and statuses were taken from bash 5.2 and dash (Ubuntu's ``sh``).
"""

from __future__ import annotations

import io

import pytest

from cluster_engine.shell.nested import MAX_SHELL_DEPTH


class Keyboard(io.StringIO):
    """The terminal as a command's standard input: what makes a child bash interactive."""

    def isatty(self) -> bool:
        return True


class TypedLines:
    """``ctx.read_line`` of a terminal: hands out the lines typed (None: Ctrl-D), records each
    prompt shown."""

    def __init__(self, lines: list[str | None]):
        self._lines = iter(lines)
        self.prompts: list[str] = []

    def __call__(self, prompt: str) -> str:
        self.prompts.append(prompt)
        line = next(self._lines, None)
        if line is None:
            raise EOFError
        return line


@pytest.fixture
def learner(make_shell):
    shell = make_shell(interactive=True)
    shell.env["SHLVL"] = "1"
    return shell


def run_typed(shell, line: str, typed: list[str | None]) -> tuple[int, str, TypedLines]:
    """Run ``line`` at the terminal with ``typed`` lines waiting; its status and screen."""
    keys = TypedLines(typed)
    shell.ctx.read_line = keys
    screen = io.StringIO()
    status = shell.run_line(line, screen, screen, Keyboard())
    return status, screen.getvalue(), keys


def test_bash_typed_at_the_terminal_opens_a_shell_that_exit_leaves(learner):
    status, screen, keys = run_typed(learner, "bash", ["echo inside $SHLVL", "exit 3"])
    assert (status, screen) == (3, "inside 2\nexit\n")
    assert keys.prompts == ["learner@minikube-tutorial:~$ "] * 2
    assert learner.run_line("echo $? $SHLVL", out := io.StringIO(), io.StringIO()) == 0
    assert out.getvalue() == "3 1\n"


def test_the_child_shell_inherits_exported_variables_but_not_the_others(learner):
    learner.run_line("FOO=local; export BAR=exported", io.StringIO(), io.StringIO())
    _status, screen, _keys = run_typed(learner, "bash", ['echo "[$FOO] [$BAR]"', "FOO=child"])
    assert screen == "[] [exported]\nexit\n"
    assert learner.get_var("FOO") == "local"


def test_ctrl_d_in_the_child_shell_returns_with_its_last_status(learner):
    assert run_typed(learner, "sh", ["false"])[:2] == (1, "exit\n")


def test_an_unfinished_line_ended_by_ctrl_d_is_reported_and_the_child_goes_on(learner):
    status, screen, keys = run_typed(learner, "bash", ['echo "open', None, "echo still-inside"])
    assert screen == ("\nbash: unexpected EOF while looking for matching `\"'\n"
                      "still-inside\nexit\n")
    assert keys.prompts[1] == "> "


def test_the_child_shell_asks_for_its_own_jobs_dollar_bang(learner):
    learner.run_line("sleep 100 &", io.StringIO(), io.StringIO())
    _status, screen, _keys = run_typed(learner, "bash", ['echo "[$!]"'])
    assert screen == "[]\nexit\n"
    learner.hang_up()


def test_bash_dash_c_runs_its_script_one_level_deeper(terminal):
    result = terminal.run("export SHLVL=1; bash -c 'echo level $SHLVL; exit 4'; echo $?")
    assert result.out == "level 2\n4\n"


def test_bash_and_sh_run_a_script_from_the_learners_files(terminal):
    terminal.run("printf 'echo from the script\\nexit 5\\n' > script.sh")
    assert (terminal.run("bash script.sh").status, terminal.run("sh script.sh").out) == \
        (5, "from the script\n")


def test_a_missing_script_gets_bash_and_dash_words(terminal):
    assert (terminal.run("bash nosuch.sh").status, terminal.run("bash nosuch.sh").err) == \
        (127, "bash: nosuch.sh: No such file or directory\n")
    assert (terminal.run("sh nosuch.sh").status, terminal.run("sh nosuch.sh").err) == \
        (2, "sh: 0: cannot open nosuch.sh: No such file\n")
    assert terminal.run("bash -c").err == "bash: -c: option requires an argument\n"
    assert terminal.run("sh -c").err == "sh: 0: -c requires an argument\n"


def test_piped_commands_run_without_a_prompt(terminal):
    assert terminal.run("export X=piped; echo 'echo $X; exit 6' | bash; echo $?").out == \
        "piped\n6\n"


def test_bash_is_a_program_in_usr_bin(terminal):
    assert terminal.run("which bash sh; type bash").out == \
        "/usr/bin/bash\n/usr/bin/sh\nbash is /usr/bin/bash\n"


def test_a_script_that_runs_itself_stops_at_the_depth_limit(terminal):
    terminal.run("printf 'echo level $SHLVL; sh again.sh\\n' > again.sh")
    result = terminal.run("export SHLVL=0; sh again.sh; echo $?")
    assert result.out.splitlines() == [f"level {n}" for n in range(1, MAX_SHELL_DEPTH + 1)] + ["254"]
    assert result.err == "bash: fork: Resource temporarily unavailable\n"
