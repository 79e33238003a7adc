"""Protobuf request bodies: the decoder on bodies the real kubectl v1.32 sent, on hand-built
messages for the fields its generators leave out, through the API server, and end to end with
the real kubectl's typed ``create`` generators against a served sandbox.

The fixtures under ``fixtures/protobuf/`` were captured from ``/usr/bin/kubectl`` v1.32 with a
recording HTTP server: ``NAME.pb`` is the body of the command in ``CAPTURED`` and ``NAME.json``
what the same command prints with ``--dry-run=client -o json``. Where the real kubectl is
installed, a test sends the commands again and checks the bodies are still the same.
"""

from __future__ import annotations

import io
import json
import os
import subprocess
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from cluster_engine.api import protobuf
from cluster_engine.api.http import serve
from cluster_engine.api.server import handle
from cluster_engine.clock import FakeClock
from cluster_engine.cluster import Cluster
from cluster_engine.loopback import HttpRequest
from cluster_engine.resources import resolve
from cluster_engine.script import run_script

from tests.api.conftest import Lab

FIXTURES = Path(__file__).parent / "fixtures" / "protobuf"
REAL_KUBECTL = "/usr/bin/kubectl"
PROTOBUF = "application/vnd.kubernetes.protobuf"
BOOTCAMP_IMAGE = "gcr.io/google-samples/kubernetes-bootcamp:v1"

CAPTURED = {
    "create-deployment-bootcamp": ["create", "deployment", "kubernetes-bootcamp",
                                   f"--image={BOOTCAMP_IMAGE}"],
    "create-deployment-web": ["create", "deployment", "web", "--image=nginx", "--replicas=3",
                              "--port=80", "--", "nginx", "-g", "daemon off;"],
    "create-namespace": ["create", "namespace", "learn"],
    "create-configmap": ["create", "configmap", "cfg", "--from-literal=a=1",
                         "--from-literal=b=two"],
    "create-secret-generic": ["create", "secret", "generic", "sec", "--from-literal=user=admin",
                              "--from-literal=pw=s3cr3t"],
    "create-service-nodeport": ["create", "service", "nodeport", "kubernetes-bootcamp",
                                "--tcp=8080:8080"],
    "create-service-loadbalancer": ["create", "service", "loadbalancer", "lb", "--tcp=80:http"],
    "create-job": ["create", "job", "hello", "--image=busybox", "--", "echo", "hi"],
    "create-serviceaccount": ["create", "serviceaccount", "robot"],
    "create-secret-docker-registry": ["create", "secret", "docker-registry", "reg",
                                      "--docker-server=r.io", "--docker-username=u",
                                      "--docker-password=p"],
    "create-service-externalname": ["create", "service", "externalname", "ext",
                                    "--external-name=example.com"],
    "create-service-headless": ["create", "service", "clusterip", "headless", "--clusterip=None"],
    "create-deployment-multi": ["create", "deployment", "multi", "--image=nginx",
                                "--image=busybox:1.36"],
}


# -- a minimal encoder, to build the messages kubectl's generators never send -------------------
def _varint(value: int) -> bytes:
    value &= (1 << 64) - 1
    out = bytearray()
    while True:
        low, value = value & 0x7F, value >> 7
        out.append(low | (0x80 if value else 0))
        if not value:
            return bytes(out)


def number(field: int, value: int) -> bytes:
    return _varint(field << 3) + _varint(value)


def nested(field: int, payload: bytes | str) -> bytes:
    payload = payload.encode() if isinstance(payload, str) else payload
    return _varint(field << 3 | 2) + _varint(len(payload)) + payload


def entry(field: int, key: str, value: bytes | str) -> bytes:
    return nested(field, nested(1, key) + nested(2, value))


def envelope(api_version: str, kind: str, raw: bytes) -> bytes:
    return protobuf.MAGIC + nested(1, nested(1, api_version) + nested(2, kind)) + nested(2, raw) \
        + nested(3, "") + nested(4, PROTOBUF)


