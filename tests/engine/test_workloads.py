"""Deployments, ReplicaSets, their pods and the garbage collector, on a started cluster and a fake
clock, with the scheduler and kubelet doing their part."""

from __future__ import annotations

import copy
import json
import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cluster_engine import workloads as w
from cluster_engine.clock import FakeClock, rfc3339
from cluster_engine.cluster import Cluster
from cluster_engine.errors import QuotaExceeded
from cluster_engine.events import EVENTS
from cluster_engine.minikube_cluster import start_cluster
from cluster_engine.state import SandboxState

V1 = "gcr.io/google-samples/kubernetes-bootcamp:v1"
V2 = "docker.io/jocatalin/kubernetes-bootcamp:v2"
MISSING = "gcr.io/google-samples/kubernetes-bootcamp:v10"
NAME = "kubernetes-bootcamp"


# -- a small API layer for the tests ---------------------------------------------------------
def started(seed: int = 5) -> tuple[Cluster, FakeClock]:
    clock = FakeClock()
    cluster = Cluster(SandboxState.fresh(seed), clock)
    start_cluster(cluster)
    return cluster, clock


def create_deployment(cluster, name=NAME, image=V1, replicas=1, **spec) -> dict:
    obj = {"metadata": {"name": name, "namespace": "default", "labels": {"app": name}},
           "spec": {"replicas": replicas, "selector": {"matchLabels": {"app": name}},
                    "template": {"metadata": {"labels": {"app": name}},
                                 "spec": {"containers": [{"name": name, "image": image}]}},
                    **spec}}
    created = cluster.store.create(w.DEPLOYMENTS, w.default_deployment(obj))
    cluster.reconcile()
    return created


def deployment(cluster, name=NAME) -> dict:
    return cluster.store.get(w.DEPLOYMENTS, "default", name)


def change(cluster, edit, name=NAME) -> dict:
    obj = deployment(cluster, name)
    edit(obj)
    updated = w.update_spec(cluster, w.DEPLOYMENTS, obj)
    cluster.reconcile()
    return updated


def scale(cluster, replicas, name=NAME):
    return change(cluster, lambda d: d["spec"].__setitem__("replicas", replicas), name)


def set_image(cluster, image, name=NAME):
    return change(cluster, lambda d: d["spec"]["template"]["spec"]["containers"][0]
                  .__setitem__("image", image), name)


def settle(cluster, clock, seconds=60.0):
    clock.advance(seconds)
    cluster.advance()


def step_through(cluster, clock, seconds, check):
    """Advance timer by timer, calling ``check`` after each, so no intermediate state escapes."""
    end = clock.now() + seconds
    while (due := cluster.timers.next_due()) is not None and due <= end:
        cluster.advance(due)
        check()
    clock._now = end
    cluster.advance()
    check()


def pods(cluster, name=NAME, active_only=True) -> list[dict]:
    return [pod for pod in cluster.store.list(w.PODS, "default")
            if pod["metadata"].get("labels", {}).get("app") == name
            and (not active_only or w.is_active(pod))]


def replica_sets(cluster, name=NAME) -> list[dict]:
    return [rs for rs in cluster.store.list(w.REPLICASETS, "default")
            if rs["metadata"]["name"].startswith(name + "-")]


def events(cluster, reason=None) -> list[tuple[str, str, str]]:
    found = [(e["involvedObject"]["name"], e["reason"], e["message"])
             for e in sorted(cluster.store.list(EVENTS, "default"),
                             key=lambda e: (e["firstTimestamp"], int(e["metadata"]["resourceVersion"])))]
    return [e for e in found if reason is None or e[1] == reason]


def condition(obj, kind) -> dict:
    return w.find_condition(obj["status"], kind)


def images_of(pod_list) -> list[str]:
    return sorted(pod["spec"]["containers"][0]["image"] for pod in pod_list)


