"""``api.server.handle``: the REST paths, documents and errors of the simulated API server,
checked request by request on the tutorial state (no sockets)."""

from __future__ import annotations

import json

import pytest

from cluster_engine.api.server import handle, watch
from cluster_engine.clock import rfc3339
from cluster_engine.loopback import HttpRequest
from cluster_engine.tools.kubectl.version import server_version

TABLE = "application/json;as=Table;v=v1;g=meta.k8s.io"
CURL = ("User-Agent", "curl/8.5.0")
APP = "kubernetes-bootcamp"


@pytest.fixture
def cluster(lab):
    return lab.cluster()


def get(cluster, target, *headers, method="GET", body=b""):
    return handle(cluster, HttpRequest(method, target, list(headers), body))


def document(response) -> dict:
    return json.loads(response.body)


# -- discovery and version -------------------------------------------------------------------
def test_it_serves_the_minikube_api_server_version_indented_for_everyone(cluster):
    response = get(cluster, "/version")
    assert response.status == 200
    assert document(response) == server_version("v1.32.0")
    assert response.body.startswith(b'{\n  "major": "1",\n  "minor": "32",\n')


def test_it_lists_the_core_api_version_and_the_named_groups(cluster):
    assert document(get(cluster, "/api"))["versions"] == ["v1"]
    groups = document(get(cluster, "/apis"))
    assert groups["kind"] == "APIGroupList"
    assert [group["name"] for group in groups["groups"]] == [
        "apps", "discovery.k8s.io", "coordination.k8s.io"]
    assert document(get(cluster, "/apis/apps"))["preferredVersion"] == {
        "groupVersion": "apps/v1", "version": "v1"}


def test_the_core_resource_list_carries_verbs_short_names_categories_and_subresources(cluster):
    resources = {entry["name"]: entry for entry in document(get(cluster, "/api/v1"))["resources"]}
    assert resources["pods"] == {
        "name": "pods", "singularName": "pod", "namespaced": True, "kind": "Pod",
        "verbs": ["create", "delete", "deletecollection", "get", "list", "patch", "update",
                  "watch"],
        "shortNames": ["po"], "categories": ["all"]}
    assert resources["pods/log"] == {"name": "pods/log", "singularName": "", "namespaced": True,
                                     "kind": "Pod", "verbs": ["get"]}
    assert resources["nodes"]["namespaced"] is False
    assert "deletecollection" not in resources["namespaces"]["verbs"]


def test_the_apps_resource_list_names_its_scale_subresource_in_autoscaling(cluster):
    listing = document(get(cluster, "/apis/apps/v1"))
    assert (listing["apiVersion"], listing["groupVersion"]) == ("v1", "apps/v1")
    scale = next(entry for entry in listing["resources"] if entry["name"] == "deployments/scale")
    assert (scale["group"], scale["version"], scale["kind"]) == ("autoscaling", "v1", "Scale")


AGGREGATED = "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList"


def test_kubectls_first_question_gets_aggregated_discovery(cluster):
    accept = ("Accept", f"{AGGREGATED},application/json;g=apidiscovery.k8s.io;v=v2beta1;"
                        "as=APIGroupDiscoveryList,application/json")
    named = get(cluster, "/apis", accept)
    assert named.headers[0] == ("Content-Type", AGGREGATED)
    listing = document(named)
    assert listing["kind"] == "APIGroupDiscoveryList"
    apps = listing["items"][0]
    assert apps["metadata"] == {"name": "apps", "creationTimestamp": None}
    deployments = next(entry for entry in apps["versions"][0]["resources"]
                       if entry["resource"] == "deployments")
    assert (deployments["scope"], deployments["shortNames"], deployments["categories"]) == (
        "Namespaced", ["deploy"], ["all"])
    assert {"subresource": "scale", "verbs": ["get", "patch", "update"], "responseKind": {
        "group": "autoscaling", "version": "v1", "kind": "Scale"}} in deployments["subresources"]
    core = document(get(cluster, "/api", accept))["items"]
    nodes = next(entry for entry in core[0]["versions"][0]["resources"]
                 if entry["resource"] == "nodes")
    assert (core[0]["metadata"], nodes["scope"]) == ({"creationTimestamp": None}, "Cluster")
    assert document(get(cluster, "/api", ("Accept", "application/json")))["kind"] == "APIVersions"