# -- the decoder on captured bodies --------------------------------------------------------------
@pytest.mark.parametrize("name", sorted(CAPTURED))
def test_it_decodes_what_kubectl_sent_into_the_json_it_would_have_sent(name):
    decoded = protobuf.decode_body((FIXTURES / f"{name}.pb").read_bytes())
    expected = json.loads((FIXTURES / f"{name}.json").read_text())
    assert json.dumps(decoded, indent=4) == json.dumps(expected, indent=4)


def test_it_writes_secret_data_as_base64_like_json_does():
    decoded = protobuf.decode_body((FIXTURES / "create-secret-generic.pb").read_bytes())
    assert decoded["data"] == {"pw": "czNjcjN0", "user": "YWRtaW4="}


class _Recorder(BaseHTTPRequestHandler):
    """Keeps the body of every write and answers it with a stand-in object (kubectl only
    prints its name); reads, the discovery kubectl tries first, get a 404."""

    bodies: list[bytes] = []

    def do_POST(self) -> None:
        self.bodies.append(self.rfile.read(int(self.headers["Content-Length"])))
        self._answer(201, {"kind": "ConfigMap", "apiVersion": "v1", "metadata": {"name": "x"}})

    def do_GET(self) -> None:
        self._answer(404, {"kind": "Status", "apiVersion": "v1", "metadata": {},
                           "status": "Failure", "reason": "NotFound", "code": 404})

    def _answer(self, status: int, document: dict) -> None:
        body = json.dumps(document).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args) -> None:
        pass


def test_the_fixtures_are_what_the_real_kubectl_sends(tmp_path):
    if not os.path.exists(REAL_KUBECTL):
        pytest.skip(f"{REAL_KUBECTL} is not installed, so the fixtures cannot be checked")
    recorder = ThreadingHTTPServer(("127.0.0.1", 0), _Recorder)
    threading.Thread(target=recorder.serve_forever, daemon=True).start()
    server = ["--server", f"http://127.0.0.1:{recorder.server_address[1]}"]
    environment = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path),
                   "KUBECONFIG": str(tmp_path / "no-config")}
    try:
        for name, args in CAPTURED.items():
            _Recorder.bodies.clear()
            subprocess.run([REAL_KUBECTL, *server, *args], capture_output=True, env=environment,
                           timeout=60, check=True)
            assert _Recorder.bodies == [(FIXTURES / f"{name}.pb").read_bytes()], name
    finally:
        recorder.shutdown()
        recorder.server_close()


