"""Lists, pipelines, redirections, exit statuses and bash's error messages."""

import io

import pytest

from cluster_engine.commands import ShellExit


def test_exit_status_of_the_last_command_is_in_dollar_question(terminal):
    assert terminal.run("false; echo $?; true; echo $?").out == "1\n0\n"


def test_run_line_returns_the_status_and_sets_it(terminal):
    assert terminal.run("false").status == 1
    assert terminal.shell.last_status == 1


def test_an_empty_line_keeps_the_previous_status(terminal):
    terminal.run("false")
    assert terminal.run("   # nothing").status == 1


def test_and_runs_the_right_side_only_after_success(terminal):
    assert terminal.run("true && echo yes; false && echo no").out == "yes\n"


def test_or_runs_the_right_side_only_after_failure(terminal):
    assert terminal.run("false || echo rescued; true || echo no").out == "rescued\n"


def test_and_or_chains_group_from_the_left(terminal):
    assert terminal.run("false && echo a || echo b && echo c").out == "b\nc\n"


def test_several_lines_run_one_after_another(terminal):
    assert terminal.run("echo one\necho two\n").out == "one\ntwo\n"


def test_a_pipe_feeds_one_commands_output_to_the_next(terminal):
    assert terminal.run("echo hello | cat | cat").out == "hello\n"


def test_a_pipeline_has_the_status_of_its_last_command_and_bang_negates_it(terminal):
    assert terminal.run("false | true").status == 0
    assert terminal.run("true | false").status == 1
    assert terminal.run("! true | false").status == 0


def test_pipeline_stages_run_in_subshells(terminal):
    assert terminal.run("X=1 | true; cd /tmp | true; echo ${X:-unset} $PWD").out == "unset /home/learner\n"


def test_a_pipe_operator_may_end_a_line_before_the_next_command(terminal):
    assert terminal.run("echo hi |\n cat").out == "hi\n"


def test_pipe_ampersand_sends_stderr_down_the_pipe(terminal):
    result = terminal.run("nosuch |& cat")
    assert (result.out, result.err) == ("bash: nosuch: command not found\n", "")


def test_two_greater_ampersand_one_merges_stderr_into_stdout(terminal):
    result = terminal.run("nosuch 2>&1")
    assert (result.out, result.err) == ("bash: nosuch: command not found\n", "")


def test_redirections_apply_from_left_to_right(terminal):
    result = terminal.run("nosuch 2>&1 >/dev/null")
    assert (result.out, result.err) == ("bash: nosuch: command not found\n", "")
    result = terminal.run("nosuch >/dev/null 2>&1")
    assert (result.out, result.err) == ("", "")


def test_output_can_go_to_stderr_or_nowhere(terminal):
    result = terminal.run("echo to-err >&2; echo gone > /dev/null; echo both &>/dev/null; echo x 1>&2")
    assert (result.out, result.err) == ("", "to-err\nx\n")


def test_stderr_to_dev_null_silences_command_not_found_but_keeps_the_status(terminal):
    assert terminal.run("nosuch 2>/dev/null").__dict__ == {"status": 127, "out": "", "err": ""}


def test_a_redirection_that_cannot_open_its_file_fails_without_running_the_command(terminal):
    result = terminal.run("kubectl get pods > /nowhere/pods.txt; echo $?")
    assert (result.out, result.err) == ("1\n", "bash: /nowhere/pods.txt: No such file or directory\n")
    assert terminal.calls == []


def test_reading_a_missing_file_fails(terminal):
    assert terminal.run("cat < notes.txt").err == "bash: notes.txt: No such file or directory\n"


def test_a_here_string_becomes_stdin(terminal):
    assert terminal.run('cat <<< "$HOME"').out == "/home/learner\n"


def test_reading_dev_null_gives_nothing(terminal):
    assert terminal.run("cat < /dev/null; echo end").out == "end\n"


def test_a_redirection_to_several_words_is_ambiguous(terminal):
    terminal.run('X="a b"')
    assert terminal.run("echo hi > $X").err == "bash: $X: ambiguous redirect\n"
    assert terminal.run("echo hi > $UNSET").err == "bash: $UNSET: ambiguous redirect\n"


def test_duplicating_an_unopened_descriptor_fails(terminal):
    result = terminal.run("echo hi >&5")
    assert (result.status, result.err) == (1, "bash: 5: Bad file descriptor\n")


def test_redirection_to_a_directory_says_so(terminal):
    assert terminal.run("echo hi > /tmp").err == "bash: /tmp: Is a directory\n"


def test_command_not_found_has_bash_words_and_status(terminal):
    result = terminal.run("kubeclt get pods")
    assert (result.status, result.err) == (127, "bash: kubeclt: command not found\n")


