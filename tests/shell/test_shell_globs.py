"""Pathname expansion: ``*``, ``?`` and ``[...]`` matched against the files ``ctx.fs`` holds."""

from __future__ import annotations

import io
import shutil
import subprocess

import pytest

from cluster_engine.clock import FakeClock
from cluster_engine.sandbox import LocalBackend
from cluster_engine.session import new_shell

BASH = shutil.which("bash")
HOME = "/home/learner"
DIRECTORIES = ["dir1", "dir2", "dir2/sub"]
FILES = ["apple", "apricot", "banana", "cherry", "file1", "file2", "file10", ".hidden",
         "dir1/x.yaml", "dir2/y.yaml", "with space"]

LINES = [
    'x="a*"; echo $x "$x"; echo \\*; echo a\\*; echo *.none',
    "echo [ab]*; echo [!ab]*; echo [^ab]*; echo [[:digit:]]*; echo *[[:digit:]]",
    "echo file?; echo file[0-9]*; echo file[2-9]; echo */; echo */*.yaml; echo dir2/*/",
    'echo ./b*; echo .h*; echo *e; echo "a"*; echo \'*\'e; echo [a; echo ?',
    "ls -d d*; cat dir1/*.yaml; wc -l *.none",
    "echo hi > a*; echo status $?; echo hi > nomatch*; ls nomatch*; echo x > 'q*'; ls q*",
    "cd dir2; echo *; echo ../a*; echo $PWD/*",
    "printf '<%s>' *space*",
]


def sandbox():
    shell = new_shell(LocalBackend(), FakeClock())
    for directory in DIRECTORIES:
        shell.ctx.fs.mkdir(f"{HOME}/{directory}")
    for name in FILES:
        shell.ctx.fs.write(f"{HOME}/{name}", "")
    return shell


def ours(line: str) -> tuple[str, str, int]:
    out, err = io.StringIO(), io.StringIO()
    status = sandbox().run_line(line, out, err)
    return out.getvalue(), err.getvalue(), status


@pytest.mark.skipif(BASH is None, reason="real bash is not installed")
@pytest.mark.parametrize("line", LINES)
def test_globs_match_what_bash_matches(tmp_path, line):
    for directory in DIRECTORIES:
        (tmp_path / directory).mkdir()
    for name in FILES:
        (tmp_path / name).write_text("")
    done = subprocess.run([BASH, "--norc", "--noprofile", "-c", line], capture_output=True,
                          text=True, cwd=tmp_path, timeout=10,
                          env={"PATH": "/usr/bin:/bin", "LANG": "C.UTF-8", "HOME": str(tmp_path)})
    err = done.stderr.replace(f"{BASH}: line 1: ", "bash: ")
    expected = (done.stdout.replace(str(tmp_path), HOME), err, done.returncode)
    assert ours(line) == expected


def test_it_sorts_matches_as_the_english_locale_does():
    shell = new_shell(LocalBackend(), FakeClock())
    for name in ("Beta", "alpha", "_gamma", "Alpha2", ".delta"):
        shell.ctx.fs.write(f"{HOME}/{name}", "")
    out = io.StringIO()
    shell.run_line("echo *; echo .*", out, io.StringIO())
    assert out.getvalue() == "alpha Alpha2 Beta _gamma\n.bash_logout .bashrc .delta .profile\n"


def test_a_directory_it_may_not_read_matches_nothing():
    out = io.StringIO()
    sandbox().run_line("echo /root/*; echo /etc/host*", out, io.StringIO())
    assert out.getvalue() == "/root/*\n/etc/hostname\n"


def test_two_matches_make_a_redirection_ambiguous():
    shell = sandbox()
    err = io.StringIO()
    assert shell.run_line("echo hi > file*", io.StringIO(), err) == 1
    assert err.getvalue() == "bash: file*: ambiguous redirect\n"
