"""The kubelet keeps a pod's conditions and phase current even when someone else wrote them.

It skips recomputing them for a stored pod it wrote itself; this makes sure it still notices a
pod written since by anything else.
"""

from tests.engine.test_pod_lifecycle import PODS, Lab


def _reasons(lab: Lab, name: str) -> list[str]:
    return [reason for _kind, reason, _message, _count in lab.events(name)]


def _wait_for_event(lab: Lab, name: str, reason: str, step: float) -> None:
    for _ in range(round(5 / step)):
        if reason in _reasons(lab, name):
            return
        lab.wait(step, step=step)
    raise AssertionError(f"no {reason} event for {name} within 5 s")


def test_conditions_overwritten_during_the_pull_are_restored_by_the_next_container_step():
    lab = Lab()
    lab.create("web")
    _wait_for_event(lab, "web", "Pulling", step=0.1)
    pod = lab.pod("web")
    pod["status"]["conditions"] = []
    lab.cluster.store.update(PODS, pod)
    _wait_for_event(lab, "web", "Pulled", step=0.01)
    assert "Started" not in _reasons(lab, "web")
    assert [c["type"] for c in lab.pod("web")["status"]["conditions"]] == [
        "PodReadyToStartContainers", "Initialized", "Ready", "ContainersReady", "PodScheduled"]
