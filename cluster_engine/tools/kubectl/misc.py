"""The rest of kubectl's everyday commands, each answering as v1.32 does on a minikube cluster.

- ``events``: kubectl's own event printer (not the server's table): ``LAST SEEN`` with
  ``(xN over AGE)`` for repeated events, ``OBJECT`` as ``Kind/name`` (kind not lowercased),
  sorted oldest first; ``--types``, ``--for``, ``-A``, ``-o``.
- ``cluster-info dump``: the node list, then for ``kube-system`` and the current namespace (or
  ``--namespaces``/``-A``) the event, replication controller, service, daemon set, deployment,
  replica set and pod lists as JSON, and every container's log between START/END markers.
- ``auth can-i`` / ``auth whoami``: minikube's user is in ``system:masters``, so the answer is
  always ``yes``; whoami shows that user.
- ``certificate approve|deny``, ``attach``, ``cp``, ``debug``, ``diff``, ``kustomize``,
  ``completion``, ``plugin list``: their argument checks in kubectl's words, and what each does
  on this cluster (no CertificateSigningRequest type is served here; ``attach`` follows a
  running container until Ctrl-C; there are no plugins on the learner's PATH).
"""

from __future__ import annotations

from ...controllers.kubelet import container_logs
from ...api.wire import in_go_order
from ...errors import NotFound
from ...printers.cluster_tables import event_first_seen, event_instant, event_last_seen
from ...printers.duration import age
from ...printers.serialize import go_json
from ...printers.tabwriter import kubectl_table_writer
from ...resources import resolve
from ...shell.filesystem import FileSystemError, resolve as resolve_path
from .app import KubectlError, Unreachable, connect, implement, namespace_of
from .api_resources import API_RESOURCES
from .cobra import Invocation
from .connection import klog_header, next_pid, write_discovery_errors
from .exec import pod_of
from .get import _print_document, choose_printer, resolve_type
from ...printers.gosort import go_sort
from .help import help_page
from .mutations import subcommand, usage_error

EVENTS = resolve("events")
PODS = resolve("pods")
NODES = resolve("nodes")
NAMESPACES = resolve("namespaces")
EVENT_TYPES = ("Normal", "Warning")
#: How often ``events -w`` and ``attach`` look at the cluster again.
POLL_SECONDS = 1.0

subcommand("auth", grouping=True)
subcommand("auth can-i")
subcommand("auth whoami")
subcommand("auth reconcile")
subcommand("certificate", grouping=True)
subcommand("certificate approve")
subcommand("certificate deny")
subcommand("plugin", grouping=True)
subcommand("plugin list")


# -- events ----------------------------------------------------------------------------------------
def _event_interval(event: dict, now: float) -> str:
    first = age(event_first_seen(event), now)
    series = event.get("series") or {}
    if series:
        return f"{age(event_last_seen(event), now)} (x{series.get('count', 0)} over {first})"
    if (event.get("count") or 0) > 1:
        return f"{age(event_last_seen(event), now)} (x{event['count']} over {first})"
    return first


def _event_time(event: dict) -> float:
    """The time ``kubectl events`` sorts by: the series' last observation, ``lastTimestamp``,
    else ``eventTime`` (never ``firstTimestamp``)."""
    series = event.get("series") or {}
    stamp = series.get("lastObservedTime") or event.get("lastTimestamp") or event.get("eventTime")
    return event_instant(stamp) or 0.0


def _event_filter(invocation: Invocation, cluster, namespace: str):
    """The ``--for`` object's identity (kind, name), checked to exist, or None."""
    target = invocation.flags.get("for") or ""
    if not target:
        return None
    type_name, slash, name = target.partition("/")
    if not slash or not name:
        raise KubectlError("--for must be in resource/name form")
    resource_type = resolve_type(type_name)[0]
    return resource_type.kind, name


