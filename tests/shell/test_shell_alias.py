"""Aliases: ``alias``, ``unalias``, ``type``, and expansion of a command's first word.

Bash expands aliases only when interactive, or with ``-O expand_aliases``, and reads ``-c`` input a
line at a time; so each case is a list of lines, run one by one in our shell.
"""

import re
import shutil
import subprocess

import pytest

BASH = shutil.which("bash")

AGREEING_WITH_BASH = [
    ["alias k=kubectl", "alias", "alias k", "alias x; echo $?"],
    ["alias q=\"it's\" e='echo  a'", "alias -p", "alias q e", "e b"],
    ["unalias x; echo $?", "unalias; echo $?", "alias k=kubectl g=grep", "unalias -a", "alias; echo $?"],
    ["alias 'a b=c'; echo $?", "alias =x; echo $?", "alias -x; echo $?", "unalias -x; echo $?"],
    ["alias k=echo", "type k; type -t k", "unalias k", "type k; echo $?"],
    ["alias ll='echo ll'", "ll a | ll b", "true && ll c; ll d", "X=1 ll e", "false || ll f"],
    ["alias e='echo '", "alias w=world", "e w", "alias e=echo", "e w"],
    ["alias echo='echo E'", "echo hi", "\\echo plain", "'echo' quoted"],
    ["alias ls='echo ls -l'", "ls", "alias a=b b=a", "a; echo $?"],
    ["alias k=echo", "alias kk='k k'", "kk again"],
    ["alias say='echo one;echo two'", "say three"],
    ["alias quiet='echo hidden >/dev/null'", "quiet; echo shown"],
]


@pytest.mark.skipif(BASH is None, reason="bash is not installed")
@pytest.mark.parametrize("lines", AGREEING_WITH_BASH, ids=lambda lines: lines[0])
def test_it_prints_what_an_interactive_bash_prints(terminal, lines, tmp_path):
    bash = subprocess.run([BASH, "--norc", "--noprofile", "-O", "expand_aliases", "-c", "\n".join(lines)],
                          capture_output=True, text=True, cwd=tmp_path, timeout=10)
    results = [terminal.run(line) for line in lines]
    expected_err = re.sub(r"^\S*bash: line \d+: ", "bash: ", bash.stderr, flags=re.MULTILINE)
    assert "".join(result.out for result in results) == bash.stdout
    assert "".join(result.err for result in results) == expected_err
    assert results[-1].status == bash.returncode


def test_the_first_word_expands_to_the_tool(terminal):
    terminal.run("alias k=kubectl")
    terminal.run("k get pods | k logs; k version")
    assert terminal.calls == [["kubectl", "get", "pods"], ["kubectl", "logs"], ["kubectl", "version"]]


def test_an_alias_that_names_itself_expands_once(terminal):
    terminal.run("alias kubectl='kubectl -n kube-system'")
    terminal.run("kubectl get pods")
    assert terminal.calls == [["kubectl", "-n", "kube-system", "get", "pods"]]


def test_aliases_that_name_each_other_stop(terminal):
    terminal.run("alias a=b b=a")
    result = terminal.run("a")
    assert (result.status, result.err) == (127, "bash: a: command not found\n")


def test_a_trailing_space_expands_the_next_word_too(terminal):
    terminal.run("alias kg='kubectl get ' p=pods")
    terminal.run("kg p p")
    assert terminal.calls == [["kubectl", "get", "pods", "p"]]


def test_an_alias_defined_on_a_line_applies_from_the_next_line(terminal):
    result = terminal.run("alias k=kubectl; k get pods")
    assert (result.status, result.err) == (127, "bash: k: command not found\n")
    terminal.run("k get pods")
    assert terminal.calls == [["kubectl", "get", "pods"]]


def test_an_alias_does_not_leak_into_a_quoted_word_or_an_argument(terminal):
    terminal.run("alias k=kubectl")
    assert terminal.run("echo k 'k'").out == "k k\n"
    assert terminal.run("'k'").err == "bash: k: command not found\n"


def test_an_alias_left_open_is_an_error_rather_than_a_prompt_that_never_ends(terminal):
    terminal.run("alias q=\"echo '\"")
    assert terminal.shell.is_complete("q")
    result = terminal.run("q")
    assert (result.status, result.err) == (2, "bash: unexpected EOF while looking for matching `''\n")