# -- the pod-template-hash ---------------------------------------------------------------------
def test_the_template_hash_is_shaped_like_kubernetes_and_stable():
    template = {"metadata": {"labels": {"app": NAME}},
                "spec": {"containers": [{"name": NAME, "image": V1}]}}
    first = w.pod_template_hash(template)
    assert first == w.pod_template_hash(copy.deepcopy(template))
    lengths = []
    for tag in range(200):
        template["spec"]["containers"][0]["image"] = f"nginx:{tag}"
        template_hash = w.pod_template_hash(template)
        assert re.fullmatch(r"[4-9bcdf]{1,10}", template_hash)
        lengths.append(len(template_hash))
    assert sum(length in (9, 10) for length in lengths) > 190
    assert w.safe_encode("0123456789") == "456789bcdf"


def test_a_different_template_or_a_collision_count_gives_a_different_hash():
    template = {"metadata": {"labels": {"app": "a"}}, "spec": {"containers": [{"image": "x"}]}}
    other = copy.deepcopy(template)
    other["spec"]["containers"][0]["image"] = "y"
    assert w.pod_template_hash(template) != w.pod_template_hash(other)
    assert w.pod_template_hash(template) != w.pod_template_hash(template, 0)
    assert w.pod_template_hash(template, 0) != w.pod_template_hash(template, 1)


def test_the_fnv_hash_matches_the_published_test_vectors():
    assert w.fnv32a(b"") == 0x811C9DC5
    assert w.fnv32a(b"a") == 0xE40C292C
    assert w.fnv32a(b"foobar") == 0xBF9CF968


# -- defaulting, generation, arithmetic --------------------------------------------------------
def test_a_deployment_gets_the_api_servers_defaults_and_generation_one():
    obj = w.default_deployment({"metadata": {"name": "x"}, "spec": {
        "selector": {"matchLabels": {"app": "x"}},
        "template": {"metadata": {"labels": {"app": "x"}},
                     "spec": {"containers": [{"name": "x", "image": "nginx"}]}}}})
    assert obj["metadata"]["generation"] == 1
    spec = obj["spec"]
    assert (spec["replicas"], spec["revisionHistoryLimit"], spec["progressDeadlineSeconds"]) == (
        1, 10, 600)
    assert spec["strategy"] == {"type": "RollingUpdate",
                                "rollingUpdate": {"maxUnavailable": "25%", "maxSurge": "25%"}}
    template_spec = spec["template"]["spec"]
    assert template_spec["terminationGracePeriodSeconds"] == 30
    assert template_spec["containers"][0]["imagePullPolicy"] == "Always"
    assert "volumes" not in template_spec and "tolerations" not in template_spec


def test_a_recreate_deployment_gets_no_rolling_update_parameters():
    obj = w.default_deployment({"metadata": {"name": "x"}, "spec": {
        "strategy": {"type": "Recreate"}, "template": {"spec": {"containers": []}}}})
    assert obj["spec"]["strategy"] == {"type": "Recreate"}


def test_generation_counts_spec_changes_only():
    old = {"metadata": {"generation": 3}, "spec": {"replicas": 1}}
    assert w.bump_generation_if_spec_changed(old, {"metadata": {}, "spec": {"replicas": 2}})[
        "metadata"]["generation"] == 4
    assert w.bump_generation_if_spec_changed(
        old, {"metadata": {"annotations": {"a": "b"}}, "spec": {"replicas": 1}})[
        "metadata"]["generation"] == 3


@pytest.mark.parametrize("replicas, surge, unavailable", [(1, 1, 0), (4, 1, 1), (10, 3, 2)])
def test_surge_rounds_up_and_unavailable_rounds_down(replicas, surge, unavailable):
    assert w.resolve_fenceposts("25%", "25%", replicas) == (surge, unavailable)


def test_when_both_fenceposts_are_zero_one_pod_may_be_unavailable():
    assert w.resolve_fenceposts(0, "10%", 5) == (0, 1)
    assert w.resolve_fenceposts(2, 0, 5) == (2, 0)