@implement("events")
def run_events(invocation: Invocation) -> int:
    flags, stdout, stderr = invocation.flags, invocation.stdout, invocation.stderr
    types = flags.get("types") or []
    for kind in types:
        if kind.lower() not in ("normal", "warning"):
            raise KubectlError("valid --types are Normal or Warning")
    wanted_types = {kind.lower() for kind in types}
    printer = choose_printer(invocation) if flags.get("output") else None
    if printer is not None and printer.format in ("wide",):
        raise KubectlError(
            f'unable to match a printer suitable for the output format "{flags.get("output")}", '
            "allowed formats are: go-template,go-template-file,json,jsonpath,jsonpath-as-json,"
            "jsonpath-file,name,template,templatefile,yaml")
    all_namespaces = bool(flags.get("all-namespaces"))
    namespace = namespace_of(invocation)
    with invocation.ctx.sandbox.transaction() as cluster:
        connect(invocation, cluster, discovery_attempts=0)
        involved = _event_filter(invocation, cluster, namespace)
        now = cluster.now
        events = [event for event in cluster.store.list(EVENTS,
                                                        None if all_namespaces else namespace)
                  if (not wanted_types or (event.get("type") or "").lower() in wanted_types)
                  and (involved is None or ((event.get("involvedObject") or {}).get("kind"),
                                            (event.get("involvedObject") or {}).get("name"))
                       == involved)]
    events = go_sort(events, lambda first, second: _event_time(first) < _event_time(second))
    if printer is not None and printer.format == "name":
        stdout.write("".join(f"event/{event['metadata']['name']}\n" for event in events))
        return 0
    if printer is not None:
        _print_document(stdout, printer, {"apiVersion": "v1", "items": events, "kind": "List",
                                          "metadata": {"resourceVersion": ""}})
        return 0
    if not events:
        stderr.write("No events found.\n" if all_namespaces
                     else f"No events found in {namespace} namespace.\n")
        return 0
    writer = kubectl_table_writer(stdout)
    if not flags.get("no-headers"):
        writer.write(("NAMESPACE\t" if all_namespaces else "")
                     + "LAST SEEN\tTYPE\tREASON\tOBJECT\tMESSAGE\n")
    for event in events:
        involved_object = event.get("involvedObject") or {}
        writer.write((f"{event['metadata'].get('namespace', '')}\t" if all_namespaces else "")
                     + f"{_event_interval(event, now)}\t{event.get('type', '')}\t"
                       f"{event.get('reason', '')}\t{involved_object.get('kind', '')}/"
                       f"{involved_object.get('name', '')}\t"
                       f"{(event.get('message') or '').strip()}\n")
    writer.flush()
    return 0


# -- cluster-info dump -----------------------------------------------------------------------------
#: What the dump lists per namespace, in its order, with the file each goes to under
#: ``--output-directory``.
DUMPED_TYPES = (("events", "Event", "events.json"),
                ("replicationcontrollers", "ReplicationController",
                 "replication-controllers.json"),
                ("services", "Service", "services.json"),
                ("daemonsets", "DaemonSet", "daemonsets.json"),
                ("deployments", "Deployment", "deployments.json"),
                ("replicasets", "ReplicaSet", "replicasets.json"),
                ("pods", "Pod", "pods.json"))


def _typed_list(kind: str, items: list[dict], resource_version: str) -> str:
    """A typed list as kubectl's JSON printer writes it: items carry no kind or apiVersion."""
    ordered = []
    for item in items:
        item = in_go_order(item)
        item.pop("kind", None)
        item.pop("apiVersion", None)
        ordered.append(item)
    return go_json({"kind": f"{kind}List", "apiVersion": "v1",
                    "metadata": {"resourceVersion": resource_version}, "items": ordered}) + "\n"


def _pod_logs(cluster, pod: dict) -> str:
    text = []
    for container in pod["spec"].get("containers", []):
        where = f"container {container['name']} of pod {pod['metadata']['namespace']}/" \
                f"{pod['metadata']['name']}"
        text.append(f"==== START logs for {where} ====\n")
        text.extend(line + "\n" for _at, line in container_logs(cluster, pod, container["name"]))
        text.append(f"==== END logs for {where} ====\n")
    return "".join(text)


