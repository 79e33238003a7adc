"""Quoting and expansion: how typed words become a command's arguments."""

import pytest


def args(terminal, words: str) -> list[str]:
    """The arguments ``words`` expand to, as a command receives them."""
    result = terminal.run(f"kubectl {words}")
    assert result.err == ""
    return terminal.calls.pop()[1:]


def test_single_quotes_keep_every_character_literally(terminal):
    assert args(terminal, "'$HOME \"x\" \\n `a`'") == ['$HOME "x" \\n `a`']


def test_double_quotes_expand_but_keep_one_argument(terminal):
    assert args(terminal, '"$HOME and  ${USER}"') == ["/home/learner and  learner"]


def test_backslash_quotes_the_next_character_outside_quotes(terminal):
    assert args(terminal, r"a\ b \$HOME \\ \'") == ["a b", "$HOME", "\\", "'"]


def test_backslash_inside_double_quotes_escapes_only_dollar_backquote_quote_and_backslash(terminal):
    assert args(terminal, r'"a\$b" "a\`b" "a\\b" "a\qb" "a\"b"') == ["a$b", "a`b", "a\\b", "a\\qb", 'a"b']


def test_ansi_c_quotes_decode_escapes(terminal):
    assert args(terminal, r"$'a\tb\n' $'\x41\101\u00e9' $'it\'s' $'\e[0m'") == [
        "a\tb\n", "AAé", "it's", "\x1b[0m"]


def test_adjacent_quoted_and_unquoted_pieces_make_one_word(terminal):
    assert args(terminal, "'a'\"b\"$'c'\\d e") == ["abcd", "e"]


def test_empty_quotes_make_an_empty_argument(terminal):
    assert args(terminal, "'' \"\" \"$UNSET\"") == ["", "", ""]


def test_an_unset_unquoted_variable_disappears(terminal):
    assert args(terminal, "a $UNSET b") == ["a", "b"]


def test_a_comment_runs_to_the_end_of_the_line_but_hash_inside_a_word_is_literal(terminal):
    assert args(terminal, "a#b # c d") == ["a#b"]


def test_backslash_newline_continues_the_line(terminal):
    assert args(terminal, "ab\\\ncd \\\n e") == ["abcd", "e"]


def test_unquoted_expansion_splits_into_separate_arguments(terminal):
    terminal.run('A=" x  y "')
    assert args(terminal, '$A "$A" $A"" ""$A') == ["x", "y", " x  y ", "x", "y", "", "", "x", "y"]


def test_a_non_whitespace_ifs_character_delimits_empty_fields(terminal):
    terminal.run('IFS=" :"; A=" :x: :y::"')
    assert args(terminal, "$A") == ["", "x", "", "y", ""]


def test_an_empty_ifs_disables_splitting(terminal):
    terminal.run('IFS=; A="p q"')
    assert args(terminal, "$A") == ["p q"]


def test_default_values_split_only_when_unquoted(terminal):
    assert args(terminal, '${X:-a "b c" d}') == ["a", "b c", "d"]
    assert args(terminal, '"${X:-a "b c" d}"') == ["a b c d"]


@pytest.mark.parametrize(("word", "expected"), [
    ("${SET:-d}", "v"), ("${EMPTY:-d}", "d"), ("${EMPTY-d}", ""), ("${UNSET-d}", "d"),
    ("${SET:+alt}", "alt"), ("${EMPTY:+alt}", ""), ("${EMPTY+alt}", "alt"), ("${#SET}", "1"),
    ("${#UNSET}", "0"), ("${SET}x", "vx"), ("$SET-x", "v-x"),
])
def test_parameter_operators_follow_bash(terminal, word, expected):
    terminal.run("SET=v EMPTY=")
    assert args(terminal, f'"{word}"') == [expected]


def test_assigning_default_sets_the_variable(terminal):
    assert args(terminal, "${NEW:=fresh} $NEW") == ["fresh", "fresh"]


def test_an_unset_required_parameter_stops_the_whole_line(terminal):
    result = terminal.run("echo ${NAME:?give a name}; echo after")
    assert (result.status, result.out, result.err) == (1, "", "bash: NAME: give a name\n")


def test_a_bad_substitution_stops_the_whole_line(terminal):
    result = terminal.run("echo a; echo ${x&}; echo after")
    assert (result.status, result.out, result.err) == (1, "a\n", "bash: ${x&}: bad substitution\n")


def test_expansions_bash_has_but_this_shell_lacks_say_so(terminal):
    assert terminal.run("echo ${POD_NAME%%-*}").err == \
        "bash: ${POD_NAME%%-*}: this expansion is not supported here yet\n"


def test_special_parameters_have_values(terminal):
    terminal.run("false")
    assert args(terminal, "$? $$ $# $0") == ["1", str(terminal.shell.pid), "0", "bash"]


def test_a_lone_dollar_is_literal(terminal):
    assert args(terminal, '$ "$" a$ "$ x"') == ["$", "$", "a$", "$ x"]


def test_tilde_expands_at_word_start_and_after_assignment_signs(terminal):
    assert args(terminal, '~ ~/x x=~/y "~" a~ \\~ ~root') == [
        "/home/learner", "/home/learner/x", "x=/home/learner/y", "~", "a~", "~", "/root"]


def test_command_substitution_strips_trailing_newlines_only(terminal):
    terminal.outputs["kubectl"] = "\n a \n\n\n"
    terminal.run('X="$(kubectl)"')
    assert terminal.shell.get_var("X") == "\n a "


def test_command_substitution_nests_inside_double_quotes(terminal):
    assert args(terminal, '"$(echo "in "$(echo "deep")"")"') == ["in deep"]


def test_backquotes_are_command_substitution_too(terminal):
    assert args(terminal, r"`echo a` \"`echo '\\a'`\" x`echo \`echo b\``") == ["a", '"\\a"', "xb"]


def test_a_command_substitution_cannot_change_the_shell(terminal):
    terminal.run("X=outer")
    assert args(terminal, '"$(X=inner; cd /tmp; echo $X)" $X') == ["inner", "outer"]
    assert terminal.shell.ctx.cwd == "/home/learner"


def test_plain_assignment_does_not_split_the_value(terminal):
    terminal.run("X=$(echo 'a   b')")
    assert terminal.shell.get_var("X") == "a   b"
    assert "X" not in terminal.shell.env


def test_append_assignment_extends_a_value(terminal):
    terminal.run("X=a; X+=b")
    assert terminal.shell.get_var("X") == "ab"


def test_a_prefix_assignment_is_seen_by_the_command_only(terminal, register):
    seen = []
    register("probe", lambda argv, stdin, stdout, stderr, ctx: seen.append(ctx.env.get("MODE")) or 0)
    terminal.run("MODE=fast probe; probe")
    assert seen == ["fast", None]
