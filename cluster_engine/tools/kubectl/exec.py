"""``kubectl exec``: run a command in a container, or open a shell there.

kubectl finds the pod (``POD``, ``pod/NAME``, or the most active pod of ``deploy/NAME``,
``svc/NAME`` ...), picks the container (``-c``, the ``kubectl.kubernetes.io/default-container``
annotation, or the first one, saying so when there are several), and streams the command
through the API server and the kubelet to the container runtime. What runs there is
``container_shell.start``; here are kubectl's part and the errors each hop adds, in their words:
the API server's ``NotFound``/``BadRequest``, the kubelet's ``unable to upgrade connection:
container not found`` for a container that is not running, and for a command that exits with a
non-zero status, ``command terminated with exit code N`` and kubectl's own exit with N.
"""

from __future__ import annotations

import re

import yaml

from ... import container_shell
from ...clock import parse_rfc3339
from ...errors import ApiError, NotFound
from ...resources import resolve
from ...shell.filesystem import FileSystemError
from ...shell.filesystem import resolve as resolve_path
from .app import KubectlError, connect, implement, namespace_of
from .cobra import Invocation

PODS = resolve("pods")
DEFAULT_CONTAINER_ANNOTATION = "kubectl.kubernetes.io/default-container"
DEPRECATED_FORM = ("kubectl exec [POD] [COMMAND] is DEPRECATED and will be removed in a future "
                   "version. Use kubectl exec [POD] -- [COMMAND] instead.\n")
POLL_SECONDS = 1.0
_DURATION_PART = re.compile(r"([0-9.]+)(ns|us|µs|μs|ms|s|m|h)")


class BadRequest(ApiError):
    code = 400
    reason = "BadRequest"


_SELECTING_KINDS = ("ReplicationController", "ReplicaSet", "StatefulSet", "DaemonSet",
                   "Deployment", "Job", "Service")


def _selects(obj: dict, kind: str, labels: dict) -> bool:
    """Whether ``obj``'s pod selector (a map, or a LabelSelector) matches ``labels``."""
    selector = obj["spec"].get("selector") or {}
    if kind in ("Service", "ReplicationController"):
        return all(labels.get(key) == value for key, value in selector.items())
    match_labels = selector.get("matchLabels") or {}
    if not all(labels.get(key) == value for key, value in match_labels.items()):
        return False
    for requirement in selector.get("matchExpressions") or []:
        key, operator = requirement.get("key"), requirement.get("operator")
        values = requirement.get("values") or []
        if operator == "In" and labels.get(key) not in values or \
                operator == "NotIn" and key in labels and labels[key] in values or \
                operator == "Exists" and key not in labels or \
                operator == "DoesNotExist" and key in labels:
            return False
    return True


def _activity(pod: dict) -> tuple:
    """kubectl's ``ActivePods`` order, most active first: on a node, running, ready, ready
    longest, fewest restarts, oldest."""
    status = pod.get("status", {})
    phase_rank = {"Pending": 0, "Unknown": 1, "Running": 2}.get(status.get("phase"), 0)
    ready = next((c for c in status.get("conditions") or [] if c.get("type") == "Ready"), {})
    is_ready = ready.get("status") == "True"
    ready_since = parse_rfc3339(ready["lastTransitionTime"]) if is_ready and \
        ready.get("lastTransitionTime") else 0.0
    restarts = max((s.get("restartCount", 0) for s in status.get("containerStatuses") or []),
                   default=0)
    created = parse_rfc3339(pod["metadata"]["creationTimestamp"])
    return (not pod["spec"].get("nodeName"), -phase_rank, not is_ready, ready_since, restarts,
            created)


def pod_of(cluster, namespace: str, target: str) -> dict | None:
    """The pod ``target`` names; None while a controller it names has no pods yet."""
    type_name, slash, name = target.partition("/")
    if not slash:
        type_name, name = "pods", target
    resource_type = resolve(type_name)
    if resource_type is None:
        raise KubectlError(f'the server doesn\'t have a resource type "{type_name}"')
    if not name:
        raise KubectlError("arguments in resource/name form must have a single resource and name")
    obj = cluster.store.find(resource_type, namespace, name)
    if obj is None:
        raise NotFound(resource_type.qualified_name, name)
    if resource_type.kind == "Pod":
        return obj
    kind = resource_type.kind
    if kind not in _SELECTING_KINDS:
        raise KubectlError(f"cannot attach to *v1.{kind}: selector for *v1.{kind} not implemented")
    if kind == "Service" and not obj["spec"].get("selector"):
        raise KubectlError(f"cannot attach to *v1.Service: invalid service '{name}': Service is "
                           "defined without a selector")
    pods = [pod for pod in cluster.store.iter_stored(PODS, namespace)
            if _selects(obj, kind, pod["metadata"].get("labels") or {})]
    return min(pods, key=_activity) if pods else None


