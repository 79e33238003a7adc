"""``/openapi/v3``: the root's hashed links and each group version's document, with the
component schemas ``kubectl explain`` reads, in the shape a v1.32 API server gives them; and the
reshaping of the schema data, which is only read when a document or an explanation is asked for.
"""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from pathlib import Path

import pytest

from cluster_engine.api import openapi
from cluster_engine.api.server import handle
from cluster_engine.loopback import HttpRequest
from cluster_engine.openapi_schemas import server_form

SCHEMAS = "#/components/schemas/"


@pytest.fixture(scope="module")
def cluster(lab):
    return lab.cluster()


def get(cluster, target: str):
    return handle(cluster, HttpRequest("GET", target, [], b""))


def document(cluster, target: str) -> dict:
    response = get(cluster, target)
    assert response.status == 200, response.body
    return json.loads(response.body)


@pytest.fixture(scope="module")
def core(cluster) -> dict:
    return document(cluster, "/openapi/v3/api/v1")


@pytest.fixture(scope="module")
def apps(cluster) -> dict:
    return document(cluster, "/openapi/v3/apis/apps/v1")


def refs_in(schema) -> set[str]:
    if isinstance(schema, dict):
        found = {schema["$ref"]} if "$ref" in schema else set()
        return found.union(*(refs_in(value) for value in schema.values()))
    if isinstance(schema, list):
        return set().union(*(refs_in(value) for value in schema))
    return set()


def test_the_root_links_each_served_group_version_with_a_digest_of_its_document(cluster):
    links = document(cluster, "/openapi/v3")["paths"]
    assert sorted(links) == ["api/v1", "apis/apps/v1", "apis/coordination.k8s.io/v1",
                             "apis/discovery.k8s.io/v1"]
    for path, link in links.items():
        url, _, digest = link["serverRelativeURL"].partition("?hash=")
        assert url == f"/openapi/v3/{path}"
        served = document(cluster, link["serverRelativeURL"])
        assert digest == hashlib.sha512(
            json.dumps(served, sort_keys=True).encode()).hexdigest().upper()


def test_the_digest_changes_when_the_schemas_do(cluster, monkeypatch):
    before = document(cluster, "/openapi/v3")["paths"]["api/v1"]["serverRelativeURL"]
    openapi._hash.cache_clear()
    monkeypatch.setattr(openapi, "component_schemas", lambda kinds: {"changed": {}})
    try:
        after = document(cluster, "/openapi/v3")["paths"]["api/v1"]["serverRelativeURL"]
    finally:
        openapi._hash.cache_clear()
    assert after != before


def test_each_kind_is_a_component_schema_marked_with_its_group_version_kind(core, apps):
    pod = core["components"]["schemas"]["io.k8s.api.core.v1.Pod"]
    assert pod["type"] == "object"
    assert pod["x-kubernetes-group-version-kind"] == [{"group": "", "kind": "Pod",
                                                       "version": "v1"}]
    assert pod["description"].startswith("Pod is a collection of containers")
    deployment = apps["components"]["schemas"]["io.k8s.api.apps.v1.Deployment"]
    assert deployment["x-kubernetes-group-version-kind"] == [
        {"group": "apps", "kind": "Deployment", "version": "v1"}]
    assert "io.k8s.api.apps.v1.DeploymentList" in apps["components"]["schemas"]


def test_a_described_ref_is_wrapped_in_all_of_and_a_bare_one_is_not(core):
    schemas = core["components"]["schemas"]
    spec = schemas["io.k8s.api.core.v1.Pod"]["properties"]["spec"]
    assert spec["allOf"] == [{"$ref": SCHEMAS + "io.k8s.api.core.v1.PodSpec"}]
    assert spec["description"].startswith("Specification of the desired behavior of the pod")
    containers = schemas["io.k8s.api.core.v1.PodSpec"]["properties"]["containers"]
    assert containers["items"] == {"$ref": SCHEMAS + "io.k8s.api.core.v1.Container"}
    assert containers["type"] == "array"
    assert containers["x-kubernetes-list-type"] == "map"
    assert containers["x-kubernetes-list-map-keys"] == ["name"]
    assert "containers" in schemas["io.k8s.api.core.v1.PodSpec"]["required"]


