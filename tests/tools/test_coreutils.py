"""ls, cat, head, tail, wc, mkdir, touch, rm, cp, mv, base64, date, watch and the editors."""

from __future__ import annotations

import io

import pytest

from cluster_engine.clock import FakeClock
from cluster_engine.sandbox import LocalBackend
from cluster_engine.session import new_shell
from file_twin import BASH, real, run, sandbox_shell

SAME_AS_GNU = [
    "ls; ls -1 notes; ls -a notes; ls -A notes",
    "ls notes words pods.txt; ls -d notes; ls -r",
    "ls -R notes; ls nosuch; echo status $?",
    "ls -z",
    "cat words; cat -n notes/todo.txt notes/done.txt",
    "cat nosuch words notes; echo status $?",
    "cat < words | cat - csv",
    "printf 'a\\tb\\001c\\177\\n\\n\\n\\xc3\\xa9\\n' > raw; cat -A raw; cat -T raw; cat -v raw; cat -E -s raw",
    "printf 'x\\n\\ny' > raw; cat -n raw; cat -b raw; cat -e raw",
    "head -n 2 pods.txt; head -2 words; head -c 5 csv; echo",
    "head -n -3 words; tail -n 2 words; tail -3 words; tail -n +4 words",
    "head words csv; tail -n 1 notes/todo.txt notes/done.txt",
    "head -n x words; head nosuch; echo status $?",
    "wc words; wc -l pods.txt; wc -w < words; wc -c words csv",
    "wc nosuch words; cat words | wc; cat words | wc -l",
    "mkdir a; mkdir a; mkdir b/c; mkdir -p b/c/d && ls -R b; mkdir",
    "mkdir -p words/x; mkdir -p -v n/m",
    "touch new; ls new; touch; touch nosuchdir/f",
    "rm words; ls; rm notes; rm -r notes; ls; rm nosuch; rm -f nosuch; echo status $?; rm",
    "rm -d notes; rmdir notes; mkdir e; rmdir e && echo gone",
    "cp words w2 && cat w2; cp notes n2; cp -r notes n2 && ls n2; cp nosuch x; cp; cp words",
    "cp words csv notes && ls notes; cp words csv nowhere",
    "mv words w3 && ls; mv nosuch x; mv csv notes/ && ls notes; mv notes notes/x",
    "mv -v pods.txt p.txt; cp -v p.txt q.txt",
    "base64 csv; base64 -w 0 csv; echo; base64 csv | base64 -d",
    "echo aGVsbG8= | base64 -d; echo '!!!' | base64 -d; echo status $?",
    "date -d; date x; date -d '2026-01-02 03:04:05'; date -d @0 +%F",
    "ls -C -w 32 letters; ls -C -w 50 letters; ls -w x",
    "echo w*; echo notes/*.txt; echo [cw]*; echo ?sv; echo *.none; echo 'w*' \"n*\"",
    "echo */; echo notes/.*; echo n*/*o*; echo [!w]*",
    "echo out > f1; cat f1; echo more >> f1; cat f1; echo err 2> f2 >&2; cat f2",
    "ls nosuch 2> f3; cat f3; ls nosuch &> f4; cat f4; wc -l < words",
    "cat < nosuch; echo hi > notes; echo $?",
    "cd notes && pwd && cd .. && cd - && cd nosuch; cd words; cd; pwd",
]


@pytest.mark.skipif(BASH is None, reason="real bash and coreutils are not installed")
@pytest.mark.parametrize("line", SAME_AS_GNU)
def test_it_prints_what_the_gnu_tools_print(tmp_path, line):
    ours = run(sandbox_shell(), line)
    theirs = real(tmp_path, line.replace("/home/learner", str(tmp_path)))
    assert (ours.out, ours.err, ours.status) == (
        theirs.out.replace(str(tmp_path), "/home/learner"),
        theirs.err.replace(str(tmp_path), "/home/learner"), theirs.status)


def test_ls_long_shows_owner_size_and_sandbox_time():
    shell = sandbox_shell()
    assert run(shell, "ls -l").out == (
        "total 20\n"
        "-rw-rw-r-- 1 learner learner   51 Nov 25 16:00 csv\n"
        "drwxrwxr-x 2 learner learner 4096 Nov 25 16:00 letters\n"
        "drwxrwxr-x 2 learner learner 4096 Nov 25 16:00 notes\n"
        "-rw-rw-r-- 1 learner learner  286 Nov 25 16:00 pods.txt\n"
        "-rw-rw-r-- 1 learner learner   38 Nov 25 16:00 words\n")
    assert run(shell, "ls -la /home").out == (
        "total 12\n"
        "drwxr-xr-x  3 root    root    4096 Nov 24  2025 .\n"
        "drwxr-xr-x 20 root    root    4096 Nov 24  2025 ..\n"
        "drwxr-x---  4 learner learner 4096 Nov 25 16:00 learner\n")
    assert run(shell, "ls -lh /usr/local/bin/kubectl").out == (
        "-rwxr-xr-x 1 root root 55M Nov 25  2025 /usr/local/bin/kubectl\n")


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_ls_fills_columns_on_a_terminal_and_one_per_line_into_a_pipe():
    shell = new_shell(LocalBackend(), FakeClock(), interactive=True)
    shell.ctx.extra["columns"] = 32
    for name in ("B.txt", "_x", "a.b", "a.txt", "a1", "a10", "a2", "abc", "c", "d1", "d2"):
        shell.ctx.fs.write(f"/home/learner/{name}", "")
    out = _Terminal()
    shell.run_line("ls", out, io.StringIO())
    assert out.getvalue() == ("a1   a2   abc\t B.txt\td1  _x\n"
                              "a10  a.b  a.txt  c\td2\n")
    piped = io.StringIO()
    shell.run_line("ls | head -3", piped, io.StringIO())
    assert piped.getvalue() == "a1\na10\na2\n"


