"""``kubectl logs`` against kubectl v1.32 (pkg/cmd/logs, polymorphichelpers/logsforobject.go) and
the kubelet's refusals (``validateContainerLogStatus``), on objects the engine created."""

import io
import re

import pytest

from cluster_engine.controllers.kubelet import serve_request
from cluster_engine.defaults import default_pod
from cluster_engine.resources import resolve

from tool_sandbox import Machine

V1 = "gcr.io/google-samples/kubernetes-bootcamp:v1"
V10 = "gcr.io/google-samples/kubernetes-bootcamp:v10"
NAME = "kubernetes-bootcamp"
PODS = resolve("pods")
STARTUP = re.compile(r"Kubernetes Bootcamp App Started At: \d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z"
                     r" \| Running On:  (?P<pod>\S+) \n\n")


def pod_names(machine: Machine, prefix: str = NAME) -> list[str]:
    with machine.sandbox.transaction() as cluster:
        return [pod["metadata"]["name"] for pod in cluster.store.iter_stored(PODS, "default")
                if pod["metadata"]["name"].startswith(prefix)]


def settle(machine: Machine, seconds: float) -> None:
    machine.clock.advance(seconds)
    machine.sh("kubectl get pods")


@pytest.fixture
def bootcamp() -> Machine:
    machine = Machine(seed=10)
    assert machine.sh("minikube start").status == 0
    assert machine.sh(f"kubectl create deployment {NAME} --image={V1}").status == 0
    settle(machine, 30)
    return machine


def test_it_prints_what_the_container_wrote(bootcamp):
    pod = pod_names(bootcamp)[0]
    result = bootcamp.sh(f"kubectl logs {pod}")
    assert (result.status, result.stderr) == (0, "")
    match = STARTUP.fullmatch(result.stdout)
    assert match and match["pod"] == pod


def test_tail_keeps_the_last_lines_and_timestamps_prefix_each_line(bootcamp):
    pod = pod_names(bootcamp)[0]
    assert bootcamp.sh(f"kubectl logs {pod} --tail=1").stdout == "\n"
    assert bootcamp.sh(f"kubectl logs {pod} --tail=0").stdout == ""
    stamped = bootcamp.sh(f"kubectl logs {pod} --timestamps").stdout.splitlines()
    assert len(stamped) == 2
    assert re.fullmatch(r"2026-11-25T16:00:\d\d(\.\d{1,9})?Z Kubernetes Bootcamp App .*", stamped[0])
    assert re.fullmatch(r"2026-11-25T16:00:\d\d(\.\d{1,9})?Z ", stamped[1])


def test_a_deployment_picks_the_pod_ready_longest_and_says_how_many_there_were(bootcamp):
    first = pod_names(bootcamp)[0]
    bootcamp.sh(f"kubectl scale deployment/{NAME} --replicas=2")
    settle(bootcamp, 30)
    for form in (f"deploy/{NAME}", f"deployment/{NAME}", f"deployments.apps/{NAME}"):
        result = bootcamp.sh(f"kubectl logs {form}")
        assert result.status == 0
        assert result.stderr == f"Found 2 pods, using pod/{first}\n"
        assert STARTUP.fullmatch(result.stdout)["pod"] == first


def test_previous_without_a_restart_is_the_kubelets_refusal(bootcamp):
    pod = pod_names(bootcamp)[0]
    for flag in ("-p", "--previous"):
        result = bootcamp.sh(f"kubectl logs {pod} {flag}")
        assert (result.status, result.stdout) == (1, "")
        assert result.stderr == (f'Error from server (BadRequest): previous terminated container '
                                 f'"{NAME}" in pod "{pod}" not found\n')


def test_a_container_still_being_created_has_no_logs_yet(bootcamp):
    bootcamp.sh("kubectl create deployment slow --image=" + V1.replace(":v1", ":v2"))
    pod = pod_names(bootcamp, "slow-")[0]
    result = bootcamp.sh(f"kubectl logs {pod}")
    assert result.status == 1
    assert result.stderr == (f'Error from server (BadRequest): container "kubernetes-bootcamp" in '
                             f'pod "{pod}" is waiting to start: ContainerCreating\n')


def test_a_failing_pull_is_reported_as_such(bootcamp):
    bootcamp.sh("kubectl create deployment bad --image=" + V10)
    settle(bootcamp, 40)
    pod = pod_names(bootcamp, "bad-")[0]
    result = bootcamp.sh("kubectl logs deploy/bad")
    assert result.status == 1
    assert result.stderr in (
        f'Error from server (BadRequest): container "kubernetes-bootcamp" in pod "{pod}" is '
        "waiting to start: trying and failing to pull image\n",
        f'Error from server (BadRequest): container "kubernetes-bootcamp" in pod "{pod}" is '
        "waiting to start: image can't be pulled\n")