def test_programs_can_be_run_by_path_and_directories_cannot(terminal):
    assert terminal.run("/usr/local/bin/kubectl version").status == 0
    assert terminal.calls == [["/usr/local/bin/kubectl", "version"]]
    assert terminal.run("./run.sh").err == "bash: ./run.sh: No such file or directory\n"
    result = terminal.run("/tmp")
    assert (result.status, result.err) == (126, "bash: /tmp: Is a directory\n")


def test_programs_are_found_through_path_and_builtins_regardless(terminal):
    terminal.run("PATH=/nowhere")
    assert terminal.run("kubectl get pods").status == 127
    assert terminal.run("echo still here").out == "still here\n"


@pytest.mark.parametrize(("line", "token"), [
    ("| kubectl", "|"), ("echo a ||| b", "|"), ("&& b", "&&"), ("echo a ;;", ";;"), (";", ";"),
    ("echo a; ; b", ";"), ("echo )", ")"), ("echo a (b)", "("), ("echo >", "newline"),
    ("echo > ;", ";"), ("then", "then"), ("echo a\nfi", "fi"),
])
def test_syntax_errors_name_the_unexpected_token(terminal, line, token):
    result = terminal.run(line)
    assert (result.status, result.out, result.err) == (
        2, "", f"bash: syntax error near unexpected token `{token}'\n")


def test_nothing_on_a_line_with_a_syntax_error_runs(terminal):
    assert terminal.run("echo first; echo second |").out == ""


@pytest.mark.parametrize(("line", "message"), [
    ('echo "abc', "unexpected EOF while looking for matching `\"'"),
    ("echo 'abc", "unexpected EOF while looking for matching `''"),
    ("echo $(echo", "unexpected EOF while looking for matching `)'"),
    ("echo `echo", "unexpected EOF while looking for matching ``'"),
    ("echo ${X", "unexpected EOF while looking for matching `}'"),
    ("echo a &&", "syntax error: unexpected end of file"),
])
def test_input_that_ends_too_early_is_reported_like_bash_at_end_of_file(terminal, line, message):
    result = terminal.run(line)
    assert (result.status, result.err) == (2, f"bash: {message}\n")


@pytest.mark.parametrize(("line", "message"), [
    ("for i in a b; do echo $i; done", "for: loops are not supported here yet"),
    ("while true; do :; done", "while: loops are not supported here yet"),
    ("if true; then echo; fi", "if: conditionals are not supported here yet"),
    ("greet() { echo hi; }", "function definitions are not supported here yet"),
    ("echo $((1 + 2))", "arithmetic expansion $((...)) is not supported here yet"),
    ("(cd /tmp)", "subshells ( ... ) are not supported here yet"),
])
def test_constructs_not_supported_yet_are_refused_before_anything_runs(terminal, line, message):
    result = terminal.run(line)
    assert (result.status, result.out, result.err) == (2, "", f"bash: {message}\n")
    assert terminal.calls == []


def test_exit_raises_shell_exit_with_its_status(terminal):
    with pytest.raises(ShellExit) as raised:
        terminal.run("echo bye; exit 3; echo never")
    assert raised.value.status == 3


def test_exit_without_a_number_uses_the_last_status(terminal):
    with pytest.raises(ShellExit) as raised:
        terminal.run("false; exit")
    assert raised.value.status == 1


def test_an_interactive_shell_says_exit_when_it_ends(terminal):
    terminal.shell.ctx.interactive = True
    out, err = io.StringIO(), io.StringIO()
    with pytest.raises(ShellExit):
        terminal.shell.run_line("exit", out, err)
    assert (out.getvalue(), err.getvalue()) == ("", "exit\n")


def test_exit_inside_a_substitution_or_a_pipeline_ends_only_that_part(terminal):
    result = terminal.run("X=$(exit 4); echo $? ; exit 5 | cat; echo $?")
    assert result.out == "4\n0\n"


def test_exit_with_a_word_complains_and_exits_two(terminal):
    with pytest.raises(ShellExit) as raised:
        terminal.run("exit now")
    assert raised.value.status == 2


def test_exit_with_two_numbers_complains_and_stays(terminal):
    result = terminal.run("exit 1 2")
    assert (result.status, result.err) == (1, "bash: exit: too many arguments\n")


def test_ctrl_c_inside_a_command_reaches_the_terminal(terminal, register):
    def interrupted(argv, stdin, stdout, stderr, ctx):
        raise KeyboardInterrupt
    register("watch", interrupted)
    with pytest.raises(KeyboardInterrupt):
        terminal.run("watch kubectl get pods")
    assert terminal.shell.last_status == 130