def test_types_are_single_strings_and_api_version_and_kind_are_not_enumerated(core):
    schemas = core["components"]["schemas"]

    def types(schema):
        if isinstance(schema, dict):
            own = [schema["type"]] if "type" in schema and not isinstance(
                schema["type"], dict) else []
            return own + [kind for value in schema.values() for kind in types(value)]
        if isinstance(schema, list):
            return [kind for value in schema for kind in types(value)]
        return []

    assert set(types(schemas)) <= {"string", "integer", "number", "boolean", "array", "object"}
    pod = schemas["io.k8s.api.core.v1.Pod"]["properties"]
    assert pod["apiVersion"] == {"description": pod["apiVersion"]["description"],
                                 "type": "string"}
    assert "enum" not in pod["kind"]
    assert schemas["io.k8s.apimachinery.pkg.util.intstr.IntOrString"] == {
        "format": "int-or-string", "type": "string"}
    assert schemas["io.k8s.apimachinery.pkg.api.resource.Quantity"] == {"type": "string"}


def test_a_document_holds_every_schema_its_kinds_use_and_no_others(core, apps):
    for served in (core, apps):
        schemas = served["components"]["schemas"]
        assert {ref.removeprefix(SCHEMAS) for ref in refs_in(schemas)} <= set(schemas)
        assert all(ref.startswith(SCHEMAS) for ref in refs_in(schemas))
    assert "io.k8s.api.core.v1.PodTemplateSpec" in apps["components"]["schemas"]
    assert "io.k8s.api.core.v1.Service" not in apps["components"]["schemas"]
    assert "io.k8s.api.apps.v1.Deployment" not in core["components"]["schemas"]


def test_patch_still_offers_field_validation_so_kubectl_validates_on_the_server(core, apps):
    pod = core["paths"]["/api/v1/namespaces/{namespace}/pods/{name}"]["patch"]
    assert "fieldValidation" in [parameter["name"] for parameter in pod["parameters"]]
    deployment = apps["paths"]["/apis/apps/v1/namespaces/{namespace}/deployments/{name}"]
    assert deployment["patch"]["x-kubernetes-group-version-kind"]["kind"] == "Deployment"


def test_group_versions_it_does_not_serve_have_no_document(cluster):
    assert get(cluster, "/openapi/v3/apis/batch/v1").status == 404
    assert get(cluster, "/openapi/v3/api/v2").status == 404
    assert get(cluster, "/openapi/v3/apis/apps").status == 404


def test_server_form_reshapes_one_schema():
    source = {
        "properties": {
            "apiVersion": {"type": ["string", "null"], "enum": ["v1"]},
            "spec": {"$ref": "#/$defs/io.k8s.api.core.v1.PodSpec", "description": "the spec"},
            "owner": {"$ref": "#/$defs/io.k8s.api.core.v1.ObjectReference"},
            "ports": {"type": ["array", "null"],
                      "items": {"$ref": "#/$defs/io.k8s.api.core.v1.ContainerPort"}},
            "port": {"oneOf": [{"type": ["string", "null"]}, {"type": ["integer", "null"]}]},
        },
        "type": ["object", "null"],
    }
    assert server_form(source) == {
        "properties": {
            "apiVersion": {"type": "string"},
            "spec": {"allOf": [{"$ref": SCHEMAS + "io.k8s.api.core.v1.PodSpec"}],
                     "description": "the spec"},
            "owner": {"$ref": SCHEMAS + "io.k8s.api.core.v1.ObjectReference"},
            "ports": {"items": {"$ref": SCHEMAS + "io.k8s.api.core.v1.ContainerPort"},
                      "type": "array"},
            "port": {"format": "int-or-string", "type": "string"},
        },
        "type": "object",
    }


def test_importing_the_engine_reads_no_schema_data():
    """Shells fork from a zygote that imports the engine: the data must wait until asked for."""
    code = (
        "import sys\n"
        "opened = []\n"
        "sys.addaudithook(lambda event, args: opened.append(str(args[0]))"
        " if event == 'open' else None)\n"
        "import cluster_engine.zygote, cluster_engine.tools.kubectl, cluster_engine.api.server\n"
        "print([path for path in opened if path.endswith('_definitions.json')],"
        " 'kubernetes_validate' in sys.modules)\n")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            check=True, cwd=Path(__file__).resolve().parents[2])
    assert result.stdout == "[] False\n"