def cluster_dump(cluster, namespaces: list[str]) -> list[tuple[str, str]]:
    """The dump as (file name under ``--output-directory``, text) pairs, in printing order."""
    version = str(cluster.state.counters.get("resourceVersion", 0))
    parts = [("nodes.json", _typed_list("Node", cluster.store.list(NODES), version))]
    for namespace in namespaces:
        for plural, kind, file_name in DUMPED_TYPES:
            rt = resolve(plural)
            items = cluster.store.list(rt, namespace) if rt is not None else []
            parts.append((f"{namespace}/{file_name}", _typed_list(kind, items, version)))
        for pod in cluster.store.list(PODS, namespace):
            parts.append((f"{namespace}/{pod['metadata']['name']}/logs.txt",
                          _pod_logs(cluster, pod)))
    return parts


def _make_directories(fs, path: str) -> None:
    """``os.MkdirAll``."""
    parts = [part for part in path.split("/") if part]
    for depth in range(1, len(parts) + 1):
        folder = "/" + "/".join(parts[:depth])
        if fs.info(folder) is None:
            fs.mkdir(folder)


@implement("cluster-info dump")
def run_cluster_info_dump(invocation: Invocation) -> int:
    flags, stdout, ctx = invocation.flags, invocation.stdout, invocation.ctx
    output = flags.get("output") or "json"
    if output != "json":
        raise KubectlError(f'unable to match a printer suitable for the output format '
                           f'"{output}", allowed formats are: json')
    directory = flags.get("output-directory") or ""
    with ctx.sandbox.transaction() as cluster:
        connect(invocation, cluster, discovery_attempts=0)
        if flags.get("all-namespaces"):
            namespaces = [ns["metadata"]["name"] for ns in cluster.store.list(NAMESPACES)]
        else:
            namespaces = flags.get("namespaces") or ["kube-system", namespace_of(invocation)]
        parts = cluster_dump(cluster, namespaces)
    if not directory:
        for _file_name, text in parts:
            stdout.write(text)
        return 0
    root = resolve_path(ctx.cwd, directory)
    try:
        for file_name, text in parts:
            path = f"{root}/{file_name}"
            _make_directories(ctx.fs, path.rsplit("/", 1)[0])
            ctx.fs.write(path, text)
    except FileSystemError as error:
        raise KubectlError(f"open {root}: {error.strerror[:1].lower()}{error.strerror[1:]}") \
            from None
    stdout.write(f"Cluster info dumped to {directory}\n")
    return 0


# -- auth ------------------------------------------------------------------------------------------
MINIKUBE_USER = "minikube-user"
MINIKUBE_GROUPS = ("system:masters", "system:authenticated")


@implement("auth can-i")
def run_auth_can_i(invocation: Invocation) -> int:
    args, flags = invocation.args, invocation.flags
    if flags.get("list"):
        if args:
            raise KubectlError("list option must be specified with no arguments")
    elif len(args) < 2:
        invocation.stderr.write("error: you must specify two arguments: verb resource or verb "
                                "resource/resourceName.\nSee 'kubectl auth can-i -h' for help "
                                "and examples.\n")
        return 1
    with invocation.ctx.sandbox.transaction() as cluster:
        _connect_for_can_i(invocation, cluster)
    if flags.get("list"):
        _write_admin_rules(invocation)
        return 0
    resource = args[1].partition("/")[0]
    if not resource.startswith("/") and resource != "*":
        kind = resource.partition(".")[0]
        known = resolve(kind) is not None or any(
            kind in (entry.name, *entry.short_names) or kind == entry.kind.lower()
            for entry in API_RESOURCES)
        if not known:
            invocation.stderr.write(f"Warning: the server doesn't have a resource type "
                                    f"'{resource}'\n\n")
    if not flags.get("quiet"):
        invocation.stdout.write("yes\n")
    return 0


def _connect_for_can_i(invocation: Invocation, cluster) -> None:
    """can-i resolves the resource before it asks, so without a server it also warns."""
    try:
        connect(invocation, cluster, discovery_attempts=2)
    except Unreachable as unreachable:
        write_discovery_errors(invocation.ctx, invocation.stderr, unreachable.endpoint, 2)
        if not invocation.flags.get("list"):
            resource = invocation.args[1].partition("/")[0]
            invocation.stderr.write(f"Warning: the server doesn't have a resource type "
                                    f"'{resource}'\n\n")
        unreachable.discovery_attempts = 0
        raise


