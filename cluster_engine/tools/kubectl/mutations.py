"""What kubectl's write commands share: their place in the tree, and the API server's side.

kubectl's write commands build an object (or change a fetched one) and send it; the API server
defaults it and stores it. The simulation has no REST layer between the two, so ``create`` and
``update`` here play the API server's part (through ``cluster_engine.admission``), and
the rest of the module holds the client-side habits every write command has: ``--dry-run``,
``-o name|yaml|json`` instead of the ``<kind>/<name> <verb>`` line, the klog line cobra prints
for a missing required flag, and ``TYPE NAME...`` / ``TYPE/NAME...`` arguments.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ...admission import admit_create, admit_update
from ...errors import NotFound
from ...printers.serialize import go_json, go_yaml
from ...resources import ResourceType
from .app import ROOT, KubectlError, format_api_error, write_help
from .cobra import Command, Flag, Invocation, flags_from_help
from .connection import klog_header, next_pid
from .get import parse_requests
from .help import help_page
from .selectors import SelectorError, matches_labels, parse_label_selector

#: Flags that pflag keeps as StringArray (commas are part of a value), while their help pages
#: read like StringSlice ones.
_STRING_ARRAY_FLAGS = frozenset({"from-literal", "env"})

#: The annotation ``rollout history`` shows as CHANGE-CAUSE; ``annotate`` may always change it.
CHANGE_CAUSE = "kubernetes.io/change-cause"

#: What the API machinery accepts as an environment variable name (``set env``, env files).
ENV_NAME = re.compile(r"[-._a-zA-Z][-._a-zA-Z0-9]*\Z")
ENV_NAME_RULE = (
    "a valid environment variable name must consist of alphabetic characters, digits, '_', '-', "
    "or '.', and must not start with a digit (e.g. 'my.env-name',  or 'MY_ENV.NAME',  or "
    "'MyEnvName1', regex used for validation is '[-._a-zA-Z][-._a-zA-Z0-9]*')")

NO_RESOURCES_MESSAGE = (
    "You must provide one or more resources by argument or filename.\n"
    "Example resource specifications include:\n"
    "   '-f rsrc.yaml'\n"
    "   '--filename=rsrc.json'\n"
    "   '<resource> <name>'\n"
    "   '<resource>'")


def _flags(page: str) -> list[Flag]:
    flags = flags_from_help(help_page(page))
    for flag in flags:
        if flag.name in _STRING_ARRAY_FLAGS:
            flag.kind = "stringArray"
    return flags


def _subcommands_only(invocation: Invocation) -> int:
    """cobra's run for a command that only groups others (``kubectl set``): help on stderr, or
    the unknown-command error for a word it does not know; status 1 either way."""
    if invocation.args:
        invocation.stderr.write(f'error: unknown command "{invocation.args[0]}"\n'
                                f"See '{invocation.command.path} -h' for help and examples\n")
    else:
        write_help(invocation.command, invocation.ctx, invocation.stderr)
    return 1


def subcommand(path: str, aliases: tuple[str, ...] = (), grouping: bool = False) -> Command:
    """Attach ``kubectl <path>`` to the tree, with its captured help page and flags."""
    *parents, name = path.split()
    parent = ROOT
    for part in parents:
        parent = parent.find_child(part)
    existing = parent.find_child(name)
    if existing is not None:
        if grouping:
            existing.run = _subcommands_only
        return existing
    page = "kubectl-" + "-".join(path.split())
    command = Command(name, flags=_flags(page), help_text=page, aliases=aliases,
                      run=_subcommands_only if grouping else None)
    parent.add(command)
    return command


def not_implemented(invocation: Invocation) -> int:
    invocation.stderr.write(f'error: unknown command "{invocation.command.name}" for '
                            f'"{invocation.command.parent.path}"\n')
    return 1


def required_flag_missing(invocation: Invocation, name: str) -> int:
    """cobra's required-flag check, which kubectl v1.32 reports through klog."""
    header = klog_header("E", invocation.ctx.clock.now(), next_pid(invocation.ctx), "run.go:72")
    invocation.stderr.write(header + f'"command failed" err="required flag(s) \\"{name}\\" '
                            'not set"\n')
    return 1


def usage_error(invocation: Invocation, message: str) -> int:
    invocation.stderr.write(f"error: {message}\nSee '{invocation.command.path} -h' for help "
                            "and examples\n")
    return 1


# -- --dry-run and -o ------------------------------------------------------------------------------
@dataclass(frozen=True)
class Output:
    """How a write command reports what it did: ``-o`` and ``--dry-run``."""

    format: str
    dry_run: str

    @property
    def suffix(self) -> str:
        return {"client": " (dry run)", "server": " (server dry run)"}.get(self.dry_run, "")

    @property
    def writes(self) -> bool:
        """Whether the change reaches the store (a server dry run is checked but not kept)."""
        return self.dry_run == "none"


def output_of(invocation: Invocation) -> Output:
    dry_run = invocation.flags.get("dry-run") or "none"
    if dry_run == "unchanged":
        dry_run = "client"
    if dry_run not in ("none", "client", "server"):
        raise KubectlError(f'Invalid dry-run value ({dry_run}). Must be "none", "server", or '
                           '"client".')
    output = invocation.flags.get("output") or ""
    if output not in ("", "name", "yaml", "json"):
        raise KubectlError(
            f'unable to match a printer suitable for the output format "{output}", allowed '
            "formats are: json,name,go-template,go-template-file,template,templatefile,jsonpath,"
            "jsonpath-as-json,jsonpath-file,yaml")
    return Output(output, dry_run)