# -- reads -----------------------------------------------------------------------------------
def test_a_list_is_a_typed_list_whose_items_carry_no_kind(cluster, lab):
    listing = document(get(cluster, "/api/v1/namespaces/default/pods"))
    assert (listing["kind"], listing["apiVersion"]) == ("PodList", "v1")
    assert listing["metadata"]["resourceVersion"].isdigit()
    assert [item["metadata"]["name"] for item in listing["items"]] == lab.pod_names()
    assert "kind" not in listing["items"][0]
    assert list(listing["items"][0])[:3] == ["metadata", "spec", "status"]


def test_a_cluster_wide_list_spans_namespaces(cluster, lab):
    names = [item["metadata"]["name"] for item in document(get(cluster, "/api/v1/pods"))["items"]]
    assert names == lab.pod_names() + lab.pod_names("kube-system")


def test_label_and_field_selectors_filter_the_list(cluster, lab):
    by_label = document(get(cluster, "/api/v1/pods?labelSelector=app%3Dkubernetes-bootcamp"))
    assert [item["metadata"]["name"] for item in by_label["items"]] == lab.pod_names()
    by_field = document(get(cluster, "/api/v1/pods?fieldSelector=metadata.namespace%3Ddefault,"
                                     "status.phase%21%3DRunning"))
    assert by_field["items"] == []


def test_events_by_involved_object_are_those_a_scan_finds_in_each_namespace(cluster, lab):
    namesake = {"metadata": {"name": "namesake", "namespace": "kube-system"},
                "involvedObject": {"kind": "Pod", "name": lab.pod_names()[0],
                                   "namespace": "kube-system"},
                "reason": "Testing", "message": "same involved name, other namespace"}
    created = get(cluster, "/api/v1/namespaces/kube-system/events", method="POST",
                  body=json.dumps(namesake).encode())
    assert created.status == 201
    everything = document(get(cluster, "/api/v1/events"))["items"]
    for namespace in ("default", "kube-system"):
        for name in {event["involvedObject"]["name"] for event in everything
                     if event["metadata"]["namespace"] == namespace}:
            found = document(get(cluster, f"/api/v1/namespaces/{namespace}/events"
                                          f"?fieldSelector=involvedObject.name%3D{name}"))["items"]
            assert found == [event for event in everything
                             if event["metadata"]["namespace"] == namespace
                             and event["involvedObject"]["name"] == name]
    assert document(get(cluster, "/api/v1/events?fieldSelector=involvedObject.name%3Dnone"))[
        "items"] == []


def test_an_unsupported_field_is_the_servers_bad_request(cluster):
    response = get(cluster, "/api/v1/namespaces/default/pods?fieldSelector=spec.image%3Dx")
    assert response.status == 400
    assert document(response)["message"] == (
        'Unable to find "/v1, Resource=pods" that match label selector "", field selector '
        '"spec.image=x": field label not supported: spec.image')


def test_limit_pages_through_with_continue_tokens(cluster, lab):
    first = document(get(cluster, "/api/v1/pods?limit=4"))
    assert len(first["items"]) == 4
    total = len(lab.pod_names()) + len(lab.pod_names("kube-system"))
    assert first["metadata"]["remainingItemCount"] == total - 4
    token = first["metadata"]["continue"]
    rest = document(get(cluster, f"/api/v1/pods?limit=100&continue={token}"))
    assert "continue" not in rest["metadata"]
    names = [item["metadata"]["name"] for item in first["items"] + rest["items"]]
    assert names == lab.pod_names() + lab.pod_names("kube-system")


def test_a_missing_object_is_the_exact_not_found_status(cluster):
    response = get(cluster, "/api/v1/namespaces/default/pods/nope")
    assert (response.status, response.body) == (404, (
        b'{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure",'
        b'"message":"pods \\"nope\\" not found","reason":"NotFound",'
        b'"details":{"name":"nope","kind":"pods"},"code":404}\n'))
    grouped = document(get(cluster, "/apis/apps/v1/namespaces/default/deployments/nope"))
    assert grouped["details"] == {"name": "nope", "group": "apps", "kind": "deployments"}
    assert grouped["message"] == 'deployments.apps "nope" not found'


