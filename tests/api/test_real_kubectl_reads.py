"""The real kubectl v1.32, pointed at the simulated API server, is the judge of its answers.

A tutorial state is served by ``serve-api``'s server (frozen clock: AGE reads the same on both
sides) on a free port; ``/usr/bin/kubectl --server`` runs against it, and its ``get`` output must
be the simulated kubectl's, byte for byte, on the same state. The real client prints what the
server's Table rows and discovery say, so this checks the façade and the simulated printer at
once.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import threading

import pytest

from cluster_engine.api.http import serve

REAL_KUBECTL = "/usr/bin/kubectl"

if not os.path.exists(REAL_KUBECTL):
    pytest.skip(f"{REAL_KUBECTL} is not installed, so there is no real client to compare with",
                allow_module_level=True)


@pytest.fixture(scope="module")
def real_kubectl(lab, tmp_path_factory):
    server = serve(lab.state_json, 0)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    cache = tmp_path_factory.mktemp("kube-cache")
    environment = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": str(cache),
                   "KUBECONFIG": str(cache / "no-config")}

    def run(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            [REAL_KUBECTL, "--server", f"http://127.0.0.1:{server.server_address[1]}",
             "--cache-dir", str(cache / "cache"), *args],
            capture_output=True, text=True, env=environment, timeout=60)

    yield run
    server.shutdown()
    server.server_close()
    shutil.rmtree(cache, ignore_errors=True)


GET_COMMANDS = [
    ("get", "pods"),
    ("get", "pods", "-o", "wide"),
    ("get", "deployments,rs,svc,nodes,endpoints"),
    ("get", "all"),
    ("get", "all", "-A"),
    ("get", "pods", "-A", "-o", "wide"),
    ("get", "pods", "-l", "app=kubernetes-bootcamp", "--show-labels"),
    ("get", "pods", "-n", "kube-system", "--field-selector", "status.phase=Running"),
    ("get", "nodes", "-o", "wide"),
    ("get", "services", "-o", "wide"),
    ("get", "deployments", "-o", "wide"),
    ("get", "replicasets", "-o", "wide"),
    ("get", "namespaces"),
    ("get", "deployment", "kubernetes-bootcamp"),
    ("get", "svc/kubernetes-bootcamp", "deploy/kubernetes-bootcamp"),
    ("get", "pods", "-o", "name"),
    ("get", "pods", "nope"),
    ("get", "pods", "-n", "empty-namespace"),
]


@pytest.mark.parametrize("args", GET_COMMANDS, ids=" ".join)
def test_it_prints_what_the_simulated_kubectl_prints(lab, real_kubectl, args):
    status, stdout, stderr = lab.kubectl(*args)
    real = real_kubectl(*args)
    assert real.stdout == stdout
    assert real.stderr == stderr
    assert real.returncode == status


def test_it_prints_a_pod_by_name_with_the_same_row(lab, real_kubectl):
    pod = lab.pod_names()[0]
    status, stdout, _stderr = lab.kubectl("get", "pod", pod, "-o", "wide")
    real = real_kubectl("get", "pod", pod, "-o", "wide")
    assert (real.returncode, real.stdout) == (status, stdout) == (0, stdout)
    assert pod in stdout


def test_it_gives_the_real_client_the_stored_object_as_json(lab, real_kubectl):
    pod = lab.pod_names()[0]
    real = real_kubectl("get", "pod", pod, "-o", "jsonpath={.metadata.name} {.status.phase} "
                        "{.spec.containers[0].image}")
    assert real.returncode == 0, real.stderr
    assert real.stdout == f"{pod} Running gcr.io/google-samples/kubernetes-bootcamp:v1"


def test_the_real_describe_finds_the_pod_its_owner_and_its_events(lab, real_kubectl):
    pod = lab.pod_names()[0]
    real = real_kubectl("describe", "pod", pod)
    assert real.returncode == 0, real.stderr
    lines = real.stdout.splitlines()
    assert lines[0] == f"Name:             {pod}"
    assert "Controlled By:  ReplicaSet/kubernetes-bootcamp-" in real.stdout
    assert "Status:           Running" in lines
    events = lines[lines.index("Events:") + 1:]
    assert events[0].split() == ["Type", "Reason", "Age", "From", "Message"]
    assert any("Started container kubernetes-bootcamp" in line for line in events)


def test_the_real_describe_of_a_deployment_lists_its_new_replica_set(real_kubectl):
    real = real_kubectl("describe", "deployment", "kubernetes-bootcamp")
    assert real.returncode == 0, real.stderr
    assert "Replicas:               2 desired | 2 updated | 2 total | 2 available | 0 unavailable" \
        in real.stdout
    assert "NewReplicaSet:   kubernetes-bootcamp-" in real.stdout


def test_the_real_logs_reads_the_log_subresource(lab, real_kubectl):
    pod = lab.pod_names()[0]
    real = real_kubectl("logs", pod)
    status, stdout, _stderr = lab.kubectl("logs", pod)
    assert real.returncode == status == 0, real.stderr
    assert real.stdout == stdout
    assert real.stdout.startswith("Kubernetes Bootcamp App Started At: ")


def test_api_resources_lists_the_served_types_as_a_real_cluster_does(real_kubectl):
    real = real_kubectl("api-resources", "-o", "wide")
    assert real.returncode == 0, real.stderr
    rows = {line.split()[0]: line.split() for line in real.stdout.splitlines()[1:]}
    verbs = "create,delete,deletecollection,get,list,patch,update,watch"
    assert rows["pods"] == ["pods", "po", "v1", "true", "Pod", verbs, "all"]
    assert rows["deployments"] == ["deployments", "deploy", "apps/v1", "true", "Deployment",
                                   verbs, "all"]
    assert rows["namespaces"] == ["namespaces", "ns", "v1", "false", "Namespace",
                                  "create,delete,get,list,patch,update,watch"]
    assert rows["secrets"] == ["secrets", "v1", "true", "Secret", verbs]


def test_discovery_takes_kubectl_two_aggregated_requests(real_kubectl):
    real = real_kubectl("get", "pods", "-v=6", "--cache-dir", "/dev/null/no-cache")
    requests = [line.split(" GET ")[1].split("?")[0].split("/", 3)[3]
                for line in real.stderr.splitlines() if " GET " in line]
    assert requests == ["api", "apis", "api/v1/namespaces/default/pods"]


def test_the_real_version_shows_the_simulated_server(real_kubectl):
    real = real_kubectl("version")
    assert real.returncode == 0, real.stderr
    assert real.stdout.splitlines()[-1] == "Server Version: v1.32.0"


def test_the_real_raw_pod_proxy_reaches_the_tutorial_app(lab, real_kubectl):
    pod = lab.pod_names()[0]
    real = real_kubectl("get", "--raw", f"/api/v1/namespaces/default/pods/{pod}:8080/proxy/")
    assert real.returncode == 0, real.stderr
    assert real.stdout == f"Hello Kubernetes bootcamp! | Running on: {pod} | v=1\n"
