"""``curl`` from the learner's machine and from inside a container: where each address leads,
what the app answers and logs, and curl 8's own errors and exit codes."""

from __future__ import annotations

import io
import re

import pytest

from cluster_engine.clock import FakeClock
from cluster_engine.sandbox import LocalBackend
from cluster_engine.services import set_tunnel
from cluster_engine.session import new_shell
from cluster_engine.state import SandboxState
from cluster_engine.tools.curl import KERNEL_CONNECT_TIMEOUT_MS

BOOTCAMP = "gcr.io/google-samples/kubernetes-bootcamp:v1"
HELLO = re.compile(r"Hello Kubernetes bootcamp! \| Running on: (kubernetes-bootcamp-\S+) \| v=1\n")


class Learner:
    def __init__(self, seed: int = 5):
        self.clock = FakeClock()
        self.shell = new_shell(LocalBackend(SandboxState.fresh(seed)), self.clock)

    def run(self, line: str) -> tuple[int, str, str]:
        out, err = io.StringIO(), io.StringIO()
        status = self.shell.run_line(line, out, err)
        return status, out.getvalue(), err.getvalue()


@pytest.fixture(scope="module")
def learner() -> Learner:
    learner = Learner()
    assert learner.run("minikube start")[0] == 0
    learner.run(f"kubectl create deployment kubernetes-bootcamp --image={BOOTCAMP}")
    learner.run("kubectl scale deployment/kubernetes-bootcamp --replicas=3")
    learner.run('kubectl expose deployment/kubernetes-bootcamp --type="NodePort" --port 8080')
    learner.run("sleep 40")
    return learner


@pytest.fixture(scope="module")
def node_port(learner) -> str:
    _, out, _ = learner.run("kubectl get services/kubernetes-bootcamp -o json")
    return re.search(r'"nodePort": (\d+)', out).group(1)


def test_the_node_port_answers_from_the_pods_of_the_service_chosen_at_random(learner, node_port):
    answered = set()
    for _ in range(30):
        status, out, err = learner.run(f'curl http://"$(minikube ip):{node_port}"')
        assert (status, err) == (0, "")
        answered.add(HELLO.fullmatch(out).group(1))
    assert len(answered) == 3


def test_each_request_is_counted_in_the_apps_log(learner, node_port):
    _, pods, _ = learner.run("kubectl get pods -o name")
    before = sum(learner.run(f"kubectl logs {pod}")[1].count("Total Requests")
                 for pod in pods.split())
    learner.run(f"curl -s 192.168.49.2:{node_port}")
    after = sum(learner.run(f"kubectl logs {pod}")[1].count("Total Requests")
                for pod in pods.split())
    assert after == before + 1


def test_include_shows_the_node_apps_headers(learner, node_port):
    status, out, _ = learner.run(f"curl -i http://192.168.49.2:{node_port}/anything")
    head, _, body = out.partition("\r\n\r\n")
    assert status == 0 and HELLO.fullmatch(body)
    lines = head.split("\r\n")
    assert lines[0] == "HTTP/1.1 200 OK"
    assert [line.split(":")[0] for line in lines[1:]] == [
        "Content-Type", "Date", "Connection", "Content-Length"]
    assert "Content-Length: 84" in lines or "Content-Length: 85" in lines


def test_verbose_shows_the_connection_and_both_header_blocks(learner, node_port):
    status, out, err = learner.run(f"curl -v http://192.168.49.2:{node_port}")
    assert status == 0 and HELLO.fullmatch(out)
    assert err.splitlines()[:8] == [
        f"*   Trying 192.168.49.2:{node_port}...",
        f"* Connected to 192.168.49.2 (192.168.49.2) port {node_port}",
        "> GET / HTTP/1.1", f"> Host: 192.168.49.2:{node_port}", "> User-Agent: curl/8.5.0",
        "> Accept: */*", "> ", "< HTTP/1.1 200 OK"]
    assert err.endswith("< \r\n* Connection #0 to host 192.168.49.2 left intact\n")


