"""The real bash is the oracle: where it is installed, both shells must print the same."""

import shutil
import subprocess

import pytest

BASH = shutil.which("bash")
ENV = {"HOME": "/home/learner", "USER": "learner", "PATH": "/usr/local/bin:/usr/bin:/bin",
       "LANG": "C.UTF-8"}

LINES = [
    "printf '<%s>' ${X:-a \"b c\" d}",
    "printf '<%s>' \"${X:-a \"b c\" d}\" \"${X:-'a'}\" \"${X:-\\}}\" \"${X:-\\a}\" ${X:-\\a}",
    "A=' x  y '; printf '<%s>' $A \"$A\" $A\"\" \"\"$A x$A",
    "IFS=' :'; A=' :x: :y::'; printf '<%s>' $A; B='x : y::z'; printf '<%s>' $B",
    "IFS=; A='p q'; printf '<%s>' $A $UNSET \"$UNSET\"",
    "printf '<%s>' 'a'\"b\"$'c\\td'\\e a\\ b",
    "printf '<%s>' \"a\\$b\" \"a\\`b\" \"a\\\\b\" \"a\\qb\" \"a\\\nb\" ab\\\ncd",
    "printf '<%s>' $'\\0101\\x41\\u00e9\\cA\\'\\\"\\?'",
    "echo -e 'x\\0101y\\101|\\c zzz'; echo -n -e -E 'a\\tb'; echo; echo -ne; echo -x",
    "printf '%5.2f|%-4s|%x|%o|%c|%%|%i\\n' 3.14159 ab 255 8 hello 7",
    "printf '%s|' a b c; printf '%d %s\\n' 1 a 2",
    "printf '%b\\n' 'a\\tb\\0101\\101' 'x\\\"y\\?'; printf 'q\\\"\\?\\n'",
    "printf '%q\\n' 'a b' \"it's\" '' 'x$y' $'tab\\there' '#x' 'a~'",
    "printf '%05d|%+d|%.3s|%*s|%-*d|\\n' 42 5 abcdef 4 x 3 7",
    "printf '%d %d %d %u %#x %#o %e %g\\n' 0x1f 010 \"'A\" -1 255 8 1.5 0.0001",
    "printf '<%s>' $(printf ' a  b ') \"$(printf 'a\\n\\n')\" \"$(echo \"in \\\"q\\\"\")\"",
    "printf '<%s>' `echo '\\\\a'` `echo \"\\\\a\"` \"`echo '\\\\a'`\" x`echo \\`echo b\\``",
    "X=1; X+=2; printf '<%s>' $X ${#X} ${X:+set} ${Y:-unset} ${Y-dash} ${#}",
    "printf '<%s>' ${X=dflt} $X; Y=; printf '<%s>' ${Y:=again} $Y",
    "printf '<%s>' a#b # a comment; printf '<%s>' no",
    "false; printf '<%s>' $?; true && printf ok || printf no; false || printf ' rescued'",
    "printf '<%s>' ~ ~/x x=~/y \"~\" a~ \\~ ~root",
    "Y=~/a:~/b; export Z=~/q; printf '<%s>' $Y $Z",
    "printf '<%s>' \"$\" $ \"$ x\" a$ $1a ${10}x",
    "A='*'; printf '<%s>' $A \"$A\" '[x]'",
    "false; printf '<%s>' $(exit 3) $?; X=$(exit 4); printf '<%s>' $?",
    "X=outer; printf '<%s>' \"$(X=inner; echo $X)\" $X",
    "printf 'x%zy\\n'; printf '<%s>' $?; printf '%d\\n' 12abc; printf '<%s>' $?",
    "echo hi 2>&1 >/dev/null; echo to-err >&2 2>/dev/null; echo both &>/dev/null; echo end",
    "echo a | printf '<%s>' b; ! true; printf '<%s>' $?",
    "export -p | printf 'piped\\n'; unset X; printf '<%s>' \"${X-unset}\"",
    "A='a:b'; IFS=:; printf '<%s>' $A \"$A\" $(echo c:d); unset IFS; printf '<%s>' $A",
    "A=$'a\\tb\\nc  d'; printf '<%s>' $A $'a b\\tc' \"$(printf 'a\\tb')\"",
    "X='a  b'; printf '<%s>' ${X:+\"$X\"} ${X:+$X} \"${U:-$(echo a  b)}\" ${U:-$(echo a  b)}",
    "printf '<%s>' '\\' \"\\\\\" \\\\ $'a\\0b'",
    "false; X=1; printf '<%s>' $?; X=$(false); printf '<%s>' $?; :; printf '<%s>' $?",
    "printf '%c|%5c|%.2s|%10.4f|%-10e|%i\\n' abc x abc 3.14159 2 ' 42'",
    "printf '%s %s %s\\n' a b c d",
    "echo \"${HOME}x ${HOME:-y}\" ${#HOME}",
    "X=1; cat <<EOF | cat; cat <<-'E'\n$X \\$X \"$X\" '$X' $(echo s)\nEOF\n\t$X\n\tE",
    "echo a \\\nb; printf '<%s>' 'c\\\nd'",
]


@pytest.mark.skipif(BASH is None, reason="bash is not installed")
@pytest.mark.parametrize("line", LINES)
def test_the_shell_prints_what_bash_prints(terminal, line, tmp_path):
    """Bash runs in an empty directory, where a glob matches nothing, as in the sandbox."""
    bash = subprocess.run([BASH, "--norc", "--noprofile", "-c", line], capture_output=True, text=True,
                          env=ENV, cwd=tmp_path, timeout=10)
    ours = terminal.run(line)
    assert (ours.out, ours.status) == (bash.stdout, bash.returncode)
