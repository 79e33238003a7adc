"""Here-documents: bodies read from the following lines, expanded as bash expands them."""

import shutil
import subprocess

import pytest

BASH = shutil.which("bash")

#: Each runs through our shell with the test ``cat`` and through bash; the outputs must agree.
AGREEING_WITH_BASH = [
    "X=world; cat <<EOF\nhello $X ${X:-no} $(echo sub) `echo back` \"q\" 'q'\nEOF",
    "cat <<EOF\na \\$X \\\\ \\\" \\q \\`x\\`\nb \\\nc\nEOF",
    "X=1; cat <<'EOF'\n$X $(echo no) \\$ \\\nEOF",
    "X=1; cat <<\"E\"OF\n$X\nEOF",
    "X=1; cat <<\\EOF\n$X\nEOF",
    "cat <<-EOF\n\t\tindented\n  spaces stay\n\tEOF",
    "cat <<A; cat <<B\nfirst\nA\nsecond\nB",
    "cat <<A | cat; echo after\npiped\nA",
    "cat <<EOF && echo ok\nEOF",
    "cat 0<<EOF\nexplicit fd\nEOF",
    "X=$(cat <<EOF\ninside a substitution\nEOF\n); echo \"$X\"",
]


@pytest.mark.skipif(BASH is None, reason="bash is not installed")
@pytest.mark.parametrize("line", AGREEING_WITH_BASH)
def test_it_prints_what_bash_prints(terminal, line, tmp_path):
    bash = subprocess.run([BASH, "--norc", "--noprofile", "-c", line], capture_output=True,
                          text=True, cwd=tmp_path, timeout=10)
    ours = terminal.run(line)
    assert (ours.out, ours.err, ours.status) == (bash.stdout, bash.stderr, bash.returncode)


def test_it_feeds_the_body_to_any_command_as_stdin(terminal, register):
    received = []

    def recording(argv, stdin, stdout, stderr, ctx):
        received.append((argv, stdin.read()))
        return 0
    register("kubectl", recording)
    terminal.run("kubectl apply -f - <<EOF\nkind: Namespace\nmetadata:\n  name: $USER\nEOF")
    assert received == [(["kubectl", "apply", "-f", "-"], "kind: Namespace\nmetadata:\n  name: learner\n")]


def test_it_asks_for_more_lines_until_the_delimiter(terminal):
    shell = terminal.shell
    assert not shell.is_complete("cat <<EOF")
    assert not shell.is_complete("cat <<EOF\nbody")
    assert not shell.is_complete("cat <<EOF\n EOF")
    assert not shell.is_complete("cat <<A; cat <<B\nA")
    assert shell.is_complete("cat <<EOF\nbody\nEOF")
    assert shell.is_complete("cat <<-EOF\n\tbody\n\tEOF")
    assert shell.is_complete("cat <<'EOF'\n$(\nEOF")


def test_end_of_input_before_the_delimiter_warns_and_still_runs(terminal):
    result = terminal.run("echo before\ncat <<EOF\nbody $HOME")
    assert result.out == "before\nbody /home/learner\n"
    assert result.err == ("bash: warning: here-document at line 2 delimited by end-of-file "
                          "(wanted `EOF')\n")


def test_the_warning_counts_lines_across_the_session(terminal):
    terminal.run("true")
    terminal.run("echo one \\\ntwo")
    assert terminal.run("cat <<END").err == ("bash: warning: here-document at line 4 delimited by "
                                             "end-of-file (wanted `END')\n")


def test_a_missing_delimiter_word_is_a_syntax_error(terminal):
    result = terminal.run("cat <<")
    assert (result.status, result.err) == (2, "bash: syntax error near unexpected token `newline'\n")
