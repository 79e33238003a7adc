"""The history bash keeps with Ubuntu's ~/.bashrc, as the sandbox saves it."""

from __future__ import annotations

from cluster_engine.history import HISTSIZE, append_saved, is_remembered, saved_lines


def test_history_ignores_what_ubuntus_histcontrol_ignores():
    assert is_remembered("kubectl get pods", None, None)
    assert not is_remembered(" kubectl get pods", None, None)
    assert not is_remembered("kubectl get pods", "kubectl get pods", None)
    assert is_remembered("kubectl get pods", "kubectl get pods", "")
    assert is_remembered(" secret", None, "ignoredups")
    assert not is_remembered("   ", None, "")


def test_saved_history_appends_and_keeps_the_last_histsize_lines():
    shell_state = {"history": [f"echo {n}" for n in range(HISTSIZE - 1)]}
    append_saved(shell_state, ["echo new-1", "echo new-2"])
    lines = saved_lines(shell_state)
    assert len(lines) == HISTSIZE
    assert lines[0] == "echo 1" and lines[-2:] == ["echo new-1", "echo new-2"]
    assert saved_lines({}) == [] and saved_lines({"history": "garbage"}) == []