def test_a_node_port_nobody_opened_is_refused(learner):
    assert learner.run("curl http://192.168.49.2:31999") == (
        7, "", "curl: (7) Failed to connect to 192.168.49.2 port 31999 after 0 ms: "
               "Couldn't connect to server\n")
    assert learner.run("curl -s http://192.168.49.2:31999") == (7, "", "")


def test_localhost_without_kubectl_proxy_is_refused(learner):
    assert learner.run("curl http://localhost:8001/version") == (
        7, "", "curl: (7) Failed to connect to localhost port 8001 after 0 ms: "
               "Couldn't connect to server\n")


def test_the_internet_and_cluster_names_do_not_resolve_on_the_learners_machine(learner):
    assert learner.run("curl https://example.com") == (
        6, "", "curl: (6) Could not resolve host: example.com\n")
    assert learner.run("curl kubernetes-bootcamp:8080") == (
        6, "", "curl: (6) Could not resolve host: kubernetes-bootcamp\n")


def test_a_cluster_ip_from_the_learners_machine_waits_for_the_kernel_to_give_up(learner):
    start = learner.clock.now()
    assert learner.run("curl http://10.96.0.1") == (
        28, "", f"curl: (28) Failed to connect to 10.96.0.1 port 80 after "
                f"{KERNEL_CONNECT_TIMEOUT_MS} ms: Couldn't connect to server\n")
    assert learner.clock.now() - start == pytest.approx(KERNEL_CONNECT_TIMEOUT_MS / 1000)
    assert learner.run("curl --max-time 3 http://10.96.0.1") == (
        28, "", "curl: (28) Connection timed out after 3001 milliseconds\n")


def test_the_api_server_wants_tls_and_a_trusted_certificate(learner):
    status, _, err = learner.run("curl https://192.168.49.2:8443/version")
    assert status == 60
    assert err.startswith("curl: (60) SSL certificate problem: unable to get local issuer "
                          "certificate\nMore details here: https://curl.se/docs/sslcerts.html\n")
    assert learner.run("curl http://192.168.49.2:8443") == (
        0, "Client sent an HTTP request to an HTTPS server.\n", "")


def test_fail_turns_an_error_status_into_exit_22(learner):
    assert learner.run("curl -f -k https://192.168.49.2:8443/") == (
        22, "", "curl: (22) The requested URL returned error: 403\n")


def test_write_out_prints_the_status_code(learner, node_port):
    assert learner.run(f"curl -s -o /dev/null -w '%{{http_code}}\\n' 192.168.49.2:{node_port}") \
        == (0, "200\n", "")


def test_bad_command_lines_and_urls_get_curls_words(learner):
    assert learner.run("curl --bogus") == (
        2, "", "curl: option --bogus: is unknown\n"
               "curl: try 'curl --help' or 'curl --manual' for more information\n")
    assert learner.run("curl -X") == (
        2, "", "curl: option -X: requires parameter\n"
               "curl: try 'curl --help' or 'curl --manual' for more information\n")
    assert learner.run("curl") == (
        2, "", "curl: try 'curl --help' or 'curl --manual' for more information\n")
    assert learner.run("curl http://") == (
        3, "", "curl: (3) URL rejected: No host part in the URL\n")
    assert learner.run("curl ftp://x") == (1, "", 'curl: (1) Protocol "ftp" not supported\n')


def test_inside_a_pod_service_names_cluster_ips_and_pod_ips_all_answer(learner):
    _, json_text, _ = learner.run("kubectl get services/kubernetes-bootcamp -o json")
    cluster_ip = re.search(r'"clusterIP": "([\d.]+)"', json_text).group(1)
    _, pods_json, _ = learner.run("kubectl get pods -o json")
    pod_ip = re.search(r'"podIP": "([\d.]+)"', pods_json).group(1)
    for url in ("kubernetes-bootcamp:8080", "kubernetes-bootcamp.default.svc.cluster.local:8080",
                f"{cluster_ip}:8080", f"http://{pod_ip}:8080", "localhost:8080"):
        status, out, err = learner.run(
            f"kubectl exec deploy/kubernetes-bootcamp -- curl -s {url}")
        assert (status, err) == (0, ""), url
        assert HELLO.fullmatch(out), url


