"""grep, sort, uniq, cut, tr, sed and awk: the words, spacing and statuses of the GNU tools."""

from __future__ import annotations

import pytest

from cluster_engine.tools.text import RegexError, posix_regex
from file_twin import BASH, real, run, sandbox_shell

SAME_AS_GNU = [
    "grep Running pods.txt",
    "grep -c Running pods.txt; grep -n -i PENDING pods.txt",
    "grep -v Running pods.txt | grep -o '[0-9]/[0-9]'",
    "grep -w 0 pods.txt; grep -E 'Pending|1/1' pods.txt | wc -l",
    "grep -x 'fig 1' words; grep '^app' words",
    "grep nothing pods.txt; echo status $?",
    "grep x nosuch; echo status $?",
    "grep Running pods.txt nosuch; echo status $?",
    "grep -l minikube notes/todo.txt notes/done.txt; grep -h scale notes/*",
    "grep -q Running pods.txt && echo found",
    "grep 'a\\(pp\\)le' words; grep -E 'p{2}' words; grep '[[:digit:]]\\{2\\}' words",
    "cat pods.txt | grep Pending",
    "grep -r minikube notes",
    "grep",
    "grep -Q x words",
    "grep '\\(' words",
    "sort words; sort -r words; sort -u words",
    "sort -k2 -n words; sort -k2,2nr words",
    "sort -t, -k3 csv; sort -n -u -k2 words",
    "sort nosuch",
    "tail -n +2 pods.txt | sort -k4 -n -r; sort -r -k2,2n words; sort -rn -k2 words",
    "sort -k0 words",
    "sort words | uniq -c; sort words | uniq -d; sort words | uniq -u",
    "cut -d' ' -f1 words; cut -c1-3 words; cut -d, -f1,3 csv",
    "cut -d, -f2- csv; cut -d: -f1 csv; cut -s -d: -f1 csv",
    "cut words; cut -f1 -c1 words; cut -d, -f0 csv",
    "echo kubectl | tr a-z A-Z; echo 'a  b   c' | tr -s ' '; echo hello | tr -d l",
    "echo a,b,c | tr , '\\n'; echo Hello | tr '[:upper:]' '[:lower:]'; echo abc | tr -c a x",
    "echo x | tr; echo x | tr a",
    "awk '{print $1}' pods.txt",
    "awk 'NR > 1 {print $1, $3}' pods.txt",
    "awk '$4 > 0 {print $1}' pods.txt",
    "awk '/Pending/ {print NR\": \"$NF}' pods.txt",
    "awk -F, '{print $2}' csv; awk -F, 'NR==2' csv",
    "awk '{s += $2} END {print \"sum\", s, NR}' words",
    "awk 'BEGIN {print \"start\"} END {print NR}' words",
    "awk '{printf \"%-8s|%4d|\\n\", $1, $2}' words",
    "awk '{print length($1), toupper($1), substr($1, 2, 3)}' words",
    "awk '$1 == \"apple\" {n++} END {print n}' words",
    "awk '{print $NF; print NF}' csv",
    "awk -v limit=5 '$2 > limit' words",
    "awk '{ if ($2 > 5) print $1, \"big\"; else print $1, \"small\" }' words",
    "awk '{print $1 +}' words; awk 'BEGIN { x = 1'; awk '{ if x }' words; echo status $?",
    "awk '{print $1/($2-1)}' words; echo status $?; awk 'BEGIN {print 1/x}'",
    "awk '{print substr($1, 2), substr($1, 0, 2), index($1, \"p\")}' words",
    "awk 'NR==1 {print FILENAME, FNR} END {print FILENAME, NR}' words csv",
    "sed 's/apple/APPLE/' words; sed 's/p/P/g' words",
    "sed -n '2p' words; sed '1d' words; sed -n '/apple/p' words",
    "sed -e 's/1/one/' -e '/kiwi/d' words; sed '2,3d' words; sed '$d' words",
    "sed 's/\\([a-z]*\\) \\(.*\\)/\\2 \\1/' words; sed -E 's/([a-z]+) ([0-9]+)/\\2=\\1/' words",
    "sed 's/a/[&]/2' words; sed -n '/fig/,/kiwi/p' words; sed '/fig/!d' words",
    "sed 's/x' words; sed",
    "sed 's/[z-a]/x/' words; sed 's/\\(/x/' words; grep '[z-a]' words; echo [z-a]*",
    "sed = words | head -4; sed 3q words",
]


@pytest.mark.skipif(BASH is None, reason="real bash and coreutils are not installed")
@pytest.mark.parametrize("line", SAME_AS_GNU)
def test_it_prints_what_the_gnu_tools_print(tmp_path, line):
    ours = run(sandbox_shell(), line)
    theirs = real(tmp_path, line)
    assert (ours.out, ours.err, ours.status) == (theirs.out, theirs.err, theirs.status)


def test_it_reads_standard_input_when_no_file_is_named():
    shell = sandbox_shell()
    assert run(shell, "grep -c b", stdin="a\nb\nb\n").out == "2\n"
    assert run(shell, "grep -H b", stdin="b\n").out == "(standard input):b\n"


def test_grep_answers_two_for_a_broken_pattern_and_one_for_no_match():
    shell = sandbox_shell()
    assert run(shell, "grep -E '(' words").status == 2
    assert run(shell, "grep zzz words").status == 1


def test_sed_edits_a_file_in_place():
    shell = sandbox_shell()
    assert run(shell, "sed -i 's/apple/pear/g' words").status == 0
    assert run(shell, "grep -c pear words").out == "3\n"


def test_sort_writes_its_output_file():
    shell = sandbox_shell()
    run(shell, "sort -o sorted words")
    assert run(shell, "head -1 sorted").out == "apple 10\n"


def test_sort_orders_as_the_english_locale_does():
    shell = sandbox_shell()
    assert run(shell, "sort", stdin="B\n.c\nb\nA\n_d\na\n").out == "a\nA\nb\nB\n.c\n_d\n"


def test_awk_counts_with_arrays_and_reports_division_by_zero():
    shell = sandbox_shell()
    assert run(shell, "awk '{c[$1]++} END {for (k in c) print k, c[k]}' words").out == (
        "pear 1\napple 2\nfig 1\nkiwi 1\n")
    failed = run(shell, "awk '{print $2/0}' words")
    assert (failed.status, failed.err) == (
        2, "awk: cmd. line:1: (FILENAME=words FNR=1) fatal: division by zero attempted\n")


def test_posix_regexes_keep_their_own_meaning():
    assert posix_regex(r"a\(b\)*c+", extended=False) == r"a(b)*c\+"
    assert posix_regex(r"(x|y)[[:space:]]\<w", extended=True) == r"(x|y)[ \t\n\r\f\v]\bw"
    with pytest.raises(RegexError):
        posix_regex("[abc", extended=True)
