"""``/openapi/v3``: the OpenAPI documents kubectl reads before it writes.

``kubectl apply -f`` and ``create -f`` validate what they send unless told ``--validate=false``.
They first ask ``/openapi/v3`` (then the group version's document it points to) whether the
server validates fields itself: it does when the PATCH operation of the object's kind takes a
``fieldValidation`` parameter. Then kubectl leaves checking to the server and sends
``fieldValidation=Strict``, instead of downloading every schema to check the manifest itself.

The documents are built from the types the engine serves (``discovery``), with the paths,
operations, parameters and ``x-kubernetes-group-version-kind`` markers of a v1.32 API server,
and the component schemas of those kinds, their lists and every type they use
(``openapi_schemas``), which is what ``kubectl explain`` reads. Building a document reads the
schema data, so it is only done when a document (or the root's hashes) is asked for; the hashes
are kept once worked out, since a document only changes with the code or the data.
"""

from __future__ import annotations

import hashlib
import json
from functools import lru_cache

from ..openapi_schemas import GroupVersionKind, component_schemas
from ..resources import ResourceType
from . import discovery

#: The query parameters a v1.32 API server documents on object writes.
WRITE_PARAMETERS = ("dryRun", "fieldManager", "fieldValidation")
_ACTION_VERBS = {"get": "read", "put": "replace", "patch": "patch", "delete": "delete"}


def _url_path(group: str, version: str) -> str:
    return f"api/{version}" if not group else f"apis/{group}/{version}"


def _query(name: str) -> dict:
    return {"name": name, "in": "query", "schema": {"type": "string", "uniqueItems": True}}


def _operation(rt: ResourceType, verb: str, action: str, scope: str) -> dict:
    """One operation on ``rt``, named and marked as the real server's are."""
    group_part = "".join(part.capitalize() for part in (rt.group or "core").split(".")[:1])
    operation = {
        "tags": [f"{(rt.group or 'core').split('.')[0]}_{rt.version}"],
        "operationId": f"{verb}{group_part}{rt.version.capitalize()}{scope}{rt.kind}",
        "parameters": [],
        "responses": {"200": {"description": "OK"}},
        "x-kubernetes-action": action,
        "x-kubernetes-group-version-kind": {"group": rt.group, "version": rt.version,
                                            "kind": rt.kind},
    }
    if action in ("post", "put", "patch"):
        operation["parameters"] = [_query(name) for name in WRITE_PARAMETERS]
        if action == "patch":
            operation["parameters"].append(
                {"name": "force", "in": "query", "schema": {"type": "boolean",
                                                            "uniqueItems": True}})
    return operation


def _paths(rt: ResourceType) -> dict:
    scope = "Namespaced" if rt.namespaced else ""
    prefix = f"/{_url_path(rt.group, rt.version)}/"
    collection = (prefix + f"namespaces/{{namespace}}/{rt.plural}" if rt.namespaced
                  else prefix + rt.plural)
    return {
        collection: {
            "get": _operation(rt, "list", "list", scope),
            "post": _operation(rt, "create", "post", scope),
        },
        collection + "/{name}": {
            method: _operation(rt, verb, method, scope)
            for method, verb in _ACTION_VERBS.items()
        },
    }


def group_version_document(group: str, version: str) -> dict | None:
    """The OpenAPI v3 document of one group version, or None if it is not served."""
    types = discovery.types_in(group, version)
    if not types:
        return None
    paths: dict = {}
    for rt in types:
        paths.update(_paths(rt))
    kinds = [GroupVersionKind(group, version, kind) for rt in types
             for kind in (rt.kind, rt.kind + "List")]
    return {"openapi": "3.0.0",
            "info": {"title": "Kubernetes", "version": "v1.32.0"},
            "paths": paths,
            "components": {"schemas": component_schemas(kinds)}}


@lru_cache(maxsize=None)
def _hash(group: str, version: str) -> str:
    """What the real server puts in ``?hash=``: a digest of the document, so clients can cache
    it for as long as it does not change."""
    text = json.dumps(group_version_document(group, version), sort_keys=True)
    return hashlib.sha512(text.encode()).hexdigest().upper()


def root_document() -> dict:
    """``/openapi/v3``: where each group version's document is."""
    versions = [("", "v1")] + [pair for pair in discovery.group_versions() if pair[0]]
    return {"paths": {
        _url_path(group, version): {
            "serverRelativeURL": f"/openapi/v3/{_url_path(group, version)}"
                                 f"?hash={_hash(group, version)}"}
        for group, version in versions}}


def document(path_parts: list[str]) -> dict | None:
    """The document at ``/openapi/v3/<path_parts>``, or None if there is none."""
    if not path_parts:
        return root_document()
    if path_parts[0] == "api" and len(path_parts) == 2:
        return group_version_document("", path_parts[1])
    if path_parts[0] == "apis" and len(path_parts) == 3:
        return group_version_document(path_parts[1], path_parts[2])
    return None
