"""Help pages on a terminal: kubectl wraps them at 80, 100 or 120 columns (captured from v1.32.5)."""

from pathlib import Path

import pytest

from cluster_engine.printers.wordwrap import wrap_help, wrap_limit, wrap_string
from cluster_engine.tools.kubectl.help import help_page

FIXTURES = Path(__file__).parent / "fixtures" / "kubectl-help-tty"
PAGES = {"root": "kubectl", "get": "kubectl-get", "version": "kubectl-version",
         "cluster-info": "kubectl-cluster-info", "options": "kubectl-options"}


@pytest.mark.parametrize("width", [80, 100, 120])
@pytest.mark.parametrize("name", sorted(PAGES))
def test_a_help_page_wraps_exactly_as_the_real_kubectl_does_on_a_terminal(name, width):
    expected = (FIXTURES / f"tty_{name}_{width}.txt").read_text(encoding="utf-8")
    assert wrap_help(help_page(PAGES[name]), width) == expected


def test_terminals_narrower_than_eighty_columns_get_no_wrapping():
    assert wrap_limit(79) == 0
    assert wrap_limit(None) == 0
    assert wrap_help(help_page("kubectl-get"), 60) == help_page("kubectl-get")


def test_limits_snap_to_eighty_one_hundred_or_one_hundred_twenty():
    assert [wrap_limit(width) for width in (80, 99, 100, 119, 120, 300)] == [80, 80, 100, 100,
                                                                               120, 120]


def test_a_word_longer_than_the_limit_stays_whole():
    assert wrap_string("a " + "x" * 12, 10) == "a\n" + "x" * 12
