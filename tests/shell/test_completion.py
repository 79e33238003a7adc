"""Tab completion decided from the line alone: what bash with kubectl's completion would offer."""

from __future__ import annotations

import io
import time

import pytest

from cluster_engine.clock import FakeClock
from cluster_engine.completion import (DELIMITERS, CompletionSources, complete, fragment_start,
                                       sources_for_shell)
from cluster_engine.script import run_script
from cluster_engine.session import new_shell
from cluster_engine.shell.filesystem import FileInfo, FileSystemError
from cluster_engine.tools.kubectl.app import ROOT as KUBECTL
from cluster_engine.tools.minikube import ROOT as MINIKUBE


class TreeFileSystem:
    """Just enough of a FileSystem for completion: directories and the names in them."""

    def __init__(self, paths: list[str]):
        self.dirs = {"/"}
        self.files = set()
        for path in paths:
            parts = path.rstrip("/").split("/")
            for depth in range(2, len(parts)):
                self.dirs.add("/".join(parts[:depth]))
            (self.dirs if path.endswith("/") else self.files).add(path.rstrip("/"))

    def listdir(self, path: str) -> list[str]:
        if path not in self.dirs:
            raise FileSystemError("No such file or directory")
        prefix = path.rstrip("/") + "/"
        return sorted(entry[len(prefix):] for entry in self.dirs | self.files
                      if entry.startswith(prefix) and "/" not in entry[len(prefix):])

    def info(self, path: str) -> FileInfo | None:
        if path in self.dirs:
            return FileInfo("dir", 4096, 0.0, 0o755)
        return FileInfo("file", 1, 0.0, 0o644) if path in self.files else None


OBJECTS = {
    ("pods", "default"): ["hello-7d9f8-abcde", "hello-7d9f8-fghij",
                          "kubernetes-bootcamp-5485c-2dn5v"],
    ("pods", "kube-system"): ["coredns-668d6bf9bc-x2x2x", "etcd-minikube"],
    ("deployments", "default"): ["hello", "kubernetes-bootcamp"],
    ("namespaces", None): ["default", "kube-node-lease", "kube-public", "kube-system"],
    ("nodes", None): ["minikube"],
}


class RecordingCluster:
    """Object names from ``OBJECTS``, remembering what was asked."""

    def __init__(self):
        self.asked: list[tuple[str, str | None]] = []

    def object_names(self, resource_type, namespace):
        self.asked.append((resource_type.plural, namespace))
        return OBJECTS.get((resource_type.plural, namespace), [])


@pytest.fixture
def cluster() -> RecordingCluster:
    return RecordingCluster()


@pytest.fixture
def sources(cluster) -> CompletionSources:
    fs = TreeFileSystem(["/home/learner/deployment.yaml", "/home/learner/notes.txt",
                         "/home/learner/.bashrc", "/home/learner/manifests/",
                         "/home/learner/manifests/service.yml", "/tmp/", "/usr/local/bin/kubectl"])
    return CompletionSources(commands=lambda: ["kubectl", "kill", "minikube", "echo", "export"],
                             variables=lambda: ["HOME", "HOSTNAME", "PATH"], fs=fs,
                             cwd="/home/learner", home="/home/learner",
                             object_names=cluster.object_names,
                             programs={"kubectl": KUBECTL, "minikube": MINIKUBE})


def offered(line: str, sources: CompletionSources) -> list[str]:
    return complete(line, len(line), sources)


def test_it_completes_a_unique_command_name_and_adds_the_space(sources):
    assert offered("kub", sources) == ["kubectl "]
    assert offered("ls | kub", sources) == ["kubectl "]
    assert offered("echo $(mini", sources) == ["minikube "]
    assert offered("echo a$(mini", sources) == ["minikube "]
    assert offered("K=1 ki", sources) == ["kill "]


def test_it_lists_every_command_that_starts_alike(sources):
    assert offered("k", sources) == ["kill", "kubectl"]


def test_it_completes_kubectl_subcommands_as_kubectl_completion_does(sources):
    assert offered("kubectl ge", sources) == ["get "]
    assert offered("kubectl de", sources) == ["debug", "delete", "describe"]
    assert "help" in offered("kubectl ", sources)
    assert "alpha" not in offered("kubectl ", sources)


def test_it_completes_kubectl_flags_of_the_command_and_its_parents(sources):
    assert offered("kubectl get --out", sources) == ["--output", "--output-watch-events"]
    assert offered("kubectl get --names", sources) == ["--namespace "]
    assert "-o" in offered("kubectl get -", sources)
    assert "--as" in offered("kubectl get -", sources)