def _write_admin_rules(invocation: Invocation) -> None:
    writer = kubectl_table_writer(invocation.stdout)
    rows = [("*.*", "[]", "[]", "[*]"), ("", "[*]", "[]", "[*]"),
            ("selfsubjectreviews.authentication.k8s.io", "[]", "[]", "[create]"),
            ("selfsubjectaccessreviews.authorization.k8s.io", "[]", "[]", "[create]"),
            ("selfsubjectrulesreviews.authorization.k8s.io", "[]", "[]", "[create]")]
    if not invocation.flags.get("no-headers"):
        writer.write("Resources\tNon-Resource URLs\tResource Names\tVerbs\n")
    for row in rows:
        writer.write("\t".join(row) + "\n")
    writer.flush()


@implement("auth whoami")
def run_auth_whoami(invocation: Invocation) -> int:
    with invocation.ctx.sandbox.transaction() as cluster:
        connect(invocation, cluster, discovery_attempts=0)
    writer = kubectl_table_writer(invocation.stdout)
    writer.write("ATTRIBUTE\tVALUE\n"
                 f"Username\t{MINIKUBE_USER}\n"
                 f"Groups\t[{' '.join(MINIKUBE_GROUPS)}]\n")
    writer.flush()
    return 0


# -- certificate -----------------------------------------------------------------------------------
def _certificate(invocation: Invocation) -> int:
    if not invocation.args and not invocation.flags.get("filename"):
        raise KubectlError("one or more CSRs must be specified as <name> or -f <filename>")
    with invocation.ctx.sandbox.transaction() as cluster:
        connect(invocation, cluster, discovery_attempts=4)
    raise KubectlError('the server doesn\'t have a resource type "certificatesigningrequests"')


implement("certificate approve")(_certificate)
implement("certificate deny")(_certificate)


# -- attach ----------------------------------------------------------------------------------------
@implement("attach")
def run_attach(invocation: Invocation) -> int:
    if not invocation.args:
        raise KubectlError("at least 1 argument is required for attach")
    if len(invocation.args) > 1:
        raise KubectlError("expected POD, TYPE/NAME, or TYPE NAME, (at most 2 arguments) saw "
                           f"{len(invocation.args)}: {invocation.args}")
    namespace = namespace_of(invocation)
    with invocation.ctx.sandbox.transaction() as cluster:
        connect(invocation, cluster, discovery_attempts=4)
        pod = pod_of(cluster, namespace, invocation.args[0])
        if pod is None:
            raise KubectlError("timed out waiting for the condition")
        phase = pod.get("status", {}).get("phase", "")
        if phase in ("Succeeded", "Failed"):
            raise KubectlError(f"cannot attach a container in a completed pod; current phase "
                               f"is {phase}")
        containers = [container["name"] for container in pod["spec"].get("containers", [])]
        container = invocation.flags.get("container") or containers[0]
        if container not in containers:
            raise KubectlError(f"container {container} not found in pod {pod['metadata']['name']}")
        if not invocation.flags.get("container") and len(containers) > 1 \
                and not invocation.flags.get("quiet"):
            invocation.stderr.write(f'Defaulted container "{container}" out of: '
                                    f'{", ".join(containers)}\n')
        uid, name = pod["metadata"]["uid"], pod["metadata"]["name"]
        seen = len(container_logs(cluster, pod, container))
    if invocation.flags.get("stdin") and invocation.flags.get("tty") \
            and not invocation.flags.get("quiet"):
        invocation.stderr.write("If you don't see a command prompt, try pressing enter.\n")
    while True:
        invocation.ctx.sleep(POLL_SECONDS)
        with invocation.ctx.sandbox.transaction() as cluster:
            pod = cluster.store.find(PODS, namespace, name)
            if pod is None or pod["metadata"]["uid"] != uid:
                return 0
            lines = container_logs(cluster, pod, container)
        invocation.stdout.write("".join(line + "\n" for _at, line in lines[seen:]))
        invocation.stdout.flush()
        seen = len(lines)


