"""``cluster_engine.admission``: the one create/update admission kubectl's write commands and the
REST façade's POST/PUT/PATCH share, on a started cluster."""

from __future__ import annotations

import copy
import json

import pytest

from cluster_engine import workloads as w
from cluster_engine.admission import admit_create, admit_update
from cluster_engine.api.server import handle
from cluster_engine.clock import FakeClock
from cluster_engine.cluster import Cluster
from cluster_engine.errors import AlreadyExists, Invalid, QuotaExceeded
from cluster_engine.loopback import HttpRequest
from cluster_engine.minikube_cluster import start_cluster
from cluster_engine.resources import resolve
from cluster_engine.state import SandboxState

PODS, SERVICES, CONFIGMAPS = resolve("pods"), resolve("services"), resolve("configmaps")
BOOTCAMP = "gcr.io/google-samples/kubernetes-bootcamp:v1"


@pytest.fixture
def cluster() -> Cluster:
    cluster = Cluster(SandboxState.fresh(3), FakeClock())
    start_cluster(cluster)
    return cluster


def pod(name: str = "web") -> dict:
    return {"apiVersion": "v1", "kind": "Pod",
            "metadata": {"name": name, "namespace": "default"},
            "spec": {"containers": [{"name": "app", "image": BOOTCAMP}]}}


def deployment(name: str, replicas: int) -> dict:
    labels = {"app": name}
    return {"apiVersion": "apps/v1", "kind": "Deployment",
            "metadata": {"name": name, "namespace": "default"},
            "spec": {"replicas": replicas, "selector": {"matchLabels": labels},
                     "template": {"metadata": {"labels": labels},
                                  "spec": {"containers": [{"name": "app", "image": BOOTCAMP}]}}}}


def test_it_refuses_a_name_the_api_server_refuses_with_the_field_path(cluster):
    with pytest.raises(Invalid) as refused:
        admit_create(cluster, PODS, pod("Web"))
    assert refused.value.message.startswith(
        'Pod "Web" is invalid: metadata.name: Invalid value: "Web": a lowercase RFC 1123 '
        "subdomain must consist of")


def test_it_refuses_a_second_object_of_the_same_name(cluster):
    cluster.store.create(PODS, admit_create(cluster, PODS, pod()))
    with pytest.raises(AlreadyExists, match='pods "web" already exists'):
        admit_create(cluster, PODS, pod())


def test_it_defaults_pods_and_allocates_service_addresses(cluster):
    admitted = admit_create(cluster, PODS, pod())
    assert admitted["spec"]["restartPolicy"] == "Always"
    assert admitted["spec"]["containers"][0]["imagePullPolicy"] == "IfNotPresent"
    service = admit_create(cluster, SERVICES, {
        "apiVersion": "v1", "kind": "Service",
        "metadata": {"name": "web", "namespace": "default"},
        "spec": {"type": "NodePort", "selector": {"app": "web"},
                 "ports": [{"port": 80, "targetPort": 8080}]}})
    assert service["spec"]["clusterIP"].startswith("10.")
    assert 30000 <= service["spec"]["ports"][0]["nodePort"] <= 32767


def test_an_update_may_change_a_pods_image_but_nothing_else_of_its_spec(cluster):
    stored = cluster.store.create(PODS, admit_create(cluster, PODS, pod()))
    new_image = copy.deepcopy(stored)
    new_image["spec"]["containers"][0]["image"] = "nginx"
    assert admit_update(cluster, PODS, stored, new_image)["spec"]["containers"][0]["image"] == \
        "nginx"
    renamed = copy.deepcopy(stored)
    renamed["spec"]["containers"][0]["name"] = "other"
    with pytest.raises(Invalid, match="spec: Forbidden: pod updates may not change fields"):
        admit_update(cluster, PODS, stored, renamed)


def test_an_update_keeps_the_status_and_counts_spec_changes_in_the_generation(cluster):
    stored = cluster.store.create(w.DEPLOYMENTS,
                                  admit_create(cluster, w.DEPLOYMENTS, deployment("web", 1)))
    stored["status"] = {"replicas": 1}
    changed = copy.deepcopy(stored)
    changed["spec"]["replicas"] = 2
    changed["status"] = {"replicas": 99}
    updated = admit_update(cluster, w.DEPLOYMENTS, stored, changed)
    assert updated["status"] == {"replicas": 1}
    assert updated["metadata"]["generation"] == 2


def test_objects_without_a_generation_do_not_get_one(cluster):
    config_map = {"apiVersion": "v1", "kind": "ConfigMap",
                  "metadata": {"name": "c", "namespace": "default"}, "data": {"a": "b"}}
    stored = cluster.store.create(CONFIGMAPS, admit_create(cluster, CONFIGMAPS, config_map))
    changed = copy.deepcopy(stored)
    changed["data"] = {"a": "c"}
    assert "generation" not in admit_update(cluster, CONFIGMAPS, stored, changed)["metadata"]


def test_the_pod_quota_leaves_the_clusters_own_pods_out(cluster):
    assert cluster.store.list(PODS, "kube-system")
    admit_create(cluster, w.DEPLOYMENTS, deployment("big", w.MAX_PODS_PER_SANDBOX))
    with pytest.raises(QuotaExceeded, match="requested: pods=501, used: pods=0"):
        admit_create(cluster, w.DEPLOYMENTS, deployment("big", w.MAX_PODS_PER_SANDBOX + 1))


def test_the_rest_api_admits_through_the_same_checks(cluster):
    body = json.dumps(pod("Web")).encode()
    response = handle(cluster, HttpRequest("POST", "/api/v1/namespaces/default/pods",
                                           [("Content-Type", "application/json")], body))
    assert response.status == 422
    assert json.loads(response.body)["message"].startswith('Pod "Web" is invalid: metadata.name')


def test_a_container_without_an_image_is_refused_with_its_field_path(cluster):
    imageless = pod()
    del imageless["spec"]["containers"][0]["image"]
    with pytest.raises(Invalid) as refused:
        admit_create(cluster, PODS, imageless)
    assert refused.value.message == 'Pod "web" is invalid: spec.containers[0].image: Required value'


def test_a_workload_must_select_its_own_template_and_all_its_field_errors_come_together(cluster):
    no_selector = deployment("web", 1)
    del no_selector["spec"]["selector"]
    with pytest.raises(Invalid) as refused:
        admit_create(cluster, w.DEPLOYMENTS, no_selector)
    assert refused.value.message == (
        'Deployment.apps "web" is invalid: [spec.selector: Required value, '
        'spec.template.metadata.labels: Invalid value: map[string]string{"app":"web"}: '
        "`selector` does not match template `labels`]")

    elsewhere = deployment("web", 1)
    elsewhere["spec"]["selector"] = {"matchLabels": {"app": "other"}}
    elsewhere["spec"]["template"]["metadata"]["labels"]["tier"] = "front"
    del elsewhere["spec"]["template"]["spec"]["containers"][0]["image"]
    with pytest.raises(Invalid) as refused:
        admit_create(cluster, w.DEPLOYMENTS, elsewhere)
    assert refused.value.message == (
        'Deployment.apps "web" is invalid: [spec.template.metadata.labels: Invalid value: '
        'map[string]string{"app":"web", "tier":"front"}: `selector` does not match template '
        "`labels`, spec.template.spec.containers[0].image: Required value]")
