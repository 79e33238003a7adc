"""Unknown fields in a manifest, found from the v1.32 schemas as the API server's decoder finds
them: by path, in sorted key order, anywhere but in maps; refused, warned about or dropped."""

import pytest

from cluster_engine.errors import BadRequest
from cluster_engine.field_validation import check_fields, unknown_fields
from cluster_engine.resources import resolve

PODS, DEPLOYMENTS, CONFIGMAPS = resolve("pods"), resolve("deployments"), resolve("configmaps")


def _pod() -> dict:
    return {"apiVersion": "v1", "kind": "Pod",
            "metadata": {"name": "web", "labels": {"any-key": "is fine"}, "bogus": True},
            "spec": {"zeta": 1, "containers": [
                {"name": "web", "image": "nginx", "imagee": "nginx",
                 "ports": [{"containerPort": 80}, {"containerPort": 81, "prot": "TCP"}],
                 "resources": {"limits": {"cpu": "1", "made-up.example.com/gpu": "1"}}}]}}


def test_unknown_fields_are_named_by_path_in_sorted_order_and_maps_take_any_key():
    assert unknown_fields(PODS, _pod()) == [
        "metadata.bogus", "spec.containers[0].imagee", "spec.containers[0].ports[1].prot",
        "spec.zeta"]
    assert unknown_fields(CONFIGMAPS, {"metadata": {"name": "c"}, "data": {"x": "y"}}) == []


def test_strict_refuses_with_the_servers_strict_decoding_error():
    with pytest.raises(BadRequest) as refused:
        check_fields(DEPLOYMENTS, {"spec": {"selectr": {}}}, "Strict")
    assert refused.value.message == (
        'Deployment in version "v1" cannot be handled as a Deployment: strict decoding error: '
        'unknown field "spec.selectr"')


@pytest.mark.parametrize("directive, warned", [("Warn", True), ("Ignore", False)])
def test_warn_and_ignore_drop_the_unknown_fields_and_only_warn_says_so(directive, warned):
    pod = _pod()
    warnings = check_fields(PODS, pod, directive)
    assert unknown_fields(PODS, pod) == []
    assert pod["spec"]["containers"][0]["image"] == "nginx"
    assert pod["metadata"]["labels"] == {"any-key": "is fine"}
    assert warnings == (['unknown field "metadata.bogus"', 'unknown field '
                         '"spec.containers[0].imagee"', 'unknown field '
                         '"spec.containers[0].ports[1].prot"', 'unknown field "spec.zeta"']
                        if warned else [])
