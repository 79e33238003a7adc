"""``kubectl apply -f``: make the cluster match manifests, remembering what was applied.

kubectl keeps the configuration it applied last in the object's
``kubectl.kubernetes.io/last-applied-configuration`` annotation (the manifest as compact JSON,
with its namespace filled in). An object that does not exist yet is created with that
annotation; an existing one gets a three-way patch: what the manifest sets wins, what the last
applied configuration set and the manifest no longer does is removed, and whatever else is in the
live object (defaults, fields other writers set) stays. The patch is a strategic merge, so
lists with merge keys (containers by name, ports by port number ...) are merged item by item.
An empty patch leaves the object ``unchanged``.
"""

from __future__ import annotations

import copy
import json

from ...api.writes import merge, merge_key
from ...errors import ApiError
from ...printers.serialize import go_json_compact
from .app import KubectlError, implement
from .cobra import Invocation
from .manifests import (Manifest, WriteRefused, drop_unknown_fields, manifests_to_write,
                        send_checked, write_each)
from .mutations import Output, create, output_of, report, update

LAST_APPLIED = "kubectl.kubernetes.io/last-applied-configuration"
MISSING_ANNOTATION_WARNING = (
    "Warning: resource {plural}/{name} is missing the " + LAST_APPLIED + " annotation which is "
    "required by kubectl apply. kubectl apply should only be used on resources created "
    "declaratively by either kubectl create --save-config or kubectl apply. The missing "
    "annotation will be patched automatically.\n")


def last_applied_configuration(obj: dict) -> str:
    """The annotation's value for the manifest ``obj``: itself without that annotation."""
    configuration = copy.deepcopy(obj)
    annotations = configuration["metadata"].get("annotations") or {}
    annotations.pop(LAST_APPLIED, None)
    configuration["metadata"]["annotations"] = annotations
    return go_json_compact(configuration) + "\n"


def with_last_applied(obj: dict) -> dict:
    """``obj`` carrying its own last-applied annotation, as ``apply`` and ``--save-config``
    send it."""
    annotated = copy.deepcopy(obj)
    annotation = last_applied_configuration(obj)
    annotated["metadata"].setdefault("annotations", {})[LAST_APPLIED] = annotation
    return annotated


def three_way_patch(last_applied, manifest, field_name: str = ""):
    """The strategic merge patch that takes a live object from ``last_applied`` to
    ``manifest``: the manifest itself, plus a removal for each field and each keyed list item
    only the last applied configuration has."""
    if isinstance(last_applied, dict) and isinstance(manifest, dict):
        patch = {key: three_way_patch(last_applied.get(key), value, key)
                 for key, value in manifest.items()}
        patch.update({key: None for key in last_applied if key not in manifest})
        return patch
    if isinstance(last_applied, list) and isinstance(manifest, list):
        key = merge_key(field_name, last_applied + manifest)
        if key is None:
            return manifest
        previous = {item.get(key): item for item in last_applied}
        patch = [three_way_patch(previous.get(item.get(key)), item) for item in manifest]
        kept = {item.get(key) for item in manifest}
        patch.extend({key: item[key], "$patch": "delete"} for item in last_applied
                     if item.get(key) not in kept)
        return patch
    return manifest


class _Applier:
    """One ``apply`` run: each manifest's object created or patched."""

    def __init__(self, invocation: Invocation, output: Output):
        self.invocation, self.output = invocation, output

    def apply(self, cluster, manifest: Manifest) -> None:
        current = cluster.store.find(manifest.rt, manifest.namespace, manifest.name)
        try:
            if current is None:
                self._create(cluster, manifest)
            else:
                self._patch(cluster, manifest, current)
        except ApiError as error:
            raise WriteRefused(error, "creating" if current is None else "patching",
                               manifest.source) from None

    def _create(self, cluster, manifest: Manifest) -> None:
        sent = with_last_applied(manifest.obj)
        if self.output.dry_run != "client":
            send_checked(self.invocation, manifest, sent)
            sent = create(cluster, manifest.rt, sent, self.output)
        report(self.invocation.stdout, manifest.rt, sent, "created", self.output)

    def _patch(self, cluster, manifest: Manifest, current: dict) -> None:
        annotations = current["metadata"].get("annotations") or {}
        if LAST_APPLIED not in annotations:
            self.invocation.stderr.write(MISSING_ANNOTATION_WARNING.format(
                plural=manifest.rt.plural, name=manifest.name))
        last_applied = _decoded(annotations.get(LAST_APPLIED))
        patch = three_way_patch(last_applied, with_last_applied(manifest.obj))
        patched = merge(current, patch, strategic=True)
        _keep_nulls(current, patched)
        drop_unknown_fields(self.invocation, manifest, patched)
        if self.output.dry_run == "client":
            report(self.invocation.stdout, manifest.rt, patched, "configured", self.output)
            return
        if patched == current:
            report(self.invocation.stdout, manifest.rt, current, "unchanged", self.output)
            return
        stored = update(cluster, manifest.rt, patched, self.output)
        report(self.invocation.stdout, manifest.rt, stored, "configured", self.output)


def _keep_nulls(current, patched) -> None:
    """Put back the null fields of ``current`` a patch removed (``creationTimestamp: null`` of
    a pod template): the server decodes into typed structs, where null and absent are one."""
    if not (isinstance(current, dict) and isinstance(patched, dict)):
        return
    for key, value in current.items():
        if value is None and key not in patched:
            patched[key] = None
        elif key in patched:
            _keep_nulls(value, patched[key])


def _decoded(annotation: str | None) -> dict | None:
    try:
        return json.loads(annotation) if annotation else None
    except ValueError:
        return None


@implement("apply")
def run_apply(invocation: Invocation) -> int:
    if invocation.flags.get("server-side"):
        raise KubectlError("server-side apply is not available in this tutorial's cluster; "
                           "use client-side apply (without --server-side)")
    output = output_of(invocation)
    manifests = manifests_to_write(invocation, "apply")
    return write_each(invocation, manifests, _Applier(invocation, output).apply)