def test_bad_arguments_get_kubectls_messages(bootcamp):
    assert bootcamp.sh("kubectl logs").stderr == (
        "error: expected 'logs [-f] [-p] (POD | TYPE/NAME) [-c CONTAINER]'.\n"
        "POD or TYPE/NAME is a required argument for the logs command\n"
        "See 'kubectl logs -h' for help and examples\n")
    assert bootcamp.sh("kubectl logs nothere").stderr == (
        'error: error from server (NotFound): pods "nothere" not found in namespace "default"\n')
    assert bootcamp.sh("kubectl logs deploy/nothere").stderr == (
        'error: error from server (NotFound): deployments.apps "nothere" not found in namespace '
        '"default"\n')
    pod = pod_names(bootcamp)[0]
    assert bootcamp.sh(f"kubectl logs {pod} -c nosuch").stderr == (
        f"error: container nosuch is not valid for pod {pod}\n")
    assert bootcamp.sh(f"kubectl logs {pod} --tail=-2").stderr == (
        "error: --tail must be greater than or equal to -1\n")
    assert bootcamp.sh(f"kubectl logs {pod} -l app=x").stderr == (
        "error: only a selector (-l) or a POD name is allowed\n"
        "See 'kubectl logs -h' for help and examples\n")


def test_a_selector_prints_each_pods_log(bootcamp):
    result = bootcamp.sh("kubectl logs -l app=kubernetes-bootcamp")
    assert STARTUP.fullmatch(result.stdout)
    nothing = bootcamp.sh("kubectl logs -l app=none")
    assert (nothing.status, nothing.stdout, nothing.stderr) == (
        0, "", "No resources found in default namespace.\n")


def test_a_pod_with_two_containers_defaults_to_the_first_and_says_so(bootcamp):
    with bootcamp.sandbox.transaction() as cluster:
        pod = {"metadata": {"name": "pair", "namespace": "default"},
               "spec": {"containers": [{"name": "web", "image": V1},
                                       {"name": "side", "image": V1}]}}
        cluster.store.create(PODS, default_pod(pod, cluster.rng))
        cluster.reconcile()
    settle(bootcamp, 30)
    result = bootcamp.sh("kubectl logs pair")
    assert result.stderr == 'Defaulted container "web" out of: web, side\n'
    assert STARTUP.fullmatch(result.stdout)["pod"] == "pair"
    assert bootcamp.sh("kubectl logs pair -c side").stderr == ""
    assert bootcamp.sh("kubectl logs pair side").stderr == ""


def test_follow_prints_new_lines_as_they_come_until_interrupted(bootcamp):
    pod = pod_names(bootcamp)[0]
    sleeps = []

    def sleep(seconds):
        sleeps.append(seconds)
        bootcamp.clock.advance(seconds)
        if len(sleeps) == 2:
            with bootcamp.sandbox.transaction() as cluster:
                stored = cluster.store.get(PODS, "default", pod)
                serve_request(cluster, stored, NAME)
        if len(sleeps) == 5:
            raise KeyboardInterrupt

    bootcamp.ctx.sleep = sleep
    out = io.StringIO()
    with pytest.raises(KeyboardInterrupt):
        bootcamp.run("kubectl", "logs", "-f", pod, stdout=out)
    lines = out.getvalue().split("\n")
    assert STARTUP.fullmatch("\n".join(lines[:2]) + "\n")
    assert re.fullmatch(rf"Running On: {pod} \| Total Requests: 1 \| App Uptime: [\d.]+ seconds"
                        r" \| Log Time: .*", lines[2])
    assert lines[3:] == [""]
    assert len(sleeps) == 5


def test_since_prefix_and_limit_bytes_shape_the_output(bootcamp):
    pod = pod_names(bootcamp)[0]
    with bootcamp.sandbox.transaction() as cluster:
        serve_request(cluster, cluster.store.get(PODS, "default", pod), NAME)
    settle(bootcamp, 20)
    recent = bootcamp.sh(f"kubectl logs {pod} --since=10s").stdout
    assert recent == ""
    request_line = bootcamp.sh(f"kubectl logs {pod} --since=30s").stdout
    assert request_line.startswith(f"Running On: {pod} | Total Requests: 1 |")
    assert request_line.count("\n") == 1
    prefixed = bootcamp.sh(f"kubectl logs {pod} --prefix --tail=1").stdout
    assert prefixed == f"[pod/{pod}/{NAME}] {request_line}"
    assert bootcamp.sh(f"kubectl logs {pod} --limit-bytes=10").stdout == "Kubernetes"
    assert bootcamp.sh(f"kubectl logs {pod} --since=-1s").stderr == (
        "error: --since must be greater than 0\n")


def test_all_containers_reads_each_container_in_turn(bootcamp):
    with bootcamp.sandbox.transaction() as cluster:
        pod = {"metadata": {"name": "pair", "namespace": "default"},
               "spec": {"containers": [{"name": "web", "image": V1},
                                       {"name": "side", "image": V1}]}}
        cluster.store.create(PODS, default_pod(pod, cluster.rng))
        cluster.reconcile()
    settle(bootcamp, 30)
    result = bootcamp.sh("kubectl logs pair --all-containers --prefix")
    assert result.stderr == ""
    lines = result.stdout.splitlines()
    assert [line.split("]")[0] for line in lines] == ["[pod/pair/web"] * 2 + ["[pod/pair/side"] * 2
    assert bootcamp.sh("kubectl logs pair --all-containers -c web").stderr == (
        "error: --all-containers=true should not be specified with container name web\n")


def test_without_a_cluster_logs_fails_after_four_discovery_errors():
    result = Machine().sh("kubectl logs x")
    lines = result.stderr.splitlines()
    assert result.status == 1
    assert len(lines) == 5 and all("memcache.go:265" in line for line in lines[:4])
    assert lines[-1] == ("The connection to the server localhost:8080 was refused - did you "
                         "specify the right host or port?")