def test_inside_a_pod_the_internet_is_as_unreachable_as_outside(learner):
    assert learner.run("kubectl exec deploy/kubernetes-bootcamp -- curl -sS https://example.com") \
        == (6, "", "curl: (6) Could not resolve host: example.com\n"
                   "command terminated with exit code 6\n")


def test_after_the_service_is_deleted_its_node_port_refuses(node_port):
    learner = Learner(seed=8)
    learner.run("minikube start")
    learner.run(f"kubectl create deployment kubernetes-bootcamp --image={BOOTCAMP}")
    learner.run('kubectl expose deployment/kubernetes-bootcamp --type="NodePort" --port 8080')
    learner.run("sleep 30")
    _, out, _ = learner.run("kubectl get services/kubernetes-bootcamp -o json")
    port = re.search(r'"nodePort": (\d+)', out).group(1)
    assert learner.run(f"curl 192.168.49.2:{port}")[0] == 0
    learner.run("kubectl delete service -l app=kubernetes-bootcamp")
    assert learner.run(f"curl 192.168.49.2:{port}")[0] == 7


def test_output_goes_to_a_file_on_the_machine_curl_runs_on(learner, node_port):
    assert learner.run(f"curl -s -o page.txt 192.168.49.2:{node_port}") == (0, "", "")
    assert HELLO.fullmatch(learner.shell.ctx.fs.read("/home/learner/page.txt"))
    status, _, err = learner.run(f"curl -o /nowhere/page.txt 192.168.49.2:{node_port}")
    assert status == 23
    assert err.endswith("curl: (23) Failure writing output to destination\n")


def test_at_a_terminal_the_meter_shows_when_the_body_goes_elsewhere(learner, node_port):
    learner.shell.ctx.interactive = True
    try:
        status, out, err = learner.run(f'page="$(curl 192.168.49.2:{node_port})"; echo "$page"')
        refused = learner.run("x=$(curl 192.168.49.2:31999)")
        silent = learner.run(f"x=$(curl -s 192.168.49.2:{node_port})")
    finally:
        learner.shell.ctx.interactive = False
    assert status == 0 and HELLO.fullmatch(out)
    assert err == (
        "  % Total    % Received % Xferd  Average Speed   Time    Time     Time  Current\n"
        "                                 Dload  Upload   Total   Spent    Left  Speed\n"
        "\r  0     0    0     0    0     0      0      0 --:--:-- --:--:-- --:--:--     0"
        "\r100    84  100    84    0     0  42000      0 --:--:-- --:--:-- --:--:-- 44100\n")
    assert refused[2].endswith(
        "--:--:--     0\ncurl: (7) Failed to connect to 192.168.49.2 port 31999 after 0 ms: "
        "Couldn't connect to server\n")
    assert silent[2] == ""


def test_minikube_tunnel_routes_the_service_range_to_the_learners_machine(learner):
    _, json_text, _ = learner.run("kubectl get services/kubernetes-bootcamp -o json")
    cluster_ip = re.search(r'"clusterIP": "([\d.]+)"', json_text).group(1)
    with learner.shell.ctx.sandbox.transaction() as cluster:
        set_tunnel(cluster, True)
    try:
        status, out, _ = learner.run(f"curl http://{cluster_ip}:8080")
    finally:
        with learner.shell.ctx.sandbox.transaction() as cluster:
            set_tunnel(cluster, False)
    assert status == 0 and HELLO.fullmatch(out)
    assert learner.run(f"curl -m 1 http://{cluster_ip}:8080")[0] == 28
