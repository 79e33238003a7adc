"""What the terminal asks of the shell between commands: the prompt, and whether a line is done."""

import pytest


@pytest.mark.parametrize("text", [
    'echo "abc', "echo 'abc", "echo $'abc", "echo abc\\", "kubectl get pods |", "true &&", "false ||",
    "echo $(echo a", 'echo "$(echo a', "echo `date", "echo ${HOME", "echo a |\n", 'echo "a\nb',
    "echo $(echo $(echo a)",
])
def test_unfinished_input_asks_for_another_line(terminal, text):
    assert terminal.shell.is_complete(text) is False


@pytest.mark.parametrize("text", [
    "", "echo abc", "echo 'a\nb'", "echo a\\\nb", "echo a |\ncat", "echo $(echo a)", "| a",
    "echo a;;", "for i in a; do", "if true; then", "echo a &", "echo # open ' quote in comment",
])
def test_finished_or_hopeless_input_runs_at_once(terminal, text):
    assert terminal.shell.is_complete(text) is True


def test_the_prompt_looks_like_bash_in_the_home_directory(terminal):
    assert terminal.shell.prompt() == "learner@minikube-tutorial:~$ "


def test_the_prompt_shows_the_working_directory_with_home_as_tilde(terminal):
    terminal.run("cd /tmp")
    assert terminal.shell.prompt() == "learner@minikube-tutorial:/tmp$ "
    terminal.run("cd /")
    assert terminal.shell.prompt() == "learner@minikube-tutorial:/$ "


def test_the_prompt_follows_ps1(terminal):
    terminal.run(r"PS1='[\u \W]\$ '")
    assert terminal.shell.prompt() == "[learner ~]$ "


def test_the_prompt_ends_in_hash_for_root(make_shell):
    shell = make_shell(extra={"hostname": "kubernetes-bootcamp-5485cc6795-2dn5v"}, cwd="/")
    shell.user = "root"
    assert shell.prompt() == "root@kubernetes-bootcamp-5485cc6795-2dn5v:/# "