# -- create, scale, heal -----------------------------------------------------------------------
def test_creating_a_deployment_makes_a_replica_set_and_its_pods():
    cluster, clock = started()
    created = create_deployment(cluster, replicas=2)
    settle(cluster, clock)
    [rs] = replica_sets(cluster)
    template_hash = rs["metadata"]["labels"]["pod-template-hash"]
    assert rs["metadata"]["name"] == f"{NAME}-{template_hash}"
    assert rs["metadata"]["ownerReferences"] == [{
        "apiVersion": "apps/v1", "kind": "Deployment", "name": NAME,
        "uid": created["metadata"]["uid"], "controller": True, "blockOwnerDeletion": True}]
    assert rs["metadata"]["annotations"] == {"deployment.kubernetes.io/desired-replicas": "2",
                                             "deployment.kubernetes.io/max-replicas": "3",
                                             "deployment.kubernetes.io/revision": "1"}
    assert rs["spec"]["selector"]["matchLabels"] == {"app": NAME, "pod-template-hash": template_hash}
    running = pods(cluster)
    assert len(running) == 2
    for pod in running:
        assert re.fullmatch(rf"{rs['metadata']['name']}-[bcdfghjklmnpqrstvwxz2456789]{{5}}",
                            pod["metadata"]["name"])
        assert pod["metadata"]["generateName"] == rs["metadata"]["name"] + "-"
        assert pod["metadata"]["labels"] == {"app": NAME, "pod-template-hash": template_hash}
        assert pod["metadata"]["ownerReferences"][0]["uid"] == rs["metadata"]["uid"]
        assert pod["status"]["phase"] == "Running"
    assert events(cluster, "ScalingReplicaSet") == [
        (NAME, "ScalingReplicaSet", f"Scaled up replica set {rs['metadata']['name']} from 0 to 2")]
    assert sorted(events(cluster, "SuccessfulCreate")) == sorted(
        (rs["metadata"]["name"], "SuccessfulCreate", f"Created pod: {pod['metadata']['name']}")
        for pod in running)


def test_a_rolled_out_deployment_reports_what_describe_shows():
    cluster, clock = started()
    create_deployment(cluster)
    settle(cluster, clock)
    status = deployment(cluster)["status"]
    [rs] = replica_sets(cluster)
    assert deployment(cluster)["metadata"]["annotations"] == {
        "deployment.kubernetes.io/revision": "1"}
    assert {k: v for k, v in status.items() if k != "conditions"} == {
        "observedGeneration": 1, "replicas": 1, "updatedReplicas": 1, "readyReplicas": 1,
        "availableReplicas": 1}
    assert [(c["type"], c["status"], c["reason"], c["message"]) for c in status["conditions"]] == [
        ("Available", "True", "MinimumReplicasAvailable", "Deployment has minimum availability."),
        ("Progressing", "True", "NewReplicaSetAvailable",
         f'ReplicaSet "{rs["metadata"]["name"]}" has successfully progressed.')]
    progressing = condition(deployment(cluster), "Progressing")
    assert progressing["lastTransitionTime"] == rfc3339(clock.now() - 60)
    assert rs["status"] == {"availableReplicas": 1, "fullyLabeledReplicas": 1,
                            "observedGeneration": 1, "readyReplicas": 1, "replicas": 1}


def test_right_after_creation_the_deployment_is_progressing_without_minimum_availability():
    cluster, _clock = started()
    create_deployment(cluster)
    status = deployment(cluster)["status"]
    [rs] = replica_sets(cluster)
    assert [(c["type"], c["status"], c["reason"], c["message"]) for c in status["conditions"]] == [
        ("Available", "False", "MinimumReplicasUnavailable",
         "Deployment does not have minimum availability."),
        ("Progressing", "True", "ReplicaSetUpdated",
         f'ReplicaSet "{rs["metadata"]["name"]}" is progressing.')]
    assert status["unavailableReplicas"] == 1 and status["updatedReplicas"] == 1


def test_a_new_replica_set_is_first_announced_as_created():
    cluster, _clock = started()
    obj = w.default_deployment({"metadata": {"name": "x", "namespace": "default"}, "spec": {
        "paused": False, "selector": {"matchLabels": {"app": "x"}},
        "template": {"metadata": {"labels": {"app": "x"}},
                     "spec": {"containers": [{"name": "x", "image": V1}]}}}})
    cluster.store.create(w.DEPLOYMENTS, obj)
    from cluster_engine.controllers.workloads import reconcile_deployments
    reconcile_deployments(cluster)
    [rs] = replica_sets(cluster, "x")
    progressing = condition(deployment(cluster, "x"), "Progressing")
    assert (progressing["reason"], progressing["message"]) == (
        "NewReplicaSetCreated", f'Created new replica set "{rs["metadata"]["name"]}"')


