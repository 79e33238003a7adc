"""Writes and watches from the real kubectl v1.32: patches (``scale``, ``set image``, ``label``),
deletes, and the watches behind ``rollout status`` and ``get -w``, against a served tutorial
state whose clock runs, so the controllers and the kubelet carry the changes out."""

from __future__ import annotations

import os
import re
import subprocess
import threading

import pytest

from cluster_engine.api.http import serve

REAL_KUBECTL = "/usr/bin/kubectl"

if not os.path.exists(REAL_KUBECTL):
    pytest.skip(f"{REAL_KUBECTL} is not installed, so there is no real client to compare with",
                allow_module_level=True)


@pytest.fixture
def real_kubectl(lab, tmp_path):
    server = serve(lab.state_json, 0, clock_kind="real")
    threading.Thread(target=server.serve_forever, daemon=True).start()
    environment = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": str(tmp_path),
                   "KUBECONFIG": str(tmp_path / "no-config")}

    def run(*args: str, timeout: float = 60) -> subprocess.CompletedProcess:
        return subprocess.run(
            [REAL_KUBECTL, "--server", f"http://127.0.0.1:{server.server_address[1]}",
             "--cache-dir", str(tmp_path / "cache"), *args],
            capture_output=True, text=True, env=environment, timeout=timeout)

    yield run
    server.shutdown()
    server.server_close()


def test_rollout_status_watches_a_new_image_roll_out(real_kubectl):
    updated = real_kubectl("set", "image", "deployment/kubernetes-bootcamp",
                           "kubernetes-bootcamp=jocatalin/kubernetes-bootcamp:v2")
    assert (updated.returncode, updated.stdout) == (
        0, "deployment.apps/kubernetes-bootcamp image updated\n")
    status = real_kubectl("rollout", "status", "deployment/kubernetes-bootcamp", "--timeout=60s")
    assert status.returncode == 0, status.stderr
    assert status.stdout.splitlines()[-1] == \
        'deployment "kubernetes-bootcamp" successfully rolled out'
    images = real_kubectl("get", "pods", "-l", "app=kubernetes-bootcamp", "--field-selector",
                          "status.phase=Running", "-o",
                          "jsonpath={.items[*].spec.containers[0].image}")
    assert "jocatalin/kubernetes-bootcamp:v2" in images.stdout.split()


def test_scale_patches_the_replicas_and_the_pods_follow(real_kubectl):
    scaled = real_kubectl("scale", "deployment", "kubernetes-bootcamp", "--replicas=4")
    assert (scaled.returncode, scaled.stdout) == (0, "deployment.apps/kubernetes-bootcamp scaled\n")
    status = real_kubectl("rollout", "status", "deployment/kubernetes-bootcamp", "--timeout=60s")
    assert status.returncode == 0, status.stderr
    ready = real_kubectl("get", "deployment", "kubernetes-bootcamp", "-o",
                         "jsonpath={.status.readyReplicas}")
    assert ready.stdout == "4"


def test_label_and_delete_reach_the_store(real_kubectl):
    pod = real_kubectl("get", "pods", "-o", "jsonpath={.items[0].metadata.name}").stdout
    labelled = real_kubectl("label", "pod", pod, "version=v1")
    assert (labelled.returncode, labelled.stdout) == (0, f"pod/{pod} labeled\n")
    shown = real_kubectl("get", "pods", "-l", "version=v1", "-o", "name")
    assert shown.stdout == f"pod/{pod}\n"
    deleted = real_kubectl("delete", "pod", pod, "--wait=false")
    assert (deleted.returncode, deleted.stdout) == (0, f'pod "{pod}" deleted\n')
    gone = real_kubectl("get", "pod", pod, "-o", "jsonpath={.metadata.deletionTimestamp}")
    assert gone.returncode == 0 and gone.stdout, gone.stderr


def test_get_watch_prints_the_changes_as_they_happen(real_kubectl):
    result = {}

    def watch():
        result["watch"] = real_kubectl("get", "deployments", "-w", "--request-timeout=4s",
                                       timeout=30)

    thread = threading.Thread(target=watch)
    thread.start()
    threading.Event().wait(1.0)
    real_kubectl("scale", "deployment", "kubernetes-bootcamp", "--replicas=3")
    thread.join()
    lines = result["watch"].stdout.splitlines()
    assert lines[0].split() == ["NAME", "READY", "UP-TO-DATE", "AVAILABLE", "AGE"]
    assert lines[1].split()[:2] == ["kubernetes-bootcamp", "2/2"]
    assert any(line.split()[1] == "2/3" for line in lines[2:]), lines


def test_run_and_expose_create_objects_the_server_fills_in(real_kubectl):
    ran = real_kubectl("run", "web", "--image=nginx")
    assert (ran.returncode, ran.stdout) == (0, "pod/web created\n"), ran.stderr
    exposed = real_kubectl("expose", "pod", "web", "--port=80")
    assert (exposed.returncode, exposed.stdout) == (0, "service/web exposed\n"), exposed.stderr
    rows = [row.split() for row in
            real_kubectl("get", "pod/web", "service/web", "--no-headers").stdout.splitlines()]
    assert rows[0][0] == "pod/web" and re.fullmatch(r"\d+s", rows[0][-1]), rows
    assert rows[1][:2] == ["service/web", "ClusterIP"] and rows[1][4] == "80/TCP"
    assert re.fullmatch(r"\d+s", rows[1][-1]), rows
