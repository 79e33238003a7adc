"""A sandbox where the tutorial's first modules have run: a started minikube, the bootcamp
Deployment with two pods, and the NodePort Service exposing it; built in scripted mode, as a
learner's commands would build it."""

from __future__ import annotations

import io

import pytest

import cluster_engine.tools.kubectl  # noqa: F401  (registers kubectl)
import cluster_engine.tools.minikube  # noqa: F401  (registers minikube)
from cluster_engine.clock import FakeClock
from cluster_engine.cluster import Cluster
from cluster_engine.commands import COMMANDS, CommandContext
from cluster_engine.sandbox import LocalBackend, Sandbox
from cluster_engine.script import run_script
from cluster_engine.state import SandboxState

TUTORIAL_LINES = [
    "minikube start",
    "kubectl create deployment kubernetes-bootcamp "
    "--image=gcr.io/google-samples/kubernetes-bootcamp:v1",
    "kubectl scale deployment kubernetes-bootcamp --replicas=2",
    "kubectl expose deployment/kubernetes-bootcamp --type=NodePort --port 8080",
    "sleep 45",
    "kubectl get deployments",
]


class Lab:
    """The built sandbox: its state, and the simulated kubectl to run against it."""

    def __init__(self, backend: LocalBackend):
        self.backend = backend
        self.clock = FakeClock()
        self.ctx = CommandContext(sandbox=Sandbox(backend, self.clock), clock=self.clock,
                                  env={"HOME": "/home/learner", "LANG": "en_US.UTF-8"})

    @property
    def state_json(self) -> str:
        return self.backend.state_json

    def kubectl(self, *args: str) -> tuple[int, str, str]:
        out, err = io.StringIO(), io.StringIO()
        status = COMMANDS["kubectl"](["kubectl", *args], io.StringIO(), out, err, self.ctx)
        return status, out.getvalue(), err.getvalue()

    def cluster(self) -> Cluster:
        """A cluster on a copy of the state, at the state's own moment."""
        return Cluster(SandboxState.from_json(self.state_json), self.clock)

    def pod_names(self, namespace: str = "default") -> list[str]:
        return sorted(key.split("/")[1] for key in self.cluster().state.objects["pods"]
                      if key.startswith(f"{namespace}/"))


def build_lab(lines=TUTORIAL_LINES, seed: int = 11) -> Lab:
    transcript = io.StringIO()
    backend = run_script(lines, transcript, FakeClock(), seed=seed)
    assert "error" not in transcript.getvalue().lower(), transcript.getvalue()
    assert "2/2" in transcript.getvalue(), transcript.getvalue()
    return Lab(backend)


@pytest.fixture(scope="module")
def lab() -> Lab:
    return build_lab()
