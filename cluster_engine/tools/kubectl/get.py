"""``kubectl get``: fetch objects by type, name or selector and print them.

The arguments follow kubectl's resource builder: ``TYPE[,TYPE...] [NAME...]`` or
``TYPE/NAME...`` (all of them then in that form), with ``all`` expanding to its category. Tables
come from the server-side generators in ``printers.tables`` and are printed as cli-runtime does;
``-o name``, ``-o json`` and ``-o yaml`` print the objects themselves. When nothing matches,
kubectl says so on stderr and still exits 0; names that do not exist are reported after the
output, and the exit status is 1.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ...errors import NotFound
from ...printers.serialize import go_json, go_yaml
from ...printers.table_printer import TablePrintOptions, print_table
from ...printers.tables import build_table
from ...resources import RESOURCE_TYPES, ResourceType, resolve
from ...store import clone
from .app import KubectlError, Unreachable, connect, format_api_error, implement, namespace_of
from .cobra import Invocation
from .selectors import (SelectorError, matches_labels, parse_field_selector,
                        parse_label_selector)

NO_TYPE_MESSAGE = (
    'You must specify the type of resource to get. Use "kubectl api-resources" for a complete '
    "list of supported resources.\n\n"
    "error: Required resource not specified.\n"
    'Use "kubectl explain <resource>" for a detailed description of that resource '
    "(e.g. kubectl explain pods).\n"
    "See 'kubectl get -h' for help and examples\n")

SLASH_FORM_MESSAGE = (
    "there is no need to specify a resource type as a separate argument when passing arguments "
    "in resource/name form (e.g. 'kubectl get resource/<resource_name>' instead of "
    "'kubectl get resource resource/<resource_name>'")

OUTPUT_FORMATS = ("custom-columns", "custom-columns-file", "go-template", "go-template-file",
                  "json", "jsonpath", "jsonpath-as-json", "jsonpath-file", "name", "template",
                  "templatefile", "wide", "yaml")
IMPLEMENTED_FORMATS = ("", "wide", "name", "json", "yaml")

#: The order ``kubectl get all`` lists its types in (discovery order of the "all" category).
ALL_CATEGORY_ORDER = ("pods", "replicationcontrollers", "services", "daemonsets", "deployments",
                      "replicasets", "statefulsets", "horizontalpodautoscalers", "cronjobs",
                      "jobs")


@dataclass
class Request:
    """One resource type to fetch, with the names asked for (none: list them all)."""

    resource_type: ResourceType
    names: list[str] = field(default_factory=list)


@dataclass
class Result:
    resource_type: ResourceType
    objects: list[dict]


def discovery_attempts(args: list[str]) -> int:
    """How many discovery errors kubectl logs before giving up, which depends on the arguments."""
    if any("/" in arg for arg in args):
        return 4
    return 4 + len([name for name in args[0].split(",") if name])


def resolve_type(name: str) -> list[ResourceType]:
    if name.lower() == "all":
        members = [rt for rt in RESOURCE_TYPES if "all" in rt.categories]
        return sorted(members, key=lambda rt: ALL_CATEGORY_ORDER.index(rt.plural)
                      if rt.plural in ALL_CATEGORY_ORDER else len(ALL_CATEGORY_ORDER))
    resource_type = resolve(name)
    if resource_type is None:
        raise KubectlError(f'the server doesn\'t have a resource type "{name}"')
    return [resource_type]


def parse_requests(args: list[str]) -> tuple[list[Request], bool]:
    """What to fetch, and whether a single object was named (kubectl then prints it bare)."""
    if any("/" in arg for arg in args):
        if not all("/" in arg for arg in args):
            raise KubectlError(SLASH_FORM_MESSAGE)
        requests: list[Request] = []
        for arg in args:
            type_name, _, name = arg.partition("/")
            for resource_type in resolve_type(type_name):
                existing = next((r for r in requests if r.resource_type == resource_type), None)
                if existing is None:
                    requests.append(Request(resource_type, [name]))
                else:
                    existing.names.append(name)
        return requests, len(args) == 1
    types: list[ResourceType] = []
    for type_name in args[0].split(","):
        if type_name:
            for resource_type in resolve_type(type_name):
                if resource_type not in types:
                    types.append(resource_type)
    names = args[1:]
    return [Request(rt, list(names)) for rt in types], len(types) == 1 and len(names) == 1


def fetch(cluster, requests: list[Request], namespace: str, all_namespaces: bool,
          label_selector: str, field_selector: str, ignore_not_found: bool,
          read_only: bool = False) -> tuple[list[Result], list[str]]:
    """The objects asked for; with ``read_only`` the stored ones themselves, uncopied, for
    callers that only print them (copying 3,000 pods cost more than printing them)."""
    labels = parse_label_selector(label_selector)
    results, errors = [], []
    for request in requests:
        rt = request.resource_type
        scope = None if (all_namespaces or not rt.namespaced) else namespace
        fields = parse_field_selector(field_selector, rt, label_selector or "")
        if request.names:
            found = []
            for name in request.names:
                obj = cluster.store.find(rt, scope if rt.namespaced else None, name)
                if obj is None:
                    if not ignore_not_found:
                        errors.append(format_api_error(NotFound(rt.qualified_name, name)))
                    continue
                found.append(obj)
            results.append(Result(rt, found))
        else:
            objects = [obj for obj in cluster.store.iter_stored(rt, scope)
                       if matches_labels(labels, obj)
                       and all(requirement.matches(obj) for requirement in fields)]
            results.append(Result(rt, objects if read_only else [clone(obj) for obj in objects]))
    return results, errors


def _as_list(objects: list[dict]) -> dict:
    return {"apiVersion": "v1", "items": objects, "kind": "List",
            "metadata": {"resourceVersion": ""}}


@implement("get")
def run_get(invocation: Invocation) -> int:
    flags = invocation.flags
    stdout, stderr = invocation.stdout, invocation.stderr
    if not invocation.args:
        stderr.write(NO_TYPE_MESSAGE)
        return 1
    output = flags.get("output") or ""
    all_namespaces = bool(flags.get("all-namespaces"))
    namespace = namespace_of(invocation)
    with invocation.ctx.sandbox.transaction() as cluster:
        try:
            connect(invocation, cluster)
        except Unreachable as unreachable:
            unreachable.discovery_attempts = discovery_attempts(invocation.args)
            raise
        requests, single = parse_requests(invocation.args)
        if flags.get("selector") and any(request.names for request in requests):
            raise KubectlError("name cannot be provided when a selector is specified")
        if output and output not in OUTPUT_FORMATS:
            raise KubectlError(
                f'unable to match a printer suitable for the output format "{output}", allowed '
                f"formats are: {','.join(OUTPUT_FORMATS)}")
        try:
            results, errors = fetch(cluster, requests, namespace, all_namespaces,
                                    flags.get("selector") or "", flags.get("field-selector") or "",
                                    bool(flags.get("ignore-not-found")),
                                    read_only=output not in ("json", "yaml"))
        except SelectorError as error:
            raise KubectlError(str(error)) from None
        now = cluster.now
    if output not in IMPLEMENTED_FORMATS:
        raise KubectlError(f'output format "{output}" is not supported yet')

    objects = [obj for result in results for obj in result.objects]
    if output in ("json", "yaml"):
        _print_documents(stdout, output, objects, single, errors)
    else:
        if output == "name":
            for result in results:
                for obj in result.objects:
                    stdout.write(f"{result.resource_type.kind_prefix}/{obj['metadata']['name']}\n")
        else:
            _print_tables(stdout, results, output, flags, all_namespaces, now)
        if not objects and not errors:
            _write_nothing_found(stderr, requests, namespace, all_namespaces)
    stdout.flush()
    for error in errors:
        stderr.write(error + "\n")
    return 1 if errors else 0


def _print_documents(stdout, output: str, objects: list[dict], single: bool,
                     errors: list[str]) -> None:
    if single and not objects:
        return
    document = objects[0] if single and len(objects) == 1 and not errors else _as_list(objects)
    if output == "json":
        stdout.write(go_json(document, indent=4, sort_keys=True) + "\n")
    else:
        stdout.write(go_yaml(document))


def _print_tables(stdout, results: list[Result], output: str, flags, all_namespaces: bool,
                  now: float) -> None:
    """One table per type, each with its own header and widths, a blank line between them."""
    with_kind = bool(flags.get("show-kind")) or len(results) > 1
    label_columns = [key for value in flags.get("label-columns") or []
                     for key in value.split(",") if key]
    printed_any = False
    for result in results:
        if not result.objects:
            continue
        if printed_any:
            stdout.write("\n")
        options = TablePrintOptions(
            wide=output == "wide",
            no_headers=bool(flags.get("no-headers")),
            with_namespace=all_namespaces and result.resource_type.namespaced,
            kind_prefix=result.resource_type.kind_prefix if with_kind else None,
            show_labels=bool(flags.get("show-labels")),
            label_columns=label_columns,
        )
        print_table(build_table(result.resource_type.kind, result.objects, now), stdout, options)
        printed_any = True


def _write_nothing_found(stderr, requests: list[Request], namespace: str,
                         all_namespaces: bool) -> None:
    if all_namespaces or not all(request.resource_type.namespaced for request in requests):
        stderr.write("No resources found\n")
    else:
        stderr.write(f"No resources found in {namespace} namespace.\n")