# -- the decoder on hand-built messages ----------------------------------------------------------
def test_it_decodes_a_pod_with_the_fields_kubectl_run_and_manifests_use():
    container = (nested(1, "web") + nested(2, "nginx:1.27") + nested(3, "sh") + nested(3, "-c")
                 + nested(4, "sleep 1") + nested(6, nested(1, "http") + number(3, 80)
                                                 + nested(4, "TCP"))
                 + nested(7, nested(1, "MODE") + nested(2, "dev"))
                 + nested(8, entry(1, "cpu", nested(1, "500m")) + entry(2, "memory",
                                                                       nested(1, "64Mi")))
                 + nested(9, nested(1, "data") + nested(3, "/data") + number(2, 1))
                 + nested(13, "/dev/termination-log") + nested(14, "IfNotPresent")
                 + nested(20, "File"))
    spec = (nested(2, container) + nested(3, "Always") + number(4, 0) + nested(6, "ClusterFirst")
            + entry(7, "disk", "ssd") + number(25, -5) + number(30, 0))
    metadata = (nested(2, "web-") + nested(3, "default") + nested(8, b"")
                + entry(11, "app", "web") + entry(12, "note", "a<b")
                + nested(9, number(1, 1764100000)) + number(10, 30))
    decoded = protobuf.decode_body(envelope("v1", "Pod", nested(1, metadata) + nested(2, spec)))
    assert decoded == {
        "kind": "Pod", "apiVersion": "v1",
        "metadata": {"generateName": "web-", "namespace": "default", "creationTimestamp": None,
                     "deletionTimestamp": "2025-11-25T19:46:40Z",
                     "deletionGracePeriodSeconds": 30, "labels": {"app": "web"},
                     "annotations": {"note": "a<b"}},
        "spec": {"containers": [{
            "name": "web", "image": "nginx:1.27", "command": ["sh", "-c"], "args": ["sleep 1"],
            "ports": [{"name": "http", "containerPort": 80, "protocol": "TCP"}],
            "env": [{"name": "MODE", "value": "dev"}],
            "resources": {"limits": {"cpu": "500m"}, "requests": {"memory": "64Mi"}},
            "volumeMounts": [{"name": "data", "readOnly": True, "mountPath": "/data"}],
            "terminationMessagePath": "/dev/termination-log",
            "terminationMessagePolicy": "File", "imagePullPolicy": "IfNotPresent"}],
            "restartPolicy": "Always", "terminationGracePeriodSeconds": 0,
            "dnsPolicy": "ClusterFirst", "nodeSelector": {"disk": "ssd"}, "priority": -5,
            "enableServiceLinks": False},
        "status": {}}


def test_it_keeps_the_order_go_declares_the_fields_in_not_the_field_numbers():
    container = nested(20, "File") + nested(13, "/dev/termination-log") + nested(1, "c")
    decoded = protobuf.decode_message("Container", container)
    assert list(decoded) == ["name", "resources", "terminationMessagePath",
                             "terminationMessagePolicy"]


def test_it_decodes_selector_requirements_and_a_rolling_update_strategy():
    selector = entry(1, "app", "web") + nested(2, nested(1, "tier") + nested(2, "In")
                                               + nested(3, "front") + nested(3, "edge"))
    strategy = nested(1, "RollingUpdate") + nested(2, nested(1, number(1, 0) + number(2, 0))
                                                   + nested(2, number(1, 1) + nested(3, "25%")))
    spec = number(1, 0) + nested(2, selector) + nested(4, strategy) + number(6, 10)
    decoded = protobuf.decode_message("DeploymentSpec", spec)
    assert decoded == {
        "replicas": 0,
        "selector": {"matchLabels": {"app": "web"}, "matchExpressions": [
            {"key": "tier", "operator": "In", "values": ["front", "edge"]}]},
        "template": {"metadata": {"creationTimestamp": None}, "spec": {"containers": None}},
        "strategy": {"type": "RollingUpdate",
                     "rollingUpdate": {"maxUnavailable": 0, "maxSurge": "25%"}},
        "revisionHistoryLimit": 10}


def test_it_decodes_string_data_binary_data_and_the_secret_type():
    secret = protobuf.decode_body(envelope("v1", "Secret", nested(1, nested(1, "s"))
                                           + entry(4, "token", "abc") + nested(3, "Opaque")
                                           + entry(2, "raw", b"\x00\xff")))
    assert (secret["data"], secret["stringData"], secret["type"]) == (
        {"raw": "AP8="}, {"token": "abc"}, "Opaque")
    config = protobuf.decode_body(envelope("v1", "ConfigMap", nested(1, nested(1, "c"))
                                           + entry(3, "logo", b"\x89PNG")))
    assert config["binaryData"] == {"logo": "iVBORw=="}


def test_it_skips_fields_it_has_no_schema_for_whatever_their_wire_type():
    unknown = (number(99, 7) + nested(98, "ignored") + _varint(97 << 3 | 1) + bytes(8)
               + _varint(96 << 3 | 5) + bytes(4))
    decoded = protobuf.decode_message("EnvVar", unknown + nested(1, "A") + nested(2, "b"))
    assert decoded == {"name": "A", "value": "b"}


