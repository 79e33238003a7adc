"""The imperative commands on manifests: ``create -f``, ``replace -f``, and the objects ``-f``
names for ``delete`` and ``edit``.

Unlike ``apply`` they send each object as it is written: ``create`` POSTs it (with
``--save-config`` also recording it as the last applied configuration), ``replace`` PUTs it
over the stored object (whose status and identity the server keeps). Each keeps going after an
object is refused and reports every refusal at the end, naming the file it came from.
"""

from __future__ import annotations

from ...errors import ApiError, NotFound
from .app import KubectlError, format_api_error, implement, namespace_of
from .apply import with_last_applied
from .cobra import Invocation
from .manifests import (Manifest, WriteRefused, manifests_to_write, read_manifests, send_checked,
                        write_each)
from .mutations import (Target, check_target_args, create, find_targets, output_of, report,
                        update)


def _as_sent(invocation: Invocation, manifest: Manifest) -> dict:
    if invocation.flags.get("save-config"):
        return with_last_applied(manifest.obj)
    return manifest.obj


def run_create_from_files(invocation: Invocation) -> int:
    """``kubectl create -f``."""
    output = output_of(invocation)

    def create_one(cluster, manifest: Manifest) -> None:
        sent = _as_sent(invocation, manifest)
        try:
            if output.dry_run != "client":
                send_checked(invocation, manifest, sent)
                sent = create(cluster, manifest.rt, sent, output)
        except ApiError as error:
            raise WriteRefused(error, "creating", manifest.source) from None
        report(invocation.stdout, manifest.rt, sent, "created", output)

    return write_each(invocation, manifests_to_write(invocation, "create"), create_one)


@implement("replace")
def run_replace(invocation: Invocation) -> int:
    if invocation.flags.get("force"):
        raise KubectlError("--force (delete and re-create) is not available in this tutorial's "
                           "cluster; use kubectl delete -f and kubectl create -f")
    output = output_of(invocation)

    def replace_one(cluster, manifest: Manifest) -> None:
        sent = _as_sent(invocation, manifest)
        try:
            if cluster.store.find(manifest.rt, manifest.namespace, manifest.name) is None:
                raise NotFound(manifest.rt.qualified_name, manifest.name)
            if output.dry_run != "client":
                send_checked(invocation, manifest, sent)
                sent = update(cluster, manifest.rt, sent, output)
        except ApiError as error:
            raise WriteRefused(error, "replacing", manifest.source) from None
        report(invocation.stdout, manifest.rt, sent, "replaced", output)

    return write_each(invocation, manifests_to_write(invocation, None), replace_one)


def manifests_named(invocation: Invocation, selector: str = "",
                    select_all: bool = False) -> list[Manifest] | None:
    """The manifests ``-f`` names for ``delete`` or ``edit`` (None without ``-f``, after the
    checks of the ``TYPE NAME`` arguments instead)."""
    if not invocation.flags.get("filename"):
        check_target_args(invocation.args, selector, select_all)
        return None
    if invocation.args:
        raise KubectlError("resource/name arguments cannot be provided when a path is "
                           "specified")
    return read_manifests(invocation, namespace_of(invocation))


def targets_named(invocation: Invocation, cluster, manifests: list[Manifest] | None,
                  errors: list[str], step: str | None, selector: str = "",
                  select_all: bool = False) -> list[Target]:
    """The stored objects the manifests name, or else the ``TYPE NAME`` arguments; those not
    found go to ``errors`` as kubectl prints them (a manifest's with the ``step`` that failed,
    ``deleting``, if kubectl names one)."""
    if manifests is None:
        return find_targets(cluster, invocation.args, namespace_of(invocation), selector,
                            select_all, errors)
    targets = []
    for manifest in manifests:
        stored = cluster.store.find(manifest.rt, manifest.namespace, manifest.name)
        if stored is None:
            missing = NotFound(manifest.rt.qualified_name, manifest.name)
            errors.append(str(WriteRefused(missing, step, manifest.source)) if step
                          else format_api_error(missing))
        else:
            targets.append(Target(manifest.rt, stored))
    return targets
