"""The scheduler's pass cache must place pods exactly as scoring every node for every pod does."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from cluster_engine.controllers import scheduler
from cluster_engine.quantities import parse_quantity

_CPU = st.sampled_from([None, "100m", "250m", "500m", "1", "1500m"])
_MEMORY = st.sampled_from([None, "64Mi", "256Mi", "1Gi"])


@st.composite
def _nodes(draw):
    count = draw(st.integers(1, 6))
    nodes = []
    for index in range(count):
        spec = {}
        if draw(st.booleans()):
            spec["taints"] = [{"key": "dedicated", "value": "x", "effect": "NoSchedule"}]
        if draw(st.integers(0, 5)) == 0:
            spec["unschedulable"] = True
        nodes.append({
            "metadata": {"name": f"node-{index}",
                         "labels": {"disk": draw(st.sampled_from(["ssd", "hdd"]))}},
            "spec": spec,
            "status": {"conditions": [{"type": "Ready", "status": "True"}],
                       "allocatable": {"cpu": draw(st.sampled_from(["1", "2", "4"])),
                                       "memory": draw(st.sampled_from(["1Gi", "2Gi"])),
                                       "pods": draw(st.sampled_from(["3", "10", "110"]))}}})
    return nodes


@st.composite
def _pods(draw):
    pods = []
    for index in range(draw(st.integers(1, 40))):
        requests = {name: value for name, value in (("cpu", draw(_CPU)), ("memory", draw(_MEMORY)))
                    if value is not None}
        spec = {"containers": [{"name": "c", "resources": {"requests": requests}}]}
        if draw(st.integers(0, 3)) == 0:
            spec["nodeSelector"] = {"disk": "ssd"}
        if draw(st.booleans()):
            spec["tolerations"] = [{"key": "dedicated", "operator": "Exists",
                                    "effect": "NoSchedule"}]
        pods.append({"metadata": {"name": f"pod-{index}"}, "spec": spec, "status": {}})
    return pods


def _place_one_by_one(nodes, pods):
    usages = scheduler.node_usages(nodes, [])
    placed = []
    for pod in pods:
        name, failures = scheduler.pick_node(pod, nodes, [], usages)
        placed.append(name if name else scheduler.failed_scheduling_message(failures))
        if name:
            scheduler._add_usage(usages[name], scheduler.pod_requests(pod))
    return placed


def _place_in_one_pass(nodes, pods):
    scheduling = scheduler.SchedulingPass(nodes, [])
    placed = []
    for pod in pods:
        name, failures = scheduling.pick(pod)
        placed.append(name if name else scheduler.failed_scheduling_message(failures))
        if name:
            scheduling.bind(pod, name)
    return placed


@settings(max_examples=200, deadline=None)
@given(_nodes(), _pods())
def test_a_scheduling_pass_places_every_pod_where_scoring_every_node_would(nodes, pods):
    assert _place_in_one_pass(nodes, pods) == _place_one_by_one(nodes, pods)


def test_a_full_node_drops_out_and_the_next_least_loaded_node_takes_the_pod():
    nodes = [{"metadata": {"name": name}, "spec": {},
              "status": {"conditions": [{"type": "Ready", "status": "True"}],
                         "allocatable": {"cpu": "1", "memory": "1Gi", "pods": "2"}}}
             for name in ("a", "b")]
    pod = {"metadata": {}, "spec": {"containers": [{"name": "c", "resources": {
        "requests": {"cpu": "400m"}}}]}, "status": {}}
    placed = _place_in_one_pass(nodes, [pod] * 5)
    assert placed[:4] == ["a", "b", "a", "b"]
    assert placed[4] == ("0/2 nodes are available: 2 Insufficient cpu, 2 Too many pods. "
                         "preemption: 0/2 nodes are available: 2 No preemption victims found "
                         "for incoming pod.")


_QUANTITY = st.sampled_from(["0", "1", "2", "1500m", "3912040Ki", "7Gi", "129e6", "0.5", "100m"])


@given(allocatable=st.dictionaries(st.sampled_from(["cpu", "memory"]), _QUANTITY),
       used=st.fixed_dictionaries({"cpu": st.fractions(0, 64), "memory": st.fractions(0, 2**34)}),
       wanted=st.fixed_dictionaries({"cpu": st.fractions(0, 4), "memory": st.fractions(0, 2**31)}))
def test_a_nodes_load_is_exactly_the_mean_share_of_its_allocatable_cpu_and_memory(
        allocatable, used, wanted):
    node = {"metadata": {"name": "node-0"}, "status": {"allocatable": allocatable}}
    shares = [(used[resource] + wanted[resource]) / parse_quantity(allocatable[resource])
              for resource in ("cpu", "memory") if parse_quantity(allocatable.get(resource, "0"))]
    mean = sum(shares) / len(shares) if shares else 0
    assert scheduler._load(node, {**used, "pods": 4}, wanted) == (mean, 4, "node-0")