def test_it_decodes_a_job_spec_with_its_pointer_fields():
    spec = number(1, 2) + number(2, 4) + number(7, 0) + number(8, 100) + nested(9, "Indexed")
    decoded = protobuf.decode_message("JobSpec", spec)
    assert decoded == {"parallelism": 2, "completions": 4, "backoffLimit": 0,
                       "template": {"metadata": {"creationTimestamp": None},
                                    "spec": {"containers": None}},
                       "ttlSecondsAfterFinished": 100, "completionMode": "Indexed"}


@pytest.mark.parametrize("body, message", [
    (b'{"kind":"Pod"}', "provided data does not appear to be a protobuf message"),
    (protobuf.MAGIC + b"\x0a\x05ab", "unexpected EOF"),
    (protobuf.MAGIC + b"\x0b", "illegal wireType 3 for field 1"),
])
def test_it_refuses_a_body_that_is_not_a_kubernetes_protobuf_message(body, message):
    with pytest.raises(protobuf.ProtobufError, match=message):
        protobuf.decode_body(body)


# -- through the API server ----------------------------------------------------------------------
def _post(cluster: Cluster, path: str, body: bytes) -> tuple[int, dict]:
    response = handle(cluster, HttpRequest(
        "POST", path, [("Content-Type", PROTOBUF),
                       ("Accept", f"{PROTOBUF},application/json")], body))
    assert dict(response.headers)["Content-Type"] == "application/json"
    return response.status, json.loads(response.body)


def test_the_server_creates_a_deployment_kubectl_sent_as_protobuf(lab):
    cluster = lab.cluster()
    status, created = _post(cluster, "/apis/apps/v1/namespaces/default/deployments",
                            (FIXTURES / "create-deployment-web.pb").read_bytes())
    assert status == 201
    assert (created["metadata"]["name"], created["spec"]["replicas"]) == ("web", 3)
    stored = cluster.store.get(resolve("deployments"), "default", "web")
    assert stored["spec"]["template"]["spec"]["containers"][0]["command"] == [
        "nginx", "-g", "daemon off;"]


def test_the_server_answers_a_broken_protobuf_body_with_a_bad_request(lab):
    status, document = _post(lab.cluster(), "/apis/apps/v1/namespaces/default/deployments",
                             b"k8s\x00\x0a\x05ab")
    assert (status, document["reason"]) == (400, "BadRequest")
    assert document["message"] == ("the object provided is unrecognized (must be of type "
                                   "Deployment): unexpected EOF (6b3873000a056162)")


def test_the_server_refuses_protobuf_of_a_kind_it_has_no_schema_for(lab):
    body = envelope("v1", "Endpoints", nested(1, nested(1, "web")))
    status, document = _post(lab.cluster(), "/api/v1/namespaces/default/endpoints", body)
    assert (status, document["reason"]) == (415, "UnsupportedMediaType")
    assert document["message"] == (
        "the body of the request was in an unknown format - accepted media types include: "
        "application/json, application/yaml, application/vnd.kubernetes.protobuf")


# -- end to end with the real kubectl ------------------------------------------------------------
REAL_COMMANDS = [
    (["create", "deployment", "kubernetes-bootcamp", f"--image={BOOTCAMP_IMAGE}"],
     "deployment.apps/kubernetes-bootcamp created\n"),
    (["create", "namespace", "learn"], "namespace/learn created\n"),
    (["create", "configmap", "settings", "--from-literal=mode=dev", "--from-literal=level=3"],
     "configmap/settings created\n"),
    (["create", "secret", "generic", "credentials", "--from-literal=user=admin"],
     "secret/credentials created\n"),
    (["create", "service", "nodeport", "bootcamp-np", "--tcp=8080:8080"],
     "service/bootcamp-np created\n"),
]
CREATED = [("deployments", "default", "kubernetes-bootcamp"), ("namespaces", None, "learn"),
           ("configmaps", "default", "settings"), ("secrets", "default", "credentials"),
           ("services", "default", "bootcamp-np")]
