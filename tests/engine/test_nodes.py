"""Worker nodes and the node lifecycle controller: a silent kubelet, the unreachable taints,
taint-based eviction and replacement pods, on a started cluster and a fake clock."""

from __future__ import annotations

import json

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from cluster_engine import minikube_cluster as mc
from cluster_engine import workloads as w
from cluster_engine.clock import FakeClock
from cluster_engine.cluster import Cluster
from cluster_engine.events import EVENTS
from cluster_engine.resources import resolve
from cluster_engine.state import SandboxState

NODES, PODS = resolve("nodes"), resolve("pods")
WORKER = "minikube-m02"


def settle(cluster, clock, seconds):
    clock.advance(seconds)
    cluster.advance()


@pytest.fixture
def lab():
    clock = FakeClock()
    cluster = Cluster(SandboxState.fresh(4), clock)
    mc.start_cluster(cluster)
    mc.add_worker(cluster)
    cluster.reconcile()
    return cluster, clock


def create_deployment(cluster, replicas=4, name="web"):
    obj = {"metadata": {"name": name, "namespace": "default", "labels": {"app": name}},
           "spec": {"replicas": replicas, "selector": {"matchLabels": {"app": name}},
                    "template": {"metadata": {"labels": {"app": name}},
                                 "spec": {"containers": [{"name": name, "image": "nginx"}]}}}}
    cluster.store.create(w.DEPLOYMENTS, w.default_deployment(obj))
    cluster.reconcile()


def web_pods(cluster):
    return [p for p in cluster.store.list(PODS, "default")
            if p["metadata"]["labels"].get("app") == "web"]


def ready(node) -> tuple[str, str]:
    condition = next(c for c in node["status"]["conditions"] if c["type"] == "Ready")
    return condition["status"], condition["reason"]


def events(cluster, reason):
    return [(e["involvedObject"]["name"], e["message"], e["source"]["component"])
            for e in cluster.store.list(EVENTS) if e["reason"] == reason]


def lab_with_pods_on_the_worker(lab):
    cluster, clock = lab
    create_deployment(cluster)
    settle(cluster, clock, 30)
    on_worker = [p["metadata"]["name"] for p in web_pods(cluster)
                 if p["spec"]["nodeName"] == WORKER]
    assert on_worker
    return cluster, clock, on_worker


def test_a_worker_is_a_second_node_with_its_own_address_and_pod_cidr_and_no_role(lab):
    cluster, _clock = lab
    node = cluster.store.get(NODES, None, WORKER)
    labels = node["metadata"]["labels"]
    assert "node-role.kubernetes.io/control-plane" not in labels
    assert labels["minikube.k8s.io/primary"] == "false"
    assert labels["kubernetes.io/hostname"] == WORKER
    assert node["spec"]["podCIDR"] == "10.244.1.0/24"
    assert node["status"]["addresses"][0] == {"address": "192.168.49.3", "type": "InternalIP"}
    assert ready(node) == ("True", "KubeletReady")


def test_a_third_node_takes_the_next_address_and_cidr(lab):
    cluster, _clock = lab
    mc.add_worker(cluster)
    node = cluster.store.get(NODES, None, "minikube-m03")
    assert node["spec"]["podCIDR"] == "10.244.2.0/24"
    assert node["status"]["addresses"][0]["address"] == "192.168.49.4"


def test_pods_on_the_worker_get_ips_from_its_pod_cidr(lab):
    cluster, _clock, on_worker = lab_with_pods_on_the_worker(lab)
    for name in on_worker:
        assert cluster.store.get(PODS, "default", name)["status"]["podIP"].startswith("10.244.1.")


def test_a_stopped_node_stays_ready_until_the_grace_period_runs_out(lab):
    cluster, clock, _pods = lab_with_pods_on_the_worker(lab)
    mc.stop_worker(cluster, "m02")
    settle(cluster, clock, 49)
    node = cluster.store.get(NODES, None, WORKER)
    assert ready(node) == ("True", "KubeletReady")
    assert not node["spec"].get("taints")


