"""The builtins and small programs: echo, printf, export, cd and the rest."""

import pytest

from cluster_engine.shell.builtins import HELP


@pytest.mark.parametrize(("line", "out"), [
    ("echo a  b", "a b\n"),
    ("echo -n a", "a"),
    ("echo -e 'a\\tb\\n'", "a\tb\n\n"),
    ("echo 'a\\tb'", "a\\tb\n"),
    ("echo -e '\\e[1m\\033[0m'", "\x1b[1m\x1b[0m\n"),
    ("echo -e 'x\\0101\\101'", "xA\\101\n"),
    ("echo -e 'stop\\c here'", "stop"),
    ("echo -eE 'a\\tb'", "a\\tb\n"),
    ("echo -x -- -n", "-x -- -n\n"),
    ("echo -ne", ""),
    ("echo -e '\\xe3\\x81\\x82'", "あ\n"),
])
def test_echo_handles_options_and_escapes_like_bash(terminal, line, out):
    assert terminal.run(line).out == out


@pytest.mark.parametrize(("line", "out"), [
    ("printf '%s|' a b c", "a|b|c|"),
    ("printf '%s=%d\\n' a 1 b", "a=1\nb=0\n"),
    ("printf '%5.2f|%-4s|%x|%o|%c|%%|%i\\n' 3.14159 ab 255 8 hello 7", " 3.14|ab  |ff|10|h|%|7\n"),
    ("printf '%05d|%+d|%.3s|%*s' 42 5 abcdef 3 x", "00042|+5|abc|  x"),
    ("printf '%d %d %d\\n' 0x1f 010 \"'A\"", "31 8 65\n"),
    ("printf '%b|' 'a\\tb' 'x\\0101\\101'", "a\tb|xAA|"),
    ("printf '%b' 'cut\\c here' after", "cut"),
    ("printf '%q ' 'a b' \"it's\" '' 'x$y' $'t\\tx'", "a\\ b it\\'s '' x\\$y $'t\\tx' "),
    ("printf 'no newline'", "no newline"),
    ("printf '%u\\n' -1", "18446744073709551615\n"),
])
def test_printf_formats_like_bash(terminal, line, out):
    assert terminal.run(line).out == out


def test_printf_complains_about_a_bad_number_but_prints_what_it_can(terminal):
    result = terminal.run("printf '%d\\n' 12abc")
    assert (result.status, result.out, result.err) == (1, "12\n", "bash: printf: 12abc: invalid number\n")


def test_printf_stops_at_an_invalid_conversion(terminal):
    result = terminal.run("printf 'x%zy\\n'")
    assert (result.status, result.out, result.err) == (1, "x", "bash: printf: `z': invalid format character\n")


def test_printf_without_a_format_shows_usage(terminal):
    assert terminal.run("printf").__dict__ == {
        "status": 2, "out": "", "err": "printf: usage: printf [-v var] format [arguments]\n"}


def test_printf_clamps_absurd_widths(terminal):
    assert len(terminal.run("printf '%999999999s' x").out) <= 1 << 14


def test_export_puts_a_variable_into_the_environment(terminal):
    terminal.run("X=1; export X Y=2")
    assert (terminal.shell.env["X"], terminal.shell.env["Y"]) == ("1", "2")


def test_a_variable_exported_before_it_has_a_value_is_exported_once_assigned(terminal):
    terminal.run("export LATER")
    assert "declare -x LATER\n" in terminal.run("export -p").out
    terminal.run("LATER=now")
    assert terminal.shell.env["LATER"] == "now"


def test_export_p_lists_declarations_sorted_and_escaped(terminal):
    terminal.run("""export Q='say "hi" $x'""")
    assert terminal.run("export -p").out == (
        'declare -x HOME="/home/learner"\n'
        'declare -x PATH="/usr/local/bin:/usr/bin:/bin"\n'
        'declare -x Q="say \\"hi\\" \\$x"\n'
        'declare -x USER="learner"\n')