def test_a_quiet_cluster_costs_no_writes():
    cluster, clock = started()
    before = cluster.state.counters["resourceVersion"]
    cluster.reconcile()
    assert cluster.state.counters["resourceVersion"] == before
    create_deployment(cluster, replicas=3)
    settle(cluster, clock, 120)
    before = cluster.state.counters["resourceVersion"]
    settle(cluster, clock, 3600)
    assert cluster.state.counters["resourceVersion"] == before


def test_scaling_up_and_down_records_scaling_events_and_converges():
    cluster, clock = started()
    create_deployment(cluster)
    settle(cluster, clock)
    scale(cluster, 4)
    assert len(pods(cluster)) == 4
    settle(cluster, clock)
    assert deployment(cluster)["status"]["availableReplicas"] == 4
    scale(cluster, 2)
    settle(cluster, clock)
    assert len(pods(cluster, active_only=False)) == 2
    [rs] = replica_sets(cluster)
    name = rs["metadata"]["name"]
    assert [e[2] for e in events(cluster, "ScalingReplicaSet")] == [
        f"Scaled up replica set {name} from 0 to 1", f"Scaled up replica set {name} from 1 to 4",
        f"Scaled down replica set {name} from 4 to 2"]
    assert len(events(cluster, "SuccessfulDelete")) == 2
    assert rs["metadata"]["annotations"]["deployment.kubernetes.io/desired-replicas"] == "2"
    assert deployment(cluster)["status"]["observedGeneration"] == 3


def test_scaling_down_terminates_the_pods_that_came_last():
    cluster, clock = started()
    create_deployment(cluster, replicas=2)
    settle(cluster, clock, 600)
    first = {pod["metadata"]["name"] for pod in pods(cluster)}
    scale(cluster, 4)
    settle(cluster, clock, 60)
    scale(cluster, 2)
    terminating = [pod for pod in pods(cluster, active_only=False)
                   if pod["metadata"].get("deletionTimestamp")]
    assert {pod["metadata"]["name"] for pod in pods(cluster)} == first
    assert len(terminating) == 2
    assert all(pod["metadata"]["deletionGracePeriodSeconds"] == 30 for pod in terminating)


def test_victims_are_unscheduled_then_pending_then_not_ready_then_newest():
    def pod(name, node="minikube", phase="Running", ready=True, created=0, ready_at=0):
        return {"metadata": {"name": name, "uid": name, "creationTimestamp": rfc3339(created)},
                "spec": {"nodeName": node} if node else {},
                "status": {"phase": phase, "conditions": [
                    {"type": "Ready", "status": "True" if ready else "False",
                     "lastTransitionTime": rfc3339(ready_at)}]}}
    now = 100_000
    candidates = [pod("old", created=0), pod("new", created=now - 10, ready_at=now - 5),
                  pod("not-ready", ready=False), pod("pending", phase="Pending", ready=False),
                  pod("unscheduled", node=None, phase="Pending", ready=False)]
    order = [p["metadata"]["name"] for p in w.pods_to_delete(candidates, 5, now)]
    assert order == ["unscheduled", "pending", "not-ready", "new", "old"]


def test_a_deleted_pod_is_replaced():
    cluster, clock = started()
    create_deployment(cluster, replicas=2)
    settle(cluster, clock)
    victim = pods(cluster)[0]
    w.delete_pod(cluster, victim)
    cluster.reconcile()
    names = {pod["metadata"]["name"] for pod in pods(cluster)}
    assert len(names) == 2 and victim["metadata"]["name"] not in names
    settle(cluster, clock)
    assert deployment(cluster)["status"]["readyReplicas"] == 2
    assert len(pods(cluster, active_only=False)) == 2


def test_a_pod_no_kubelet_runs_is_deleted_at_once():
    cluster, _clock = started()
    pod = cluster.store.create(w.PODS, {"metadata": {"name": "loose", "namespace": "default"},
                                        "spec": {"containers": []}, "status": {"phase": "Pending"}})
    assert w.delete_pod(cluster, pod) is None
    assert cluster.store.find(w.PODS, "default", "loose") is None


