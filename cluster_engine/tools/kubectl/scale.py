"""``kubectl scale``: set ``spec.replicas`` of Deployments and ReplicaSets.

kubectl checks ``--current-replicas`` against what it read, then writes the new size; the
controllers do the rest. ``--timeout`` (waiting for the new size) is accepted, and since the
write itself is what kubectl reports, nothing more is printed.
"""

from __future__ import annotations

from ...errors import ApiError
from .app import KubectlError, connect, implement, namespace_of
from .cobra import Invocation
from .mutations import (check_target_args, find_targets, output_of, report,
                        required_flag_missing, update)

_SCALABLE = ("Deployment", "ReplicaSet")


class NoScaleSubresource(ApiError):
    """What the API server answers for the scale subresource of a kind that has none."""

    code = 404
    reason = "NotFound"

    def __init__(self):
        super().__init__("the server could not find the requested resource")


@implement("scale")
def run_scale(invocation: Invocation) -> int:
    flags = invocation.flags
    if not flags.was_set("replicas"):
        return required_flag_missing(invocation, "replicas")
    replicas = flags.get("replicas")
    if replicas < 0:
        raise KubectlError("The --replicas=COUNT flag is required, and COUNT must be greater "
                           "than or equal to 0")
    output = output_of(invocation)
    current = flags.get("current-replicas")
    errors: list[str] = []
    scaled = []
    check_target_args(invocation.args, flags.get("selector") or "", bool(flags.get("all")))
    with invocation.ctx.sandbox.transaction() as cluster:
        connect(invocation, cluster)
        targets = find_targets(cluster, invocation.args, namespace_of(invocation),
                               flags.get("selector") or "", bool(flags.get("all")), errors)
        for target in targets:
            if target.rt.kind not in _SCALABLE:
                raise NoScaleSubresource()
            actual = target.obj["spec"].get("replicas", 1)
            if current >= 0 and actual != current:
                raise KubectlError(f"Expected replicas to be {current}, was {actual}")
            target.obj["spec"]["replicas"] = replicas
            if output.dry_run != "client":
                update(cluster, target.rt, target.obj, output)
            scaled.append(target)
    for target in scaled:
        report(invocation.stdout, target.rt, target.obj, "scaled", output)
    invocation.stdout.flush()
    for error in errors:
        invocation.stderr.write(error + "\n")
    return 1 if errors else 0