# -- cp, debug, diff, kustomize --------------------------------------------------------------------
@implement("cp")
def run_cp(invocation: Invocation) -> int:
    args = invocation.args
    if len(args) < 2:
        return usage_error(invocation, "source and destination are required")
    if len(args) > 2:
        return usage_error(invocation, "source and destination are required")
    remote = [arg for arg in args if ":" in arg and not arg.startswith("/")]
    if not remote:
        return usage_error(invocation, "one of src or dest must be a remote file specification")
    namespace = namespace_of(invocation)
    pod_part = remote[0].partition(":")[0]
    pod_namespace, slash, pod_name = pod_part.partition("/")
    if not slash:
        pod_namespace, pod_name = namespace, pod_part
    with invocation.ctx.sandbox.transaction() as cluster:
        connect(invocation, cluster, discovery_attempts=0)
        if cluster.store.find(PODS, pod_namespace, pod_name) is None:
            raise NotFound(PODS.qualified_name, pod_name)
    raise KubectlError("copying files to and from containers is not available in this sandbox; "
                       "use kubectl exec to read or write files in a container")


@implement("debug")
def run_debug(invocation: Invocation) -> int:
    flags = invocation.flags
    if not flags.get("image") and not flags.get("copy-to"):
        raise KubectlError("you must specify --image when not using --copy-to.")
    if not invocation.args:
        raise KubectlError("either -f or a resource/pod name must be specified")
    if not flags.was_set("profile"):
        invocation.stderr.write('--profile=legacy is deprecated and will be removed in the '
                                'future. It is recommended to explicitly specify a profile, for '
                                'example "--profile=general".\n')
    namespace = namespace_of(invocation)
    with invocation.ctx.sandbox.transaction() as cluster:
        connect(invocation, cluster, discovery_attempts=4)
        target = invocation.args[0]
        type_name, slash, name = target.partition("/")
        if not slash:
            type_name, name = "pods", target
        rt = resolve_type(type_name)[0]
        scope = namespace if rt.namespaced else None
        if cluster.store.find(rt, scope, name) is None:
            raise NotFound(rt.qualified_name, name)
    raise KubectlError("ephemeral debug containers are not available in this sandbox; use "
                       "kubectl exec to run a command in the pod's container")


@implement("diff")
def run_diff(invocation: Invocation) -> int:
    if not invocation.flags.get("filename") and not invocation.flags.get("kustomize"):
        invocation.stderr.write("error: must specify one of -f and -k\n")
        return 2
    invocation.stderr.write("error: comparing manifests with the live objects is not available "
                            "in this sandbox\n")
    return 2


KUSTOMIZATION_FILES = ("kustomization.yaml", "kustomization.yml", "Kustomization")


@implement("kustomize")
def run_kustomize(invocation: Invocation) -> int:
    ctx = invocation.ctx
    directory = invocation.args[0] if invocation.args else "."
    path = resolve_path(ctx.cwd, directory)
    info = ctx.fs.info(path) if ctx.fs is not None else None
    if info is None or info.kind != "dir":
        message = (f"must build at directory: not a valid directory: evalsymlink failure on "
                   f"'{directory}' : lstat {path}: no such file or directory")
    else:
        message = ("unable to find one of 'kustomization.yaml', 'kustomization.yml' or "
                   f"'Kustomization' in directory '{path}'")
    header = klog_header("E", ctx.clock.now(), next_pid(ctx), "run.go:72")
    invocation.stderr.write(header + f'"command failed" err="{message}"\n')
    return 1


# -- completion, plugin list -----------------------------------------------------------------------
COMPLETION_SHELLS = ("bash", "zsh", "fish", "powershell")


@implement("completion")
def run_completion(invocation: Invocation) -> int:
    args = invocation.args
    if not args:
        return usage_error(invocation, "Shell not specified.")
    if len(args) > 1:
        return usage_error(invocation, "Too many arguments. Expected only the shell type.")
    if args[0] not in COMPLETION_SHELLS:
        return usage_error(invocation, f'Unsupported shell type "{args[0]}".')
    invocation.stdout.write(help_page(f"completion-{args[0]}"))
    return 0


@implement("plugin list")
def run_plugin_list(invocation: Invocation) -> int:
    invocation.stderr.write("error: unable to find any kubectl plugins in your PATH\n")
    return 1