def test_unknown_paths_wrong_methods_and_media_types_get_their_status(cluster):
    assert document(get(cluster, "/api/v1/widgets")) == {
        "kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Failure",
        "message": "the server could not find the requested resource", "reason": "NotFound",
        "details": {}, "code": 404}
    not_allowed = get(cluster, "/version", method="POST")
    assert (not_allowed.status, document(not_allowed)["reason"]) == (405, "MethodNotAllowed")
    protobuf_only = get(cluster, "/api/v1/pods", ("Accept", "application/vnd.kubernetes.protobuf"))
    assert (protobuf_only.status, document(protobuf_only)["reason"]) == (406, "NotAcceptable")


def test_curl_gets_indented_json_and_kubectl_compact(cluster, lab):
    pod = lab.pod_names()[0]
    for_curl = get(cluster, f"/api/v1/namespaces/default/pods/{pod}/", CURL)
    assert for_curl.body.startswith(b'{\n  "kind": "Pod",\n  "apiVersion": "v1",\n  "metadata": {\n'
                                    b'    "name": "' + pod.encode() + b'",\n')
    compact = get(cluster, f"/api/v1/namespaces/default/pods/{pod}")
    assert compact.body.startswith(b'{"kind":"Pod","apiVersion":"v1","metadata":{"name":')
    assert json.loads(for_curl.body) == json.loads(compact.body)


def test_it_answers_in_yaml_when_asked(cluster):
    response = get(cluster, "/api/v1/namespaces/default", ("Accept", "application/yaml"))
    assert response.headers == [("Content-Type", "application/yaml")]
    assert b"\nkind: Namespace\n" in response.body


# -- server-side printing ---------------------------------------------------------------------
def test_a_table_has_the_column_definitions_with_wide_columns_at_priority_one(cluster):
    table = document(get(cluster, "/api/v1/namespaces/default/pods", ("Accept", TABLE)))
    assert (table["kind"], table["apiVersion"]) == ("Table", "meta.k8s.io/v1")
    columns = [(column["name"], column["priority"]) for column in table["columnDefinitions"]]
    assert columns == [("Name", 0), ("Ready", 0), ("Status", 0), ("Restarts", 0), ("Age", 0),
                       ("IP", 1), ("Node", 1), ("Nominated Node", 1), ("Readiness Gates", 1)]
    assert table["columnDefinitions"][0]["format"] == "name"


def test_table_rows_carry_partial_object_metadata_unless_asked_otherwise(cluster, lab):
    table = document(get(cluster, "/api/v1/namespaces/default/pods", ("Accept", TABLE)))
    row = table["rows"][0]
    assert row["cells"][:4] == [lab.pod_names()[0], "1/1", "Running", "0"]
    assert row["object"]["kind"] == "PartialObjectMetadata"
    assert row["object"]["metadata"]["labels"]["app"] == APP
    assert "spec" not in row["object"]
    full = document(get(cluster, "/api/v1/namespaces/default/pods?includeObject=Object",
                        ("Accept", TABLE)))
    assert full["rows"][0]["object"]["kind"] == "Pod"
    bare = document(get(cluster, "/api/v1/namespaces/default/pods?includeObject=None",
                        ("Accept", TABLE)))
    assert "object" not in bare["rows"][0]


def test_a_single_object_comes_as_a_one_row_table(cluster):
    table = document(get(cluster, f"/apis/apps/v1/namespaces/default/deployments/{APP}",
                         ("Accept", f"{TABLE},application/json")))
    assert [row["cells"][:4] for row in table["rows"]] == [[APP, "2/2", 2, 2]]


# -- proxy and log ------------------------------------------------------------------------------
def test_the_pod_proxy_reaches_the_tutorial_app(cluster, lab):
    pod = lab.pod_names()[0]
    response = get(cluster, f"/api/v1/namespaces/default/pods/{pod}:8080/proxy/", CURL)
    assert (response.status, response.body) == (
        200, f"Hello Kubernetes bootcamp! | Running on: {pod} | v=1\n".encode())