def _container_name(pod: dict, requested: str, quiet: bool, stderr) -> str:
    if requested:
        return requested
    spec = pod["spec"]
    annotated = (pod["metadata"].get("annotations") or {}).get(DEFAULT_CONTAINER_ANNOTATION)
    if annotated and any(c["name"] == annotated for c in spec.get("containers", [])):
        return annotated
    first = spec["containers"][0]["name"]
    if not quiet and (len(spec["containers"]) > 1 or spec.get("initContainers")
                      or spec.get("ephemeralContainers")):
        names = ([c["name"] for c in spec["containers"]]
                 + [f"{c['name']} (ephem)" for c in spec.get("ephemeralContainers") or []]
                 + [f"{c['name']} (init)" for c in spec.get("initContainers") or []])
        stderr.write(f'Defaulted container "{first}" out of: {", ".join(names)}\n')
    return first


def _check_phase(pod: dict) -> None:
    phase = pod.get("status", {}).get("phase")
    if phase in ("Succeeded", "Failed"):
        raise KubectlError("cannot exec into a container in a completed pod; current phase is "
                           f"{phase}")


def _check_container(pod: dict, container: str) -> None:
    """What the API server and the kubelet refuse before the runtime is asked."""
    name = pod["metadata"]["name"]
    spec = pod["spec"]
    every = spec.get("containers", []) + spec.get("initContainers", []) + \
        spec.get("ephemeralContainers", [])
    if not any(c["name"] == container for c in every):
        raise BadRequest(f"container {container} is not valid for pod {name}")
    if not spec.get("nodeName"):
        raise BadRequest(f"pod {name} does not have a host assigned")
    statuses = pod.get("status", {}).get("containerStatuses", []) + \
        pod.get("status", {}).get("initContainerStatuses", [])
    state = next((s.get("state", {}) for s in statuses if s.get("name") == container), {})
    if "running" not in state:
        raise KubectlError(f'unable to upgrade connection: container not found ("{container}")')


def _target_in_file(ctx, path: str) -> str:
    """``TYPE/NAME`` of the object a manifest (``-f``) describes."""
    try:
        document = yaml.safe_load(ctx.fs.read(resolve_path(ctx.cwd, path)))
    except FileSystemError:
        raise KubectlError(f'the path "{path}" does not exist') from None
    except yaml.YAMLError as error:
        raise KubectlError(f'error parsing {path}: {error}') from None
    if not isinstance(document, dict) or not document.get("kind") or \
            not (document.get("metadata") or {}).get("name"):
        raise KubectlError(f'error validating "{path}": error validating data: invalid object')
    return f"{document['kind'].lower()}/{document['metadata']['name']}"


def _go_duration_seconds(text: str) -> float:
    """A duration flag's value (cobra has checked its syntax): ``1m0s``, ``90s``, ``2m``."""
    units = {"ns": 1e-9, "us": 1e-6, "µs": 1e-6, "μs": 1e-6, "ms": 1e-3, "s": 1, "m": 60,
             "h": 3600}
    sign = -1 if text.startswith("-") else 1
    return sign * sum(float(number) * units[unit]
                      for number, unit in _DURATION_PART.findall(text))


@implement("exec")
def run_exec(invocation: Invocation) -> int:
    flags, args = invocation.flags, invocation.args
    stdout, stderr, ctx = invocation.stdout, invocation.stderr, invocation.ctx
    quiet = bool(flags.get("quiet"))
    at_dash = invocation.args_before_dash
    filenames = flags.get("filename") or []
    target = args[0] if args and at_dash != 0 else ""
    if at_dash < len(args):
        command = args[at_dash:]
    elif len(args) > 1 or (args and filenames):
        if not quiet:
            stderr.write(DEPRECATED_FORM)
        command = args if filenames else args[1:]
        target = "" if filenames else target
    else:
        command = []
    if not target and not filenames:
        raise KubectlError("pod, type/name or --filename must be specified")
    if not command:
        raise KubectlError("you must specify at least one command for the container")
    if filenames and not target:
        target = _target_in_file(ctx, filenames[0])
    wait_left = _go_duration_seconds(flags.get("pod-running-timeout") or "1m0s")
    if wait_left <= 0:
        stderr.write("error: --pod-running-timeout must be higher than zero\n"
                     "See 'kubectl exec -h' for help and examples\n")
        return 1
    while True:
        with ctx.sandbox.transaction() as cluster:
            connect(invocation, cluster)
            pod = pod_of(cluster, namespace_of(invocation), target)
            if pod is not None:
                _check_phase(pod)
                container = _container_name(pod, flags.get("container") or "", quiet, stderr)
                _check_container(pod, container)
                tty = bool(flags.get("tty")) and bool(flags.get("stdin"))
                inner = container_shell.container_context(ctx, cluster, pod, container, tty)
                break
        if wait_left <= 0:
            raise KubectlError("timed out waiting for the condition")
        ctx.sleep(POLL_SECONDS)
        wait_left -= POLL_SECONDS
    stdin = invocation.stdin if flags.get("stdin") else None
    status = container_shell.start(command, inner, stdin, stdout, stderr)
    if status:
        stdout.flush()
        stderr.write(f"command terminated with exit code {status}\n")
    return status
