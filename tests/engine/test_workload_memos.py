"""What the deployment and replicaset controllers remember between syncs (claim verdicts, which
ReplicaSet carries a deployment's template, progress deadlines) is worked out again once what it
was drawn from is written: each test fails if that invalidation is dropped."""

from cluster_engine import workloads as w
from cluster_engine.resources import resolve
from tests.engine.test_workloads import (MISSING, V2, condition, create_deployment, deployment,
                                         pods, replica_sets, settle, started)

CONFIGMAPS = resolve("configmaps")


def test_a_pod_relabelled_out_of_its_replica_sets_selector_is_released_and_replaced():
    cluster, clock = started()
    create_deployment(cluster, replicas=2)
    settle(cluster, clock)
    relabelled = pods(cluster)[0]
    relabelled["metadata"]["labels"] = {"app": "elsewhere"}
    cluster.store.update(w.PODS, relabelled)
    cluster.reconcile()
    settle(cluster, clock)

    released = cluster.store.get(w.PODS, "default", relabelled["metadata"]["name"])
    assert w.controller_ref(released) is None
    assert len(pods(cluster)) == 2
    assert all(w.controller_ref(pod) is not None for pod in pods(cluster))


def test_a_replica_set_whose_template_was_edited_is_no_longer_its_deployments_new_one():
    cluster, clock = started()
    create_deployment(cluster)
    settle(cluster, clock)
    [edited] = replica_sets(cluster)
    edited["spec"]["template"]["spec"]["containers"][0]["image"] = V2
    w.update_spec(cluster, w.REPLICASETS, edited)
    cluster.reconcile()
    settle(cluster, clock, 120)

    assert deployment(cluster)["status"]["collisionCount"] == 1
    template = deployment(cluster)["spec"]["template"]
    [new] = [rs for rs in replica_sets(cluster)
             if w.equal_ignoring_hash(rs["spec"]["template"], template)]
    sizes = {rs["metadata"]["name"]: w.replicas_of(rs) for rs in replica_sets(cluster)}
    assert sizes == {new["metadata"]["name"]: 1, edited["metadata"]["name"]: 0}


def test_a_deployment_past_its_progress_deadline_times_out_at_the_next_reconcile():
    cluster, clock = started()
    create_deployment(cluster, image=MISSING, progressDeadlineSeconds=10)
    settle(cluster, clock, 10.5)  # past the deadline, before the recheck a second after it
    assert condition(deployment(cluster), "Progressing")["reason"] == "ReplicaSetUpdated"

    cluster.store.create(CONFIGMAPS, {"metadata": {"name": "unrelated", "namespace": "default"}})
    cluster.reconcile()
    assert condition(deployment(cluster), "Progressing")["reason"] == "ProgressDeadlineExceeded"