# -- rollouts ----------------------------------------------------------------------------------
def test_a_rolling_update_of_four_keeps_between_three_and_five_pods():
    cluster, clock = started()
    create_deployment(cluster, replicas=4)
    settle(cluster, clock)
    seen = []

    def check():
        active = pods(cluster)
        ready = [pod for pod in active if w.is_ready(pod)]
        rss = replica_sets(cluster)
        seen.append((len(active), len(ready)))
        assert len(active) <= 5
        assert len(ready) >= 3
        assert w.total_replicas(rss) <= 5
        assert sum(rs.get("status", {}).get("availableReplicas", 0) for rs in rss) >= 3

    set_image(cluster, V2)
    check()
    step_through(cluster, clock, 300, check)
    assert images_of(pods(cluster)) == [V2] * 4
    assert len(pods(cluster, active_only=False)) == 4
    assert any(total == 5 for total, _ready in seen)
    d = deployment(cluster)
    assert d["metadata"]["annotations"]["deployment.kubernetes.io/revision"] == "2"
    assert condition(d, "Progressing")["reason"] == "NewReplicaSetAvailable"
    old, new = sorted(replica_sets(cluster), key=w.revision_of)
    assert w.replicas_of(old) == 0 and w.replicas_of(new) == 4
    messages = [e[2] for e in events(cluster, "ScalingReplicaSet")]
    assert messages[1] == f"Scaled up replica set {new['metadata']['name']} from 0 to 1"
    assert messages[2] == f"Scaled down replica set {old['metadata']['name']} from 4 to 3"
    assert messages[-1] == f"Scaled down replica set {old['metadata']['name']} from 1 to 0"


def test_rollback_reuses_the_old_replica_set_and_gives_it_the_next_revision():
    cluster, clock = started()
    create_deployment(cluster, replicas=2)
    settle(cluster, clock)
    [first] = replica_sets(cluster)
    set_image(cluster, V2)
    settle(cluster, clock, 300)
    assert w.rollback(cluster, deployment(cluster)) == "rolled back"
    cluster.reconcile()
    settle(cluster, clock, 300)
    assert len(replica_sets(cluster)) == 2
    reused = cluster.store.get(w.REPLICASETS, "default", first["metadata"]["name"])
    assert reused["metadata"]["annotations"]["deployment.kubernetes.io/revision"] == "3"
    assert reused["metadata"]["annotations"]["deployment.kubernetes.io/revision-history"] == "1"
    assert w.replicas_of(reused) == 2
    assert deployment(cluster)["metadata"]["annotations"][
        "deployment.kubernetes.io/revision"] == "3"
    assert images_of(pods(cluster)) == [V1, V1]
    assert w.rollback(cluster, deployment(cluster), to_revision=3) == (
        "skipped rollback (current template already matches revision 3)")


def test_rollback_refuses_with_kubectls_words():
    cluster, clock = started()
    create_deployment(cluster)
    settle(cluster, clock)
    with pytest.raises(w.RollbackError, match='^no rollout history found for deployment '
                                               '"kubernetes-bootcamp"$'):
        w.rollback(cluster, deployment(cluster))
    with pytest.raises(w.RollbackError, match="^unable to find specified revision 5 in history$"):
        w.rollback(cluster, deployment(cluster), to_revision=5)
    change(cluster, lambda d: d["spec"].__setitem__("paused", True))
    with pytest.raises(w.RollbackError, match="^you cannot rollback a paused deployment; resume "
                                               "it first with 'kubectl rollout resume' and try "
                                               "again$"):
        w.rollback(cluster, deployment(cluster))


def test_a_recreate_deployment_stops_every_old_pod_before_starting_new_ones():
    cluster, clock = started()
    create_deployment(cluster, replicas=3, strategy={"type": "Recreate"})
    settle(cluster, clock)
    set_image(cluster, V2)

    def check():
        images = {pod["spec"]["containers"][0]["image"]
                  for pod in pods(cluster, active_only=False)}
        assert images != {V1, V2}

    step_through(cluster, clock, 300, check)
    assert images_of(pods(cluster)) == [V2] * 3


