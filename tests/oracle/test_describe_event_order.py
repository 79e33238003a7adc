"""``describe`` lists events with Go's unstable ``sort.Sort``: among more than twelve events,
those last seen in the same second come out in the order its steps give, not in recording
order. The real kubectl reads a state holding such events, recorded over three seconds in turn,
and the sandbox's page must match it line for line."""

from __future__ import annotations

import io
import json

import pytest

from cluster_engine.clock import FakeClock, rfc3339
from cluster_engine.script import run_script
from oracle_support import (NO_REAL_KUBECTL, REAL_KUBECTL, Served, sandbox_kubectl,
                            without_client_ages)

if not REAL_KUBECTL.exists():
    pytest.skip(NO_REAL_KUBECTL, allow_module_level=True)


def _state_with_interleaved_events(count: int) -> str:
    backend = run_script(["minikube start", "kubectl run web --image=nginx", "sleep 10"],
                         io.StringIO(), FakeClock(), seed=7)
    state = json.loads(backend.state_json)
    pod = state["objects"]["pods"]["default/web"]
    events = state["objects"]["events"]
    for index in range(count):
        second = rfc3339(state["now"] - 5 + index % 3)
        name = f"web.{0x18000000000 + index:x}"
        events[f"default/{name}"] = {
            "apiVersion": "v1", "kind": "Event",
            "metadata": {"name": name, "namespace": "default", "uid": f"uid-{index}",
                         "resourceVersion": str(90000 + index), "creationTimestamp": second},
            "involvedObject": {"kind": "Pod", "namespace": "default", "name": "web",
                               "uid": pod["metadata"]["uid"], "apiVersion": "v1"},
            "reason": f"Step{index:02d}", "message": f"step {index} of {count}",
            "source": {"component": "kubelet"}, "firstTimestamp": second,
            "lastTimestamp": second, "count": 1, "type": "Normal", "eventTime": None,
            "reportingComponent": "kubelet", "reportingInstance": ""}
    return json.dumps(state)


@pytest.mark.parametrize("count", [5, 13, 40])
def test_events_are_listed_in_the_real_kubectls_order_among_those_seen_in_the_same_second(tmp_path, count):
    state_json = _state_with_interleaved_events(count)
    with Served(state_json, tmp_path) as real:
        expected = real.outcome("describe", "pod", "web")
    actual = sandbox_kubectl(state_json, "describe", "pod", "web")
    assert expected.status == actual.status == 0, expected.stderr + actual.stderr
    assert without_client_ages(actual.stdout) == without_client_ages(expected.stdout)