def test_the_pod_proxy_without_a_slash_redirects_and_a_closed_port_is_refused(cluster, lab):
    pod = lab.pod_names()[0]
    redirect = get(cluster, f"/api/v1/namespaces/default/pods/{pod}:8080/proxy")
    assert (redirect.status, redirect.headers, redirect.body) == (
        301, [("Location", f"/api/v1/namespaces/default/pods/{pod}:8080/proxy/")], b"")
    refused = get(cluster, f"/api/v1/namespaces/default/pods/{pod}/proxy/", CURL)
    ip = document(get(cluster, f"/api/v1/namespaces/default/pods/{pod}"))["status"]["podIP"]
    assert refused.status == 503
    assert document(refused)["message"] == (
        f"error trying to reach service: dial tcp {ip}:80: connect: connection refused")
    assert document(refused)["reason"] == "ServiceUnavailable"


def test_the_service_proxy_reaches_one_of_its_endpoints(cluster, lab):
    response = get(cluster, f"/api/v1/namespaces/default/services/{APP}:8080/proxy/")
    assert response.status == 200
    served_by = response.body.decode().split(" | ")[1].removeprefix("Running on: ")
    assert served_by in lab.pod_names()


def test_the_service_proxy_of_a_service_without_endpoints_is_unavailable(cluster):
    service = {"apiVersion": "v1", "kind": "Service", "metadata": {"name": "lonely"},
               "spec": {"selector": {"app": "nobody"}, "ports": [{"port": 80}]}}
    created = get(cluster, "/api/v1/namespaces/default/services", method="POST",
                  body=json.dumps(service).encode())
    assert created.status == 201
    response = get(cluster, "/api/v1/namespaces/default/services/lonely/proxy/")
    assert (response.status, document(response)["message"]) == (
        503, 'no endpoints available for service "lonely"')


def test_the_log_subresource_is_the_containers_output(cluster, lab):
    pod = lab.pod_names()[0]
    response = get(cluster, f"/api/v1/namespaces/default/pods/{pod}/log")
    assert response.status == 200
    assert response.body.decode().startswith("Kubernetes Bootcamp App Started At: ")
    tail = get(cluster, f"/api/v1/namespaces/default/pods/{pod}/log?tailLines=1&timestamps=true")
    assert tail.body.decode().count("\n") == 1
    wrong = get(cluster, f"/api/v1/namespaces/default/pods/{pod}/log?container=nginx")
    assert (wrong.status, document(wrong)["message"]) == (
        400, f"container nginx is not valid for pod {pod}")


# -- writes ------------------------------------------------------------------------------------
def test_a_posted_pod_is_defaulted_created_and_scheduled(cluster):
    pod = {"apiVersion": "v1", "kind": "Pod",
           "metadata": {"name": "web", "creationTimestamp": None},
           "spec": {"containers": [{"name": "web", "image": "nginx"}]}, "status": {}}
    response = get(cluster, "/api/v1/namespaces/default/pods", method="POST",
                   body=json.dumps(pod).encode())
    created = document(response)
    assert response.status == 201
    assert created["metadata"]["namespace"] == "default"
    assert created["metadata"]["creationTimestamp"] == rfc3339(cluster.now)
    assert created["status"]["phase"] == "Pending"
    assert created["spec"]["containers"][0]["imagePullPolicy"] == "Always"
    again = get(cluster, "/api/v1/namespaces/default/pods", method="POST",
                body=json.dumps(pod).encode())
    assert (again.status, document(again)["message"]) == (409, 'pods "web" already exists')


def test_patches_change_a_deployment_and_its_controllers_follow(cluster):
    path = f"/apis/apps/v1/namespaces/default/deployments/{APP}"
    generation = document(get(cluster, path))["metadata"]["generation"]
    merged = get(cluster, path, ("Content-Type", "application/merge-patch+json"),
                 method="PATCH", body=b'{"spec":{"replicas":3}}')
    assert document(merged)["spec"]["replicas"] == 3
    strategic = get(cluster, path, ("Content-Type", "application/strategic-merge-patch+json"),
                    method="PATCH", body=json.dumps({"spec": {"template": {"spec": {"containers": [
                        {"name": APP, "image": "jocatalin/kubernetes-bootcamp:v2"}]}}}}).encode())
    containers = document(strategic)["spec"]["template"]["spec"]["containers"]
    assert [(c["name"], c["image"], c["imagePullPolicy"]) for c in containers] == [
        (APP, "jocatalin/kubernetes-bootcamp:v2", "IfNotPresent")]
    json_patch = get(cluster, path, ("Content-Type", "application/json-patch+json"),
                     method="PATCH", body=b'[{"op":"replace","path":"/spec/replicas","value":1}]')
    assert document(json_patch)["spec"]["replicas"] == 1
    assert document(json_patch)["metadata"]["generation"] == generation + 3