def test_a_paused_deployment_scales_but_does_not_roll_out_until_resumed():
    cluster, clock = started()
    create_deployment(cluster, replicas=2)
    settle(cluster, clock)
    change(cluster, lambda d: d["spec"].__setitem__("paused", True))
    assert condition(deployment(cluster), "Progressing")["reason"] == "DeploymentPaused"
    assert condition(deployment(cluster), "Progressing")["status"] == "Unknown"
    set_image(cluster, V2)
    scale(cluster, 3)
    settle(cluster, clock, 300)
    assert len(replica_sets(cluster)) == 1
    assert images_of(pods(cluster)) == [V1] * 3
    change(cluster, lambda d: d["spec"].__setitem__("paused", False))
    settle(cluster, clock, 300)
    assert images_of(pods(cluster)) == [V2] * 3
    assert condition(deployment(cluster), "Progressing")["reason"] == "NewReplicaSetAvailable"


def test_a_restart_annotation_rolls_out_a_new_replica_set():
    cluster, clock = started()
    create_deployment(cluster, replicas=2)
    settle(cluster, clock)
    before = {pod["metadata"]["name"] for pod in pods(cluster)}
    change(cluster, lambda d: d["spec"]["template"]["metadata"].setdefault("annotations", {})
           .__setitem__(w.RESTARTED_AT, rfc3339(clock.now())))
    settle(cluster, clock, 300)
    assert len(replica_sets(cluster)) == 2
    assert not before & {pod["metadata"]["name"] for pod in pods(cluster)}


def test_a_rollout_that_never_becomes_ready_exceeds_its_progress_deadline():
    cluster, clock = started()
    create_deployment(cluster, replicas=4)
    settle(cluster, clock)
    set_image(cluster, MISSING)
    settle(cluster, clock, 120)
    d = deployment(cluster)
    assert condition(d, "Progressing")["reason"] == "ReplicaSetUpdated"
    assert d["status"]["updatedReplicas"] == 2 and d["status"]["readyReplicas"] == 3
    settle(cluster, clock, 600)
    d = deployment(cluster)
    new = max(replica_sets(cluster), key=w.revision_of)
    progressing = condition(d, "Progressing")
    assert (progressing["status"], progressing["reason"], progressing["message"]) == (
        "False", "ProgressDeadlineExceeded",
        f'ReplicaSet "{new["metadata"]["name"]}" has timed out progressing.')
    assert condition(d, "Available")["status"] == "True"


def test_the_progress_deadline_does_not_depend_on_how_time_was_advanced():
    def run(steps):
        cluster, clock = started()
        create_deployment(cluster, image=MISSING)
        for seconds in steps:
            settle(cluster, clock, seconds)
        return condition(deployment(cluster), "Progressing")

    assert run([700]) == run([100] * 7) == run([1] * 5 + [695])


def test_old_replica_sets_beyond_the_history_limit_are_deleted():
    cluster, clock = started()
    create_deployment(cluster, revisionHistoryLimit=1)
    settle(cluster, clock)
    for restart in range(3):
        change(cluster, lambda d: d["spec"]["template"]["metadata"].setdefault(
            "annotations", {}).__setitem__(w.RESTARTED_AT, f"restart-{restart}"))
        settle(cluster, clock, 300)
    revisions = sorted(w.revision_of(rs) for rs in replica_sets(cluster))
    assert revisions == [3, 4]


# -- deletion ----------------------------------------------------------------------------------
def test_deleting_a_deployment_cascades_to_its_replica_sets_and_pods():
    cluster, clock = started()
    create_deployment(cluster, replicas=3)
    settle(cluster, clock)
    set_image(cluster, V2)
    w.delete_with_dependents(cluster, w.DEPLOYMENTS, "default", NAME)
    assert replica_sets(cluster) == []
    assert all(pod["metadata"].get("deletionTimestamp") for pod in pods(cluster, active_only=False))
    settle(cluster, clock, 60)
    assert pods(cluster, active_only=False) == []
    assert len(cluster.store.list(w.PODS, "kube-system")) == 7