def test_after_50_seconds_the_node_is_unknown_and_tainted_unreachable(lab):
    cluster, clock, _pods = lab_with_pods_on_the_worker(lab)
    mc.stop_worker(cluster, "m02")
    settle(cluster, clock, 50)
    node = cluster.store.get(NODES, None, WORKER)
    assert ready(node) == ("Unknown", "NodeStatusUnknown")
    assert all(c["message"] == "Kubelet stopped posting node status."
               for c in node["status"]["conditions"])
    assert [(t["key"], t["effect"]) for t in node["spec"]["taints"]] == [
        ("node.kubernetes.io/unreachable", "NoSchedule"),
        ("node.kubernetes.io/unreachable", "NoExecute")]
    assert (WORKER, f"Node {WORKER} status is now: NodeNotReady", "node-controller") in events(
        cluster, "NodeNotReady")


def test_pods_on_the_lost_node_turn_not_ready_with_a_node_not_ready_event(lab):
    cluster, clock, on_worker = lab_with_pods_on_the_worker(lab)
    mc.stop_worker(cluster, "m02")
    settle(cluster, clock, 50)
    for name in on_worker:
        pod = cluster.store.get(PODS, "default", name)
        assert next(c for c in pod["status"]["conditions"] if c["type"] == "Ready")["status"] == \
            "False"
        assert (name, "Node is not ready", "node-controller") in events(cluster, "NodeNotReady")


def test_pods_are_evicted_after_their_300_second_toleration_and_replaced_elsewhere(lab):
    cluster, clock, on_worker = lab_with_pods_on_the_worker(lab)
    mc.stop_worker(cluster, "m02")
    settle(cluster, clock, 50 + 299)
    assert not any(cluster.store.get(PODS, "default", n)["metadata"].get("deletionTimestamp")
                   for n in on_worker)
    settle(cluster, clock, 1)
    for name in on_worker:
        assert cluster.store.get(PODS, "default", name)["metadata"].get("deletionTimestamp")
        assert (name, f"Marking for deletion Pod default/{name}", "taint-eviction-controller") in \
            events(cluster, "TaintManagerEviction")
    settle(cluster, clock, 60)
    live = [p for p in web_pods(cluster) if not p["metadata"].get("deletionTimestamp")]
    assert len(live) == 4
    assert all(p["spec"]["nodeName"] == "minikube" for p in live)
    assert all(p["status"]["phase"] == "Running" for p in live)


def test_evicted_pods_stay_terminating_while_the_node_is_down(lab):
    cluster, clock, on_worker = lab_with_pods_on_the_worker(lab)
    cluster.state.minikube["eviction_seconds"] = 30
    mc.stop_worker(cluster, "m02")
    settle(cluster, clock, 50 + 30 + 600)
    for name in on_worker:
        assert cluster.store.get(PODS, "default", name)["metadata"]["deletionTimestamp"]


def test_a_lesson_can_shorten_the_eviction_period_through_the_profile(lab):
    cluster, clock, on_worker = lab_with_pods_on_the_worker(lab)
    cluster.state.minikube["eviction_seconds"] = 30
    mc.stop_worker(cluster, "m02")
    settle(cluster, clock, 79)
    assert not cluster.store.get(PODS, "default", on_worker[0])["metadata"].get(
        "deletionTimestamp")
    settle(cluster, clock, 1)
    assert cluster.store.get(PODS, "default", on_worker[0])["metadata"]["deletionTimestamp"]


def test_a_restarted_node_is_ready_again_untainted_and_its_evicted_pods_go(lab):
    cluster, clock, on_worker = lab_with_pods_on_the_worker(lab)
    cluster.state.minikube["eviction_seconds"] = 30
    mc.stop_worker(cluster, "m02")
    settle(cluster, clock, 120)
    mc.start_worker(cluster, "m02")
    settle(cluster, clock, 5)
    settle(cluster, clock, 1)
    node = cluster.store.get(NODES, None, WORKER)
    assert ready(node) == ("True", "KubeletReady")
    assert not node["spec"].get("taints")
    assert all(cluster.store.find(PODS, "default", name) is None for name in on_worker)
    assert len(web_pods(cluster)) == 4


def test_a_node_back_before_the_grace_period_changes_nothing(lab):
    cluster, clock, on_worker = lab_with_pods_on_the_worker(lab)
    mc.stop_worker(cluster, "m02")
    settle(cluster, clock, 20)
    mc.start_worker(cluster, "m02")
    settle(cluster, clock, 400)
    assert ready(cluster.store.get(NODES, None, WORKER))[0] == "True"
    assert all(not cluster.store.get(PODS, "default", n)["metadata"].get("deletionTimestamp")
               for n in on_worker)