def test_the_scale_subresource_reads_and_sets_replicas(cluster):
    path = f"/apis/apps/v1/namespaces/default/deployments/{APP}/scale"
    scale = document(get(cluster, path))
    assert (scale["kind"], scale["spec"], scale["status"]) == (
        "Scale", {"replicas": 2}, {"replicas": 2, "selector": f"app={APP}"})
    scale["spec"]["replicas"] = 4
    get(cluster, path, method="PUT", body=json.dumps(scale).encode())
    pods = document(get(cluster, f"/api/v1/namespaces/default/pods?labelSelector=app%3D{APP}"))
    assert len(pods["items"]) == 4


def test_deleting_a_deployment_answers_success_and_its_pods_terminate(cluster):
    response = get(cluster, f"/apis/apps/v1/namespaces/default/deployments/{APP}",
                   method="DELETE")
    status = document(response)
    assert (status["status"], status["details"]["kind"], status["details"]["group"]) == (
        "Success", "deployments", "apps")
    pods = document(get(cluster, f"/api/v1/namespaces/default/pods?labelSelector=app%3D{APP}"))
    assert all(pod["metadata"].get("deletionTimestamp") for pod in pods["items"])


# -- watch -------------------------------------------------------------------------------------
def events_of(response) -> list[tuple[str, str]]:
    return [(event["type"], event["object"]["metadata"]["name"])
            for event in map(json.loads, response.body.decode().splitlines())]


def test_a_watch_starts_with_the_current_objects_and_then_reports_changes(cluster, lab):
    request = HttpRequest("GET", "/api/v1/namespaces/default/pods?watch=true")
    first, seen = watch(cluster, request, None)
    assert first.headers == [("Content-Type", "application/json;stream=watch")]
    assert events_of(first) == [("ADDED", name) for name in lab.pod_names()]
    assert events_of(handle(cluster, request)) == events_of(first)
    quiet, seen = watch(cluster, request, seen)
    assert quiet.body == b""
    get(cluster, "/api/v1/namespaces/default/pods", method="POST", body=json.dumps(
        {"metadata": {"name": "web"}, "spec": {"containers": [{"name": "web", "image": "nginx"}]}}
    ).encode())
    added, seen = watch(cluster, request, seen)
    assert events_of(added)[0] == ("ADDED", "web")
    get(cluster, "/api/v1/namespaces/default/pods/web?gracePeriodSeconds=0", method="DELETE")
    deleted, _seen = watch(cluster, request, seen)
    assert ("DELETED", "web") in events_of(deleted)


def test_a_watch_from_a_resource_version_sends_only_what_changed_after_it(cluster):
    path = "/apis/apps/v1/namespaces/default/deployments"
    listed = document(get(cluster, path))["metadata"]["resourceVersion"]
    request = HttpRequest("GET", f"{path}?watch=1&resourceVersion={listed}",
                          [("Accept", TABLE)])
    nothing_yet, seen = watch(cluster, request, None)
    assert nothing_yet.body == b""
    get(cluster, f"{path}/{APP}", ("Content-Type", "application/merge-patch+json"),
        method="PATCH", body=b'{"spec":{"replicas":3}}')
    changed, _seen = watch(cluster, request, seen)
    event = json.loads(changed.body)
    assert event["type"] == "MODIFIED"
    assert event["object"]["kind"] == "Table"
    assert event["object"]["rows"][0]["cells"][:2] == [APP, "2/3"]


def test_a_dry_run_answers_what_would_be_stored_and_keeps_nothing(cluster):
    path = f"/apis/apps/v1/namespaces/default/deployments/{APP}"
    response = get(cluster, f"{path}?dryRun=All", ("Content-Type", "application/merge-patch+json"),
                   method="PATCH", body=b'{"spec":{"replicas":5}}')
    assert document(response)["spec"]["replicas"] == 5
    assert document(get(cluster, path))["spec"]["replicas"] == 2
    get(cluster, f"{path}?dryRun=All", method="DELETE")
    assert get(cluster, path).status == 200