def test_the_sandbox_refuses_more_pods_than_its_cap_with_a_quota_error():
    cluster, _clock = started()
    create_deployment(cluster, replicas=2)
    w.check_replica_limit(cluster, w.DEPLOYMENTS, "default", NAME, w.MAX_PODS_PER_SANDBOX)
    with pytest.raises(QuotaExceeded) as refused:
        w.check_replica_limit(cluster, w.DEPLOYMENTS, "default", "other", 600)
    assert refused.value.message == (
        'deployments.apps "other" is forbidden: exceeded quota: sandbox-pods, requested: '
        f"pods=600, used: pods=2, limited: pods={w.MAX_PODS_PER_SANDBOX}")


# -- properties --------------------------------------------------------------------------------
_operations = st.lists(st.one_of(
    st.tuples(st.just("scale"), st.integers(0, 5)),
    st.tuples(st.just("image"), st.sampled_from([V1, V2])),
    st.tuples(st.just("delete-pod"), st.integers(0, 10)),
    st.tuples(st.just("advance"), st.floats(0.1, 90)),
), max_size=8)


def _apply(cluster, clock, operation):
    kind, value = operation
    if kind == "scale":
        scale(cluster, value)
    elif kind == "image":
        set_image(cluster, value)
    elif kind == "delete-pod":
        candidates = pods(cluster)
        if candidates:
            w.delete_pod(cluster, candidates[value % len(candidates)])
            cluster.reconcile()
    else:
        settle(cluster, clock, value)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(replicas=st.integers(0, 4), operations=_operations)
def test_workloads_converge_cascade_and_survive_a_save_and_load(replicas, operations):
    cluster, clock = started(seed=replicas + 11)
    create_deployment(cluster, replicas=replicas)
    for operation in operations:
        _apply(cluster, clock, operation)

    cluster.finish()
    saved = cluster.state.to_json()
    clock_copy = FakeClock(clock.now())
    reloaded = Cluster(SandboxState.from_json(saved), clock_copy)
    settle(cluster, clock, 400)
    settle(reloaded, clock_copy, 400)
    cluster.finish()
    reloaded.finish()
    assert json.loads(cluster.state.to_json()) == json.loads(reloaded.state.to_json())

    d = deployment(cluster)
    desired = d["spec"]["replicas"]
    assert len(pods(cluster, active_only=False)) == desired
    assert d["status"].get("availableReplicas", 0) == desired
    assert d["status"].get("updatedReplicas", 0) == desired
    assert sum(w.replicas_of(rs) for rs in replica_sets(cluster)) == desired

    w.delete_with_dependents(cluster, w.DEPLOYMENTS, "default", NAME)
    settle(cluster, clock, 60)
    assert replica_sets(cluster) == [] and pods(cluster, active_only=False) == []


def test_old_replica_sets_beyond_the_history_limit_go_as_soon_as_the_rollout_completes():
    cluster, clock = started()
    create_deployment(cluster, revisionHistoryLimit=0)
    settle(cluster, clock)
    set_image(cluster, V2)
    settle(cluster, clock, 120)
    assert [w.revision_of(rs) for rs in replica_sets(cluster)] == [2]


def test_with_min_ready_seconds_ready_pods_count_as_available_only_once_that_time_has_passed():
    cluster, clock = started()
    create_deployment(cluster, replicas=2, minReadySeconds=10)
    settle(cluster, clock, 5)
    [rs] = replica_sets(cluster)
    assert (rs["status"].get("readyReplicas"), rs["status"].get("availableReplicas", 0)) == (2, 0)
    assert deployment(cluster)["status"].get("availableReplicas", 0) == 0
    settle(cluster, clock, 10)
    [rs] = replica_sets(cluster)
    assert (rs["status"].get("readyReplicas"), rs["status"].get("availableReplicas")) == (2, 2)
    assert deployment(cluster)["status"]["availableReplicas"] == 2


def test_rolling_back_to_an_existing_replica_set_never_writes_an_older_revision_on_the_deployment():
    cluster, clock = started()
    create_deployment(cluster)
    settle(cluster, clock)
    set_image(cluster, V2)
    settle(cluster, clock)
    written = []
    cluster.store.watch(lambda _type, _old, new: new and written.append(
        int(new["metadata"]["annotations"][w.REVISION])), w.DEPLOYMENTS.qualified_name)
    set_image(cluster, V1)
    settle(cluster, clock)
    assert written and written == sorted(written) and written[-1] == 3