def test_the_scheduler_avoids_an_unreachable_node(lab):
    cluster, clock, _pods = lab_with_pods_on_the_worker(lab)
    mc.stop_worker(cluster, "m02")
    settle(cluster, clock, 60)
    create_deployment(cluster, replicas=3, name="api")
    settle(cluster, clock, 30)
    api = [p for p in cluster.store.list(PODS, "default")
           if p["metadata"]["labels"].get("app") == "api"]
    assert {p["spec"]["nodeName"] for p in api} == {"minikube"}


def test_deleting_a_node_removes_it_and_its_pods_which_are_replaced(lab):
    cluster, clock, on_worker = lab_with_pods_on_the_worker(lab)
    mc.delete_worker(cluster, "m02")
    settle(cluster, clock, 30)
    assert cluster.store.find(NODES, None, WORKER) is None
    assert all(cluster.store.find(PODS, "default", n) is None for n in on_worker)
    pods = web_pods(cluster)
    assert len(pods) == 4 and {p["spec"]["nodeName"] for p in pods} == {"minikube"}
    assert "workers" not in cluster.profile


def test_a_started_single_node_cluster_is_left_untouched_for_ten_minutes():
    clock = FakeClock()
    cluster = Cluster(SandboxState.fresh(4), clock)
    mc.start_cluster(cluster)
    settle(cluster, clock, 30)
    cluster.finish()

    def without_clock(state):
        data = json.loads(state.to_json())
        data.pop("now", None)
        return data

    before = without_clock(cluster.state)
    later = Cluster(SandboxState.from_json(cluster.state.to_json()), clock)
    settle(later, clock, 600)
    assert not later.finish()
    assert without_clock(later.state) == before


# -- property --------------------------------------------------------------------------------------
_NODE_STEPS = st.lists(st.one_of(
    st.tuples(st.just("stop-node"), st.just(0)),
    st.tuples(st.just("start-node"), st.just(0)),
    st.tuples(st.just("scale"), st.integers(0, 5)),
    st.tuples(st.just("delete-pod"), st.integers(0, 10)),
    st.tuples(st.just("advance"), st.sampled_from([1.0, 30.0, 120.0, 400.0])),
), max_size=10)


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_NODE_STEPS)
@example([("stop-node", 0), ("start-node", 0), ("start-node", 0), ("advance", 1.0)])
def test_a_failing_worker_never_breaks_convergence_or_a_save_and_load(steps):
    clock = FakeClock()
    cluster = Cluster(SandboxState.fresh(9), clock)
    mc.start_cluster(cluster)
    mc.add_worker(cluster)
    cluster.reconcile()
    create_deployment(cluster, replicas=3)
    for action, value in steps:
        if action == "stop-node" and mc.find_worker(cluster.profile, "m02")["running"]:
            mc.stop_worker(cluster, "m02")
        elif action == "start-node" and not mc.find_worker(cluster.profile, "m02")["running"]:
            mc.start_worker(cluster, "m02")
        elif action == "scale":
            deployment = cluster.store.get(w.DEPLOYMENTS, "default", "web")
            deployment["spec"]["replicas"] = value
            w.update_spec(cluster, w.DEPLOYMENTS, deployment)
        elif action == "delete-pod":
            live = [p for p in web_pods(cluster) if w.is_active(p)]
            if live:
                w.delete_pod(cluster, live[value % len(live)])
        settle(cluster, clock, value if action == "advance" else 0.5)

    cluster.finish()
    copy_clock = FakeClock(clock.now())
    reloaded = Cluster(SandboxState.from_json(cluster.state.to_json()), copy_clock)
    settle(cluster, clock, 30)
    settle(reloaded, copy_clock, 30)
    cluster.finish()
    reloaded.finish()
    assert json.loads(cluster.state.to_json()) == json.loads(reloaded.state.to_json())

    if not mc.find_worker(cluster.profile, "m02")["running"]:
        mc.start_worker(cluster, "m02")
    settle(cluster, clock, 600)
    desired = cluster.store.get(w.DEPLOYMENTS, "default", "web")["spec"]["replicas"]
    running = [p for p in web_pods(cluster) if w.is_active(p) and w.is_ready(p)]
    assert len(running) == desired
    assert cluster.store.get(w.DEPLOYMENTS, "default", "web")["status"].get(
        "availableReplicas", 0) == desired

    w.delete_with_dependents(cluster, w.DEPLOYMENTS, "default", "web")
    settle(cluster, clock, 120)
    assert web_pods(cluster) == []