#: Fields of the typed objects kubectl's generators build, in their Go struct order, which is the
#: order ``-o json`` prints them in (one ranking serves all, as no two structs disagree).
_STRUCT_ORDER = {name: rank for rank, name in enumerate((
    "kind", "apiVersion", "metadata", "name", "generateName", "namespace", "uid",
    "resourceVersion", "generation", "creationTimestamp", "deletionTimestamp",
    "deletionGracePeriodSeconds", "labels", "annotations", "ownerReferences", "finalizers",
    "image", "replicas", "command", "args", "workingDir", "ports", "hostPort", "containerPort",
    "protocol", "appProtocol", "port", "targetPort", "nodePort", "selector", "template",
    "volumes", "initContainers", "containers", "restartPolicy", "dnsPolicy", "envFrom", "env",
    "value", "resources",
    "immutable", "data", "stringData", "binaryData", "clusterIP", "clusterIPs", "type",
    "externalIPs", "strategy", "minReadySeconds", "revisionHistoryLimit", "paused",
    "progressDeadlineSeconds", "spec", "status", "loadBalancer"))}
_MAP_FIELDS = frozenset({"labels", "annotations", "matchLabels", "selector", "data", "stringData",
                         "binaryData", "nodeSelector"})


def _is_label_selector(value) -> bool:
    return isinstance(value, dict) and ("matchLabels" in value or "matchExpressions" in value)


def in_struct_order(value, is_map: bool = False):
    """A generated object with its keys as Go's JSON encoder writes the typed struct (map keys
    sorted, struct fields in declaration order)."""
    if isinstance(value, list):
        return [in_struct_order(item) for item in value]
    if not isinstance(value, dict):
        return value
    keys = sorted(value) if is_map else sorted(
        value, key=lambda key: (_STRUCT_ORDER.get(key, len(_STRUCT_ORDER)), key))
    return {key: in_struct_order(value[key], key in _MAP_FIELDS
                                 and not _is_label_selector(value[key]))
            for key in keys}


def report(stdout, rt: ResourceType, obj: dict, verb: str, output: Output,
           typed: bool = False) -> None:
    """``deployment.apps/x created``, or the object itself under ``-o``; ``typed`` objects (those
    kubectl decodes into Go structs) print their JSON fields in struct order."""
    if output.format == "yaml":
        stdout.write(go_yaml(obj))
    elif output.format == "json":
        stdout.write(go_json(in_struct_order(obj) if typed else obj, indent=4,
                             sort_keys=not typed) + "\n")
    elif output.format == "name":
        stdout.write(f"{rt.kind_prefix}/{obj['metadata']['name']}\n")
    else:
        stdout.write(f"{rt.kind_prefix}/{obj['metadata']['name']} {verb}{output.suffix}\n")


# -- the API server's side -----------------------------------------------------------------------
def create(cluster, rt: ResourceType, obj: dict, output: Output) -> dict:
    """POST: the object as the API server would store it (stored only outside a dry run)."""
    obj = dict(obj)
    obj["metadata"] = {key: value for key, value in obj["metadata"].items()
                       if value is not None}
    if rt.namespaced:
        obj["metadata"].setdefault("namespace", "default")
    obj = admit_create(cluster, rt, obj)
    if not output.writes:
        return obj
    created = cluster.store.create(rt, obj)
    cluster.reconcile()
    return created


def update(cluster, rt: ResourceType, obj: dict, output: Output) -> dict:
    """PUT of a changed copy of a stored object."""
    meta = obj["metadata"]
    old = cluster.store.get(rt, meta.get("namespace") if rt.namespaced else None, meta["name"])
    obj = admit_update(cluster, rt, old, obj)
    if not output.writes:
        return obj
    updated = cluster.store.update(rt, obj)
    cluster.reconcile()
    return updated


# -- which objects -------------------------------------------------------------------------------
@dataclass
class Target:
    rt: ResourceType
    obj: dict


def check_target_args(args: list[str], selector: str = "", select_all: bool = False) -> list:
    """The requests ``args`` make, refused as kubectl's resource builder refuses them before it
    contacts the server."""
    if not args:
        raise KubectlError(NO_RESOURCES_MESSAGE)
    if selector and select_all:
        raise KubectlError("cannot set --all and --selector at the same time")
    requests, _single = parse_requests(args)
    named = any(request.names for request in requests)
    if named and (selector or select_all):
        raise KubectlError("name cannot be provided when a selector is specified")
    if not named and not selector and not select_all:
        raise KubectlError("resource(s) were provided, but no name was specified")
    return requests


def find_targets(cluster, args: list[str], namespace: str,
                 selector: str = "", select_all: bool = False,
                 errors: list[str] | None = None) -> list[Target]:
    """The objects ``TYPE NAME...``, ``TYPE/NAME...``, ``TYPE -l sel`` or ``TYPE --all`` name.

    Names that do not exist go to ``errors`` as kubectl prints them (the others still count);
    without an ``errors`` list the first one is raised.
    """
    requests = check_target_args(args, selector, select_all)
    try:
        requirements = parse_label_selector(selector)
    except SelectorError as error:
        raise KubectlError(str(error)) from None
    targets = []
    for request in requests:
        rt = request.resource_type
        scope = namespace if rt.namespaced else None
        if request.names:
            for name in request.names:
                obj = cluster.store.find(rt, scope, name)
                if obj is None:
                    error = NotFound(rt.qualified_name, name)
                    if errors is None:
                        raise error
                    errors.append(format_api_error(error))
                    continue
                targets.append(Target(rt, obj))
        else:
            targets.extend(Target(rt, obj) for obj in cluster.store.list(rt, scope)
                           if matches_labels(requirements, obj))
    return targets
