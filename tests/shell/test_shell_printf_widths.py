"""printf's widths and precisions count bytes of UTF-8, as bash 5.2 counts them, not characters.

So ``printf '%-8s|' 日本`` pads with two spaces in bash, and here. The real bash is the oracle
where it is installed.
"""

import shutil
import subprocess

import pytest

BASH = shutil.which("bash")
LINES = [
    "printf '%-8s|\\n' 日本 ab",
    "printf '%5s|%-4s|%.1s|%s\\n' ab 日 abc 'x y'",
    "printf '%.3s|%6.3s|\\n' 日本語 日本語",
]


def test_a_wide_character_counts_its_three_bytes_in_a_width(terminal):
    assert terminal.run("printf '%-8s|\\n' 日本 ab").out == "日本  |\nab      |\n"


@pytest.mark.skipif(BASH is None, reason="bash is not installed")
@pytest.mark.parametrize("line", LINES)
def test_printf_pads_wide_characters_as_bash_does(terminal, line, tmp_path):
    bash = subprocess.run([BASH, "--norc", "--noprofile", "-c", line], capture_output=True,
                          env={"LANG": "C.UTF-8", "PATH": "/usr/bin:/bin"}, cwd=tmp_path, timeout=10)
    assert terminal.run(line).out == bash.stdout.decode("utf-8", "replace")