#: Metadata that differs between two sandboxes by time and chance, not by content (so do the
#: addresses and ports a Service is allocated).
VOLATILE_METADATA = ("uid", "resourceVersion", "creationTimestamp", "managedFields")


def _started_sandbox():
    return run_script(["minikube start"], io.StringIO(), FakeClock(), seed=5)


def _comparable(obj: dict) -> dict:
    obj = json.loads(json.dumps(obj))
    for field in VOLATILE_METADATA:
        obj["metadata"].pop(field, None)
    obj.pop("status", None)
    if obj["kind"] == "Service":
        assert obj["spec"].pop("clusterIP") == obj["spec"].pop("clusterIPs")[0]
        for port in obj["spec"]["ports"]:
            assert 30000 <= port.pop("nodePort") <= 32767
    return obj


@pytest.fixture
def real_kubectl(tmp_path):
    if not os.path.exists(REAL_KUBECTL):
        pytest.skip(f"{REAL_KUBECTL} is not installed, so there is no real client to compare with")
    server = serve(_started_sandbox().state_json, 0, clock_kind="real")
    threading.Thread(target=server.serve_forever, daemon=True).start()
    environment = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": str(tmp_path),
                   "KUBECONFIG": str(tmp_path / "no-config")}

    def run(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            [REAL_KUBECTL, "--server", f"http://127.0.0.1:{server.server_address[1]}",
             "--cache-dir", str(tmp_path / "cache"), *args],
            capture_output=True, text=True, env=environment, timeout=60)

    run.server = server
    yield run
    server.shutdown()
    server.server_close()


def test_the_real_kubectl_creates_what_the_sandbox_kubectl_creates(real_kubectl):
    twin = Lab(_started_sandbox())
    for args, printed in REAL_COMMANDS:
        result = real_kubectl(*args)
        assert (result.returncode, result.stdout, result.stderr) == (0, printed, "")
        assert twin.kubectl(*args) == (0, printed, "")
    with real_kubectl.server.sandbox.transaction() as served:
        real = [_comparable(served.store.get(resolve(plural), namespace, name))
                for plural, namespace, name in CREATED]
    theirs = twin.cluster()
    expected = [_comparable(theirs.store.get(resolve(plural), namespace, name))
                for plural, namespace, name in CREATED]
    for got, want in zip(real, expected):
        assert got == want


def test_the_real_kubectl_creates_a_service_account(real_kubectl):
    result = real_kubectl("create", "serviceaccount", "robot")
    assert (result.returncode, result.stdout, result.stderr) == (
        0, "serviceaccount/robot created\n", "")
    shown = real_kubectl("get", "serviceaccount", "robot", "-o", "jsonpath={.metadata.name}")
    assert (shown.returncode, shown.stdout) == (0, "robot")


def test_the_real_kubectl_run_creates_its_pod(real_kubectl):
    """``kubectl run`` builds its Pod as unstructured JSON, so it needs no protobuf; it is here
    because the tutorial's learners type it next to the typed ``create`` generators."""
    result = real_kubectl("run", "nginx", "--image=nginx", "--port=80", "--env=MODE=dev")
    assert (result.returncode, result.stdout, result.stderr) == (0, "pod/nginx created\n", "")
    with real_kubectl.server.sandbox.transaction() as served:
        pod = served.store.get(resolve("pods"), "default", "nginx")
    container = pod["spec"]["containers"][0]
    assert (container["name"], container["image"], container["ports"], container["env"]) == (
        "nginx", "nginx", [{"containerPort": 80, "protocol": "TCP"}],
        [{"name": "MODE", "value": "dev"}])
    assert pod["metadata"]["labels"] == {"run": "nginx"}
