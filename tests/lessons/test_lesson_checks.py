"""Lesson checks and the lesson player: a step passes only when the sandbox really got there."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from cluster_engine import lesson_checks
from cluster_engine.clock import FakeClock
from cluster_engine.cluster import Cluster
from cluster_engine.minikube_cluster import start_cluster
from cluster_engine.state import SandboxState
from tutorial.lesson_player import play
from tutorial.lessons import load_lesson_file

LESSON = """\
id: one
order: 1
title: {{en: One, ja: 一}}
summary: {{en: One., ja: 一。}}
start:
  - minikube start
steps:
  - id: look
    title: {{en: Look, ja: 見る}}
    commands:
      - kubectl get nodes
    checks:
{checks}
"""


@pytest.fixture
def cluster() -> Cluster:
    cluster = Cluster(SandboxState.fresh(3), FakeClock())
    start_cluster(cluster)
    cluster.advance()
    return cluster


def lesson_with(tmp_path: Path, checks: str):
    path = tmp_path / "01-one.yaml"
    path.write_text(LESSON.format(checks=textwrap.indent(checks, "      ")), encoding="utf-8")
    return load_lesson_file(path)


def test_exists_and_absent_look_objects_up_by_kubectl_type_and_name(cluster):
    assert lesson_checks.passed({"exists": "node/minikube"}, cluster, [])
    assert lesson_checks.passed({"exists": "svc/kubernetes"}, cluster, [])
    assert not lesson_checks.passed({"exists": "deployment/web"}, cluster, [])
    assert lesson_checks.passed({"absent": "deployment/web"}, cluster, [])
    assert lesson_checks.passed({"exists": "deployment/coredns", "namespace": "kube-system"},
                                cluster, [])


def test_a_field_check_reads_the_object_through_jsonpath(cluster):
    ready = '{.status.conditions[?(@.type=="Ready")].status}'
    assert lesson_checks.passed({"field": "node/minikube", "path": ready, "equals": "True"},
                                cluster, [])
    assert not lesson_checks.passed({"field": "node/minikube", "path": ready, "equals": "False"},
                                    cluster, [])
    assert lesson_checks.passed({"field": "node/minikube", "path": "{.metadata.name}",
                                 "matches": "mini.*"}, cluster, [])
    assert lesson_checks.passed({"field": "node/minikube", "path": "{.status.capacity.cpu}",
                                 "at_least": 2}, cluster, [])
    assert not lesson_checks.passed({"field": "node/minikube", "path": "{.metadata.name}",
                                     "at_least": 1}, cluster, [])


def test_ready_pods_counts_only_ready_pods_matching_the_selector(cluster):
    dns = {"ready_pods": "k8s-app=kube-dns", "namespace": "kube-system"}
    assert lesson_checks.passed({**dns, "count": 1}, cluster, [])
    assert not lesson_checks.passed({**dns, "count": 2}, cluster, [])
    assert not lesson_checks.passed({"ready_pods": "k8s-app=kube-dns", "count": 1}, cluster, [])


def test_ran_looks_for_the_pattern_in_the_commands_typed(cluster):
    check = {"ran": r"^kubectl get (nodes|no)\b"}
    assert lesson_checks.passed(check, cluster, ["ls", "kubectl get no -o wide"])
    assert not lesson_checks.passed(check, cluster, ["kubectl get pods"])


@pytest.mark.parametrize("check, message", [
    ({"exists": "web"}, "write the object as TYPE/NAME"),
    ({"exists": "widgets/web"}, "'widgets' is not a resource type"),
    ({"ran": "a", "exists": "pod/x"}, "exactly one of"),
    ({"field": "pod/x", "path": "{.a}"}, "exactly one of equals, matches, at_least"),
    ({"ran": "("}, "not a valid regular expression"),
])
def test_malformed_checks_are_refused_with_a_reason(check, message):
    with pytest.raises(lesson_checks.CheckError, match=message):
        lesson_checks.validate(check)


def test_a_lesson_file_with_a_malformed_check_names_its_line(tmp_path):
    with pytest.raises(Exception) as error:
        lesson_with(tmp_path, "- exists: web\n")
    assert "01-one.yaml:" in str(error.value) and "TYPE/NAME" in str(error.value)


def test_the_player_passes_a_step_whose_checks_hold_after_its_commands(tmp_path):
    lesson = lesson_with(tmp_path, '- ran: "^kubectl get nodes"\n- exists: node/minikube\n')
    for language in ("en", "ja"):
        result = play(lesson, language)
        assert result.passed, result.failures
        assert "minikube   Ready    control-plane" in result.transcript


def test_the_player_reports_a_check_that_never_holds(tmp_path):
    lesson = lesson_with(tmp_path, "- exists: deployment/web\n")
    result = play(lesson, "en", patience=5)
    assert [str(failure) for failure in result.failures] == [
        "step 'look': check not passed: exists deployment/web"]


def test_lessons_check_fails_the_run_when_a_module_does_not_pass(tmp_path, settings, capsys):
    settings.LESSONS_DIR = tmp_path
    lesson_with(tmp_path, "- exists: deployment/web\n")
    with pytest.raises(CommandError):
        call_command("lessons", "check")
    assert "one (en): step 'look': check not passed: exists deployment/web" in capsys.readouterr().err


def test_lessons_check_validates_only_with_no_play(tmp_path, settings, capsys):
    settings.LESSONS_DIR = tmp_path
    lesson_with(tmp_path, "- exists: deployment/web\n")
    call_command("lessons", "check", "--no-play")
    assert "every lesson file is valid" in capsys.readouterr().out
