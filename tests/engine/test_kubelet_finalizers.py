"""A deleted pod that a finalizer holds is not removed: the kubelet stops its containers and
gives it a final phase, and the pod stays until the finalizer goes."""

from tests.engine.test_pod_lifecycle import PODS, Lab


def _running_pod_held_by_a_finalizer() -> Lab:
    lab = Lab()
    lab.create("web")
    lab.wait(5)
    pod = lab.pod("web")
    pod["metadata"]["finalizers"] = ["example.com/hold"]
    lab.cluster.store.update(PODS, pod)
    return lab


def test_a_pod_held_by_a_finalizer_stays_stopped_and_failed_after_its_grace_period():
    lab = _running_pod_held_by_a_finalizer()
    lab.delete("web", grace=1)
    lab.wait(3)

    status = lab.pod("web")["status"]
    terminated = status["containerStatuses"][0]["state"]["terminated"]
    assert (terminated["exitCode"], terminated["reason"]) == (137, "Error")
    assert status["phase"] == "Failed"
    assert {c["type"]: c["status"] for c in status["conditions"]}["Ready"] == "False"
    stored = lab.cluster.store.peek(PODS, "default", "web")
    lab.wait(1)
    assert lab.cluster.store.peek(PODS, "default", "web") is stored


def test_a_pod_held_by_a_finalizer_and_deleted_at_once_is_stopped_with_one_write():
    lab = _running_pod_held_by_a_finalizer()
    written = []
    lab.cluster.store.watch(lambda _type, _old, new: written.append(new), PODS.qualified_name)
    lab.delete("web", grace=0)
    lab.wait(1)
    assert len(written) == 2  # the deletion, then the kubelet's stop
    assert written[-1]["status"]["phase"] == "Failed"