def test_it_completes_the_values_of_output_and_namespace_flags(sources):
    assert offered("kubectl get pods -o ya", sources) == ["yaml "]
    assert offered("kubectl get pods -o=j", sources) == ["json", "jsonpath", "jsonpath-as-json",
                                                           "jsonpath-file"]
    assert offered("kubectl get pods --output=wi", sources) == ["wide "]
    assert offered("kubectl -n kube-s", sources) == ["kube-system "]
    assert offered("kubectl get pods --namespace=kube-p", sources) == ["kube-public "]


def test_it_completes_resource_types_by_their_api_resources_names(sources):
    assert offered("kubectl get dep", sources) == ["deployments.apps "]
    assert offered("kubectl get svc,se", sources) == ["svc,secrets", "svc,serviceaccounts",
                                                      "svc,services"]
    assert offered("kubectl rollout status ", sources) == ["daemonset", "deployment",
                                                           "statefulset"]


def test_it_completes_object_names_from_the_cluster_in_the_right_namespace(sources, cluster):
    assert offered("kubectl describe pod kub", sources) == ["kubernetes-bootcamp-5485c-2dn5v "]
    assert offered("kubectl logs ", sources) == OBJECTS[("pods", "default")]
    assert offered("kubectl logs -n kube-system et", sources) == ["etcd-minikube "]
    assert offered("kubectl get deploy/", sources) == ["hello", "kubernetes-bootcamp"]
    assert offered("kubectl get deploy/he", sources) == ["hello "]
    assert offered("kubectl cordon ", sources) == ["minikube "]
    assert offered("kubectl get pods hello-7d9f8-abcde hello", sources) == ["hello-7d9f8-fghij "]
    assert cluster.asked[-2] == ("nodes", None)


def test_it_asks_the_cluster_nothing_for_a_subcommand_or_a_flag(sources, cluster):
    offered("kubectl ge", sources)
    offered("kubectl get --out", sources)
    offered("kubectl get dep", sources)
    assert cluster.asked == []


def test_it_completes_minikube_subcommands(sources):
    assert offered("minikube st", sources) == ["start", "status", "stop"]
    assert offered("minikube node l", sources) == ["list "]


def test_it_completes_file_names_with_a_slash_after_directories(sources):
    assert offered("cat no", sources) == ["notes.txt "]
    assert offered("cat man", sources) == ["manifests/"]
    assert offered("cat manifests/s", sources) == ["service.yml "]
    assert offered("cat ~/manifests/", sources) == ["service.yml "]
    assert offered("ls /usr/lo", sources) == ["local/"]
    assert offered("cat ", sources) == ["deployment.yaml", "manifests/", "notes.txt"]
    assert offered("cat .b", sources) == [".bashrc "]
    assert offered("echo hi > no", sources) == ["notes.txt "]


def test_cd_offers_only_directories(sources):
    assert offered("cd ", sources) == ["manifests/"]
    assert offered("cd /t", sources) == ["tmp/"]


def test_kubectl_apply_f_offers_manifests_and_directories(sources):
    assert offered("kubectl apply -f ", sources) == ["deployment.yaml", "manifests/"]


def test_it_completes_variable_names(sources):
    assert offered("echo $HO", sources) == ["$HOME", "$HOSTNAME"]
    assert offered("unset PA", sources) == ["PATH "]


def test_the_fragment_begins_where_readline_begins_the_word():
    line = "kubectl get deploy/he"
    assert line[fragment_start(line, len(line)):] == "he"
    line = "kubectl get pods --output=ya"
    assert line[fragment_start(line, len(line)):] == "ya"
    assert "/" in DELIMITERS and "-" not in DELIMITERS


def test_it_completes_in_the_middle_of_a_line(sources):
    line = "kubectl ge pods"
    assert complete(line, len("kubectl ge"), sources) == ["get "]


def test_a_live_shell_completes_pod_names_in_a_few_milliseconds():
    lines = ["minikube start", "kubectl create deployment many --image=nginx --replicas=100"]
    backend = run_script(lines, io.StringIO(), FakeClock(time.time() - 600))
    shell = new_shell(backend, FakeClock(time.time()))

    def object_names(resource_type, namespace):
        with shell.ctx.sandbox.transaction() as cluster:
            return [obj["metadata"]["name"]
                    for obj in cluster.store.iter_stored(resource_type, namespace)]

    sources = sources_for_shell(shell, object_names)
    first = offered("kubectl logs ma", sources)
    began = time.perf_counter()
    again = offered("kubectl logs ma", sources)
    elapsed = time.perf_counter() - began
    assert len(first) == 100 and again == first
    assert elapsed < 0.05, f"Tab took {elapsed * 1000:.1f} ms"
    assert "kubectl" in offered("kub", sources)[0]