def test_the_learner_cannot_touch_what_root_owns():
    shell = sandbox_shell()
    assert run(shell, "ls /root").err == "ls: cannot open directory '/root': Permission denied\n"
    assert run(shell, "cat /root/.bashrc").err == "cat: /root/.bashrc: Permission denied\n"
    assert run(shell, "touch /etc/motd").err == "touch: cannot touch '/etc/motd': Permission denied\n"
    assert run(shell, "mkdir /opt/x").err == (
        "mkdir: cannot create directory ‘/opt/x’: Permission denied\n")
    assert run(shell, "rm /etc/hostname").err == "rm: cannot remove '/etc/hostname': Permission denied\n"
    assert run(shell, "cp words /etc/").err == (
        "cp: cannot create regular file '/etc/words': Permission denied\n")
    assert run(shell, "mv words /etc/").err == (
        "mv: cannot move 'words' to '/etc/words': Permission denied\n")
    assert run(shell, "echo x > /etc/x").err == "bash: /etc/x: Permission denied\n"
    assert run(shell, "cd /root").err == "bash: cd: /root: Permission denied\n"


def test_files_outlive_the_shell_and_a_fresh_sandbox_has_none():
    backend = LocalBackend()
    first = new_shell(backend, FakeClock())
    run(first, "mkdir app && echo 'replicas: 3' > app/values.yaml")
    second = new_shell(backend, FakeClock())
    assert run(second, "cat app/values.yaml").out == "replicas: 3\n"
    assert run(new_shell(LocalBackend(), FakeClock()), "ls app").status == 2


def test_a_full_disk_says_no_space_left():
    shell = sandbox_shell()
    result = run(shell, "cat > big", stdin="x" * (300 * 1024))
    assert result.err == "bash: write error: No space left on device\n"


def test_date_follows_the_sandbox_clock():
    shell = sandbox_shell()
    assert run(shell, "date").out == "Wed Nov 25 16:00:00 UTC 2026\n"
    assert run(shell, "date +%Y-%m-%dT%H:%M:%S%z' '%s").out == "2026-11-25T16:00:00+0000 1795622400\n"
    assert run(shell, "date -u '+%a %e %b %H.%M'").out == "Wed 25 Nov 16.00\n"


def test_who_am_i():
    shell = sandbox_shell()
    assert run(shell, "whoami; hostname; id").out == (
        "learner\nminikube-tutorial\nuid=1000(learner) gid=1000(learner) groups=1000(learner)\n")


class _InterruptingClock(FakeClock):
    """A fake clock whose ``sleeps``+1st wait is interrupted, as Ctrl-C would interrupt it."""

    def __init__(self, sleeps: int):
        super().__init__()
        self.sleeps = sleeps

    def advance(self, seconds: float) -> None:
        if self.sleeps == 0:
            raise KeyboardInterrupt
        self.sleeps -= 1
        super().advance(seconds)

    sleep = advance


def test_watch_redraws_with_a_header_until_interrupted():
    clock = _InterruptingClock(sleeps=1)
    shell = new_shell(LocalBackend(), clock)
    out = io.StringIO()
    with pytest.raises(KeyboardInterrupt):
        shell.run_line("watch -n 5 echo hi", out, out)
    header = "Every 5.0s: echo hi{}minikube-tutorial: Wed Nov 25 16:00:0{} 2026"
    assert out.getvalue() == (
        "\x1b[H\x1b[2J" + header.format(" " * 18, 0) + "\n\nhi\n"
        "\x1b[H\x1b[2J" + header.format(" " * 18, 5) + "\n\nhi\n")
    assert shell.last_status == 130


@pytest.mark.parametrize("lang, words", [("en", "this terminal has no text editor"),
                                         ("ja", "テキストエディタがありません")])
def test_editors_explain_how_to_write_a_file(lang, words):
    shell = new_shell(LocalBackend(), FakeClock(), lang=lang)
    result = run(shell, "vim deployment.yaml")
    assert result.status == 1
    assert words in result.err and result.err.endswith("cat > notes.txt <<EOF\n")
    assert result.err.count("\n") == 1
    assert run(shell, "which nano").out == "/usr/bin/nano\n"


def test_ls_columns_measure_japanese_names_by_their_width_on_screen():
    shell = new_shell(LocalBackend(), FakeClock(), interactive=True)
    shell.ctx.extra["columns"] = 17
    for name in ("ab", "cd", "メモ.txt"):
        shell.ctx.fs.write(f"/home/learner/{name}", "")
    out = _Terminal()
    shell.run_line("ls", out, io.StringIO())
    assert out.getvalue() == "ab  メモ.txt\ncd\n"
