"""The API server's table rows for pods, workloads, services and endpoints (reference §1.2, §1.3)."""

import pytest

from cluster_engine.clock import parse_rfc3339
from cluster_engine.printers.tables import build_table
from cluster_engine.printers.workload_tables import format_endpoints, format_selector, pod_status_cells

NOW = parse_rfc3339("2026-11-25T16:30:00Z")


def pod(containers=None, phase="Running", **extra):
    status = {"phase": phase, "containerStatuses": containers or []}
    status.update(extra.pop("status", {}))
    obj = {"kind": "Pod", "metadata": {"name": "p", "creationTimestamp": "2026-11-25T16:29:19Z",
                                       **extra.pop("metadata", {})},
           "spec": {"containers": [{"name": "c"}] * max(1, len(containers or [])), **extra.pop("spec", {})},
           "status": status}
    return obj


def state(kind, **fields):
    return {"state": {kind: fields}}


@pytest.mark.parametrize("containers, phase, extra, expected", [
    ([], "Pending", {}, ("0/1", "Pending")),
    ([{**state("waiting", reason="ContainerCreating"), "ready": False}], "Pending", {}, ("0/1", "ContainerCreating")),
    ([{**state("waiting", reason="ImagePullBackOff"), "ready": False}], "Pending", {}, ("0/1", "ImagePullBackOff")),
    ([{**state("running", startedAt="2026-11-25T16:29:20Z"), "ready": True}], "Running", {}, ("1/1", "Running")),
    ([{**state("running", startedAt="2026-11-25T16:29:20Z"), "ready": False}], "Running", {}, ("0/1", "Running")),
    ([{**state("terminated", reason="Completed", exitCode=0), "ready": False}], "Succeeded", {}, ("0/1", "Completed")),
    ([{**state("terminated", exitCode=3), "ready": False}], "Failed", {}, ("0/1", "ExitCode:3")),
    ([{**state("running"), "ready": True}], "Running",
     {"metadata": {"deletionTimestamp": "2026-11-25T16:30:30Z"}}, ("1/1", "Terminating")),
    ([{**state("running"), "ready": False}], "Running",
     {"metadata": {"deletionTimestamp": "2026-11-25T16:30:30Z"}, "status": {"reason": "NodeLost"}},
     ("0/1", "Unknown")),
])
def test_pod_ready_and_status_follow_the_servers_rules(containers, phase, extra, expected):
    ready, status, _restarts, _last = pod_status_cells(pod(containers, phase, **extra))
    assert (ready, status) == expected


def test_a_crash_looping_pod_shows_when_it_last_restarted():
    crashing = pod([{**state("waiting", reason="CrashLoopBackOff"), "ready": False, "restartCount": 5,
                     "lastState": {"terminated": {"exitCode": 1, "reason": "Error",
                                                  "finishedAt": "2026-11-25T16:28:50Z"}}}])
    row = build_table("Pod", [crashing], NOW).rows[0].cells
    assert row[:5] == ["p", "0/1", "CrashLoopBackOff", "5 (70s ago)", "41s"]
    assert row[5:] == ["<none>", "<none>", "<none>", "<none>"]


def test_a_service_row_shows_node_ports_and_a_pending_load_balancer():
    nodeport = {"metadata": {"name": "kubernetes-bootcamp", "creationTimestamp": "2026-11-25T16:27:00Z"},
                "spec": {"type": "NodePort", "clusterIP": "10.110.46.119", "selector": {"app": "kubernetes-bootcamp"},
                         "ports": [{"port": 8080, "nodePort": 31234, "protocol": "TCP"}]}}
    balancer = {"metadata": {"name": "lb", "creationTimestamp": "2026-11-25T16:29:26Z"},
                "spec": {"type": "LoadBalancer", "clusterIP": "10.99.1.2",
                         "ports": [{"port": 80, "nodePort": 30080, "protocol": "TCP"}]}, "status": {}}
    rows = [row.cells for row in build_table("Service", [nodeport, balancer], NOW).rows]
    assert rows[0] == ["kubernetes-bootcamp", "NodePort", "10.110.46.119", "<none>", "8080:31234/TCP",
                       "3m", "app=kubernetes-bootcamp"]
    assert rows[1] == ["lb", "LoadBalancer", "10.99.1.2", "<pending>", "80:30080/TCP", "34s", "<none>"]


def test_endpoints_show_three_addresses_and_count_the_rest():
    endpoints = {"subsets": [{"addresses": [{"ip": f"10.244.0.{n}"} for n in range(3, 8)],
                              "ports": [{"port": 8080}]}]}
    assert format_endpoints(endpoints) == "10.244.0.3:8080,10.244.0.4:8080,10.244.0.5:8080 + 2 more..."
    assert format_endpoints({"subsets": []}) == "<none>"


def test_a_deployment_row_reads_ready_over_desired_and_its_selector():
    deployment = {"metadata": {"name": "kubernetes-bootcamp", "creationTimestamp": "2026-11-25T16:25:00Z"},
                  "spec": {"replicas": 4, "selector": {"matchLabels": {"app": "kubernetes-bootcamp"}},
                           "template": {"spec": {"containers": [
                               {"name": "kubernetes-bootcamp", "image": "gcr.io/google-samples/kubernetes-bootcamp:v1"}]}}},
                  "status": {"readyReplicas": 1, "updatedReplicas": 4, "availableReplicas": 1}}
    assert build_table("Deployment", [deployment], NOW).rows[0].cells == [
        "kubernetes-bootcamp", "1/4", 4, 1, "5m", "kubernetes-bootcamp",
        "gcr.io/google-samples/kubernetes-bootcamp:v1", "app=kubernetes-bootcamp"]


def test_selectors_are_written_sorted_by_key():
    assert format_selector({"matchLabels": {"b": "2", "a": "1"},
                            "matchExpressions": [{"key": "env", "operator": "In", "values": ["x", "a"]}]}
                           ) == "a=1,b=2,env in (a,x)"
    assert format_selector(None) == "<none>"
