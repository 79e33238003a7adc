"""``kubectl run NAME --image=IMAGE``: start one pod.

The pod is built as kubectl v1.32's generator builds it (label ``run=NAME``, one container named
after the pod, ``dnsPolicy: ClusterFirst``, the restart policy of ``--restart``; words after the
name become the container's ``args``, or its ``command`` with ``--command``) and created through
the API server's admission like any other pod. Attaching to the pod (``-i``, ``-t``,
``--attach``, ``--rm``) needs a terminal stream this simulation does not carry from a starting
pod, so those flags are refused with a pointer to ``kubectl exec``.
"""

from __future__ import annotations

from ...resources import resolve
from .app import KubectlError, connect, implement, namespace_of
from .cobra import Invocation
from .mutations import create, output_of, report, required_flag_missing, usage_error

PODS = resolve("pods")
RESTART_POLICIES = ("Always", "OnFailure", "Never")
PULL_POLICIES = ("Always", "IfNotPresent", "Never")
ATTACH_UNAVAILABLE = (
    "attaching to the pod's container (-i, -t, --attach) is not available in this terminal; "
    "start the pod without them, then run kubectl exec -it {name} -- <command>")


def _pairs(specs: list[str], what: str) -> dict[str, str]:
    pairs = {}
    for spec in specs:
        key, equals, value = spec.partition("=")
        if not equals or not key:
            raise KubectlError(f"unexpected {what} spec: {spec}")
        pairs[key] = value
    return pairs


def _env(specs: list[str]) -> list[dict]:
    env = []
    for spec in specs:
        name, equals, value = spec.partition("=")
        if not equals or not name:
            raise KubectlError(f"invalid env: {spec}")
        env.append({"name": name, "value": value})
    return env


def _container(invocation: Invocation, name: str, words: list[str]) -> dict:
    flags = invocation.flags
    container = {"name": name, "image": flags.get("image")}
    if words:
        container["command" if flags.get("command") else "args"] = list(words)
    port = flags.get("port") or ""
    if port:
        if not port.lstrip("-").isdigit():
            raise KubectlError(f'strconv.Atoi: parsing "{port}": invalid syntax')
        container["ports"] = [{"containerPort": int(port)}]
    env = _env(flags.get("env") or [])
    if env:
        container["env"] = env
    container["resources"] = {}
    if flags.get("image-pull-policy"):
        container["imagePullPolicy"] = flags.get("image-pull-policy")
    return container


def build_pod(invocation: Invocation, name: str, words: list[str]) -> dict:
    """The pod ``kubectl run`` sends, in the field order of kubectl's Go structs."""
    flags = invocation.flags
    labels = _pairs([spec for spec in (flags.get("labels") or "").split(",") if spec], "label") \
        or {"run": name}
    metadata = {"name": name, "creationTimestamp": None, "labels": labels}
    annotations = _pairs(flags.get("annotations") or [], "annotation")
    if annotations:
        metadata["annotations"] = annotations
    if invocation.flags.was_set("namespace"):
        metadata["namespace"] = flags.get("namespace")
    return {"kind": "Pod", "apiVersion": "v1", "metadata": metadata,
            "spec": {"containers": [_container(invocation, name, words)],
                     "restartPolicy": flags.get("restart") or "Always",
                     "dnsPolicy": "ClusterFirst"},
            "status": {}}


def _check_flags(invocation: Invocation) -> str | None:
    """The usage errors kubectl reports before building anything (as ``usage_error`` text)."""
    flags = invocation.flags
    if flags.get("restart") not in RESTART_POLICIES:
        return f"invalid restart policy: {flags.get('restart')}"
    if flags.get("image-pull-policy") and flags.get("image-pull-policy") not in PULL_POLICIES:
        return f"invalid image pull policy: {flags.get('image-pull-policy')}"
    attached = flags.get("stdin") or flags.get("tty") or flags.get("attach")
    if flags.get("rm") and not attached:
        return "--rm should only be used for attached containers"
    if flags.get("expose") and not flags.get("port"):
        return "--port must be set when exposing a service"
    return None


@implement("run")
def run_run(invocation: Invocation) -> int:
    flags = invocation.flags
    if not flags.get("image"):
        return required_flag_missing(invocation, "image")
    if not invocation.args:
        return usage_error(invocation, "NAME is required for run")
    problem = _check_flags(invocation)
    if problem:
        return usage_error(invocation, problem)
    name, words = invocation.args[0], invocation.args[1:]
    if flags.get("stdin") or flags.get("tty") or flags.get("attach"):
        raise KubectlError(ATTACH_UNAVAILABLE.format(name=name))
    if flags.get("expose"):
        raise KubectlError("--expose is not available in this terminal; run the pod, then "
                           f"kubectl expose pod {name} --port={flags.get('port')}")
    output = output_of(invocation)
    pod = build_pod(invocation, name, words)
    if output.dry_run != "client":
        pod["metadata"].setdefault("namespace", namespace_of(invocation))
        with invocation.ctx.sandbox.transaction() as cluster:
            connect(invocation, cluster)
            pod = create(cluster, PODS, pod, output)
    report(invocation.stdout, PODS, pod, "created", output, typed=True)
    return 0