def test_export_n_takes_a_variable_back_out_of_the_environment(terminal):
    terminal.run("export X=1; export -n X")
    assert "X" not in terminal.shell.env and terminal.run("echo $X").out == "1\n"


def test_export_rejects_invalid_names(terminal):
    result = terminal.run("export 1X=a")
    assert (result.status, result.err) == (1, "bash: export: `1X=a': not a valid identifier\n")


def test_unset_removes_shell_and_environment_variables(terminal):
    terminal.run("A=1; export B=2; unset A B")
    assert terminal.run('echo "[$A$B]"').out == "[]\n"
    assert "B" not in terminal.shell.env


def test_env_prints_the_exported_environment_unsorted_in_the_order_it_was_built(terminal):
    terminal.run("LOCAL=1; export ZED=z ALPHA=a")
    assert terminal.run("env").out == (
        "HOME=/home/learner\nUSER=learner\nPATH=/usr/local/bin:/usr/bin:/bin\nZED=z\nALPHA=a\n")


def test_env_runs_a_program_with_extra_variables(terminal, register):
    seen = []
    register("probe", lambda argv, stdin, stdout, stderr, ctx: seen.append(ctx.env.get("MODE")) or 0)
    terminal.run("env MODE=fast probe")
    assert seen == ["fast"] and "MODE" not in terminal.shell.env


def test_true_false_and_colon(terminal):
    assert [terminal.run(line).status for line in ("true", "false", ":")] == [0, 1, 0]


def test_cd_moves_between_the_known_directories_and_pwd_follows(terminal):
    result = terminal.run("pwd; cd /tmp; pwd; cd ..; pwd; cd ~; pwd; cd /; cd; pwd")
    assert result.out == "/home/learner\n/tmp\n/\n/home/learner\n/home/learner\n"


def test_cd_dash_returns_to_the_previous_directory_and_prints_it(terminal):
    assert terminal.run("cd /tmp; cd -; echo $PWD $OLDPWD").out == "/home/learner\n/home/learner /tmp\n"


def test_cd_to_an_unknown_directory_fails_like_bash(terminal):
    result = terminal.run("cd /etc/kubernetes")
    assert (result.status, result.err) == (1, "bash: cd: /etc/kubernetes: No such file or directory\n")
    assert terminal.shell.ctx.cwd == "/home/learner"


def test_type_describes_keywords_builtins_and_programs(terminal):
    result = terminal.run("type if echo kubectl nosuch")
    assert result.out == "if is a shell keyword\necho is a shell builtin\nkubectl is /usr/local/bin/kubectl\n"
    assert (result.status, result.err) == (1, "bash: type: nosuch: not found\n")
    assert terminal.run("type -t cd clear").out == "builtin\nfile\n"


def test_which_finds_programs_on_the_path_only(terminal):
    result = terminal.run("which kubectl echo cd")
    assert (result.status, result.out) == (1, "/usr/local/bin/kubectl\n/usr/bin/echo\n")


def test_history_lists_what_the_terminal_recorded(terminal):
    terminal.shell.history.extend(["kubectl get pods", "echo hi", "history"])
    assert terminal.run("history").out == "    1  kubectl get pods\n    2  echo hi\n    3  history\n"
    assert terminal.run("history 1").out == "    3  history\n"
    terminal.run("history -c")
    assert terminal.shell.history == []


def test_clear_sends_the_clear_screen_sequence(terminal):
    assert terminal.run("clear").out == "\x1b[H\x1b[2J\x1b[3J"


@pytest.mark.parametrize("lang", ["en", "ja"])
def test_help_speaks_the_learners_language_and_names_the_tools(terminal, lang):
    terminal.shell.ctx.lang = lang
    out = terminal.run("help").out
    assert out == HELP[lang]
    assert all(name in out for name in ("kubectl", "minikube", "clear", "exit"))


def test_help_in_japanese_is_japanese(terminal):
    terminal.shell.ctx.lang = "ja"
    assert "実行ボタン" in terminal.run("help").out
