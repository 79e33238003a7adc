"""``kubectl get``: fetch objects by type, name or selector and print them.

The arguments follow kubectl's resource builder: ``TYPE[,TYPE...] [NAME...]`` or
``TYPE/NAME...`` (all of them then in that form), with ``all`` expanding to its category. Tables
come from the server-side generators in ``printers.tables`` and are printed as cli-runtime does,
with ``--show-labels``, ``-L``, ``-A``, ``--no-headers`` and ``--sort-by``. The other printers see
the objects themselves: ``-o name``, ``json``, ``yaml``, ``go-template``, ``jsonpath`` and
``custom-columns`` (and their ``-file`` forms); one named object is printed bare, anything else as
a ``List``. When nothing matches, a table says so on stderr and still exits 0; names that do not
exist are reported after the output, and the exit status is 1.

``-w``/``--watch`` prints the table and then one more line for every change to the objects, as
kubectl does with its watch events, until Ctrl-C; it polls the cluster in short transactions.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from typing import Callable, NoReturn

from ...errors import NotFound
from ...printers import gotemplate
from ...printers.custom_columns import (Column, CustomColumnsError, parse_spec,
                                        print_custom_columns)
from ...printers.gofmt import format_value
from ...printers.jsonpath import (JsonPath, JsonPathExecError, JsonPathParseError,
                                  execution_error_message, relaxed)
from ...printers.serialize import go_json, go_json_compact, go_yaml
from ...printers.table_printer import TablePrintOptions, print_table
from ...printers.tables import build_table
from ...printers.tabwriter import TabWriter, kubectl_table_writer
from ...resources import RESOURCE_TYPES, ResourceType, resolve
from ...shell.filesystem import FileSystemError, resolve as resolve_path
from ...store import clone
from .app import KubectlError, Unreachable, connect, format_api_error, implement, namespace_of
from .cobra import Invocation
from ...printers.gosort import go_sort
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
TEMPLATE_FORMATS = {"go-template": "go-template", "template": "go-template",
                    "go-template-file": "go-template", "templatefile": "go-template",
                    "jsonpath": "jsonpath", "jsonpath-file": "jsonpath",
                    "jsonpath-as-json": "jsonpath-as-json"}
FILE_FORMATS = ("go-template-file", "templatefile", "jsonpath-file", "custom-columns-file")

#: How long ``get --watch`` waits between two looks at the cluster.
WATCH_INTERVAL = 1.0

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


# -- choosing the printer ----------------------------------------------------------------------
@dataclass
class Printer:
    """What ``-o`` (and ``--template``) asked for, parsed and ready to print objects."""

    format: str
    template: str = ""
    go_template: gotemplate.Template | None = None
    jsonpath: JsonPath | None = None
    columns: list[Column] | None = None

    @property
    def is_table(self) -> bool:
        return self.format in ("", "wide")


def _unmatched(output: str) -> KubectlError:
    return KubectlError(
        f'unable to match a printer suitable for the output format "{output}", allowed '
        f"formats are: {','.join(OUTPUT_FORMATS)}")


def _read_file(invocation: Invocation, path: str, what: str) -> str:
    """A file the learner named, from the sandbox's files, or kubectl's error for it."""
    fs = invocation.ctx.fs
    try:
        if fs is None:
            raise FileSystemError("No such file or directory")
        return fs.read(resolve_path(invocation.ctx.cwd, path))
    except FileSystemError as error:
        reason = error.strerror[:1].lower() + error.strerror[1:]
        raise KubectlError(f"error reading {what} {path}, open {path}: {reason}") from None


def choose_printer(invocation: Invocation) -> Printer:
    """The printer for ``-o``/``--template``, with kubectl's errors for what it cannot use."""
    flags = invocation.flags
    output = flags.get("output") or ""
    template_flag = flags.get("template") or ""
    if template_flag and not output:
        output = "go-template"
    name, has_value, value = output.partition("=")
    if template_flag:
        if has_value or name not in TEMPLATE_FORMATS:
            raise _unmatched(output)
        value = template_flag
    if name in TEMPLATE_FORMATS:
        if not value:
            raise KubectlError("template format specified but no template given")
        if name in FILE_FORMATS:
            value = _read_file(invocation, value, "--template")
        return _template_printer(TEMPLATE_FORMATS[name], value,
                                 bool(flags.get("allow-missing-template-keys", True)))
    if name in ("custom-columns", "custom-columns-file"):
        spec = value
        try:
            if name == "custom-columns-file":
                spec = _columns_from_file(_read_file(invocation, value, "template"))
            return Printer("custom-columns", columns=parse_spec(spec))
        except CustomColumnsError as error:
            raise KubectlError(str(error)) from None
    if output not in ("", "wide", "name", "json", "yaml"):
        raise _unmatched(output)
    return Printer(output)


def _template_printer(kind: str, text: str, allow_missing_keys: bool) -> Printer:
    if kind == "go-template":
        try:
            parsed = gotemplate.parse(text, missing_key_error=not allow_missing_keys)
        except gotemplate.TemplateParseError as error:
            raise KubectlError(f"error parsing template {text}, {error}") from None
        return Printer(kind, text, go_template=parsed)
    try:
        path = JsonPath(text, allow_missing_keys=allow_missing_keys,
                        output_json=kind == "jsonpath-as-json")
    except JsonPathParseError as error:
        raise KubectlError(f"error parsing jsonpath {text}, {error}") from None
    return Printer(kind, text, jsonpath=path)


def _columns_from_file(text: str) -> str:
    """A columns file: a line of headers, then a line of paths, both separated by spaces."""
    lines = text.splitlines()
    headers = lines[0].split() if lines else []
    paths = lines[1].split() if len(lines) > 1 else []
    if len(headers) != len(paths):
        raise CustomColumnsError(f"number of headers ({len(headers)}) and field specifications "
                                 f"({len(paths)}) don't match")
    return ",".join(f"{header}:{path}" for header, path in zip(headers, paths))


# -- sorting -------------------------------------------------------------------------------------
def _sort_key(value):
    """kubectl's order within one type: numbers by value, strings byte by byte."""
    if isinstance(value, bool):
        return (0, value)
    if isinstance(value, (int, float)):
        return (1, value)
    if isinstance(value, str):
        return (2, value)
    return (3, format_value(value))


class SortFailure(KubectlError):
    """``--sort-by`` could not sort: an error for the printers that see objects, while a table
    then prints no rows at all (kubectl's table sorter gives up on the whole table)."""


def sort_objects(objects: list[dict], sort_by: str) -> list[dict]:
    """``--sort-by``: objects whose path finds nothing first, the others by their first value."""
    if not objects:
        return objects
    try:
        path = JsonPath(relaxed(sort_by))
        keyed = [(path.find(obj), obj) for obj in objects]
    except (JsonPathParseError, JsonPathExecError) as error:
        raise SortFailure(str(error)) from None
    if not any(values for values, _obj in keyed):
        raise SortFailure(f"couldn't find any field with path {gotemplate.go_quote(path.text)} "
                          "in the list of objects")
    return [obj for _values, obj in go_sort(keyed, _less)]


def _less(first: tuple[list, dict], second: tuple[list, dict]) -> bool:
    """kubectl's Less: an object without the field is less than any other, even another
    without it."""
    if not first[0]:
        return True
    if not second[0]:
        return False
    return _sort_key(first[0][0]) < _sort_key(second[0][0])


# -- the command ---------------------------------------------------------------------------------
@implement("get")
def run_get(invocation: Invocation) -> int:
    flags = invocation.flags
    stdout, stderr = invocation.stdout, invocation.stderr
    watching = bool(flags.get("watch") or flags.get("watch-only"))
    if not invocation.args:
        stderr.write(NO_TYPE_MESSAGE)
        return 1
    output = flags.get("output") or ""
    if flags.get("show-labels") and output not in ("", "wide"):
        raise KubectlError(f"--show-labels option cannot be used with {output} printer")
    all_namespaces = bool(flags.get("all-namespaces"))
    namespace = namespace_of(invocation)
    sort_by = flags.get("sort-by") or ""
    with invocation.ctx.sandbox.transaction() as cluster:
        try:
            connect(invocation, cluster)
        except Unreachable as unreachable:
            unreachable.discovery_attempts = discovery_attempts(invocation.args)
            raise
        requests, single = parse_requests(invocation.args)
        if flags.get("selector") and any(request.names for request in requests):
            raise KubectlError("name cannot be provided when a selector is specified")
        if watching and len(requests) > 1:
            raise KubectlError("you may only specify a single resource type")
        try:
            results, errors = fetch(cluster, requests, namespace, all_namespaces,
                                    flags.get("selector") or "", flags.get("field-selector") or "",
                                    bool(flags.get("ignore-not-found")),
                                    read_only=output not in ("json", "yaml"))
        except SelectorError as error:
            raise KubectlError(str(error)) from None
        now = cluster.now
    if single and errors:
        invocation.stderr.write(errors[0] + "\n")
        return 1
    printer = choose_printer(invocation)
    if watching:
        if sort_by:
            stderr.write("warning: --watch or --watch-only requested, --sort-by will be ignored\n")
        return _watch(invocation, requests, results[0], printer, all_namespaces, now)
    if sort_by and not single:
        for result in results:
            if printer.is_table and len(result.objects) < 2:
                continue
            try:
                result.objects = sort_objects(result.objects, sort_by)
            except SortFailure:
                if not printer.is_table:
                    raise
                result.objects = []

    objects = [obj for result in results for obj in result.objects]
    if printer.is_table:
        _print_tables(stdout, results, printer.format, flags, all_namespaces, now)
        if not objects and not errors:
            _write_nothing_found(stderr, requests, namespace, all_namespaces)
    elif printer.format == "name":
        for result in results:
            for obj in result.objects:
                stdout.write(f"{result.resource_type.kind_prefix}/{obj['metadata']['name']}\n")
        if not objects and not errors:
            _write_nothing_found(stderr, requests, namespace, all_namespaces)
    elif not (single and not objects):
        document = objects[0] if single and len(objects) == 1 and not errors else _as_list(objects)
        _print_document(stdout, printer, document, bool(flags.get("no-headers")))
    stdout.flush()
    for error in errors:
        stderr.write(error + "\n")
    return 1 if errors else 0


def _print_document(stdout, printer: Printer, document: dict, no_headers: bool = False) -> None:
    """One object, or a List of them, through a printer that sees the objects themselves."""
    if printer.format == "json":
        stdout.write(go_json(document, indent=4, sort_keys=True) + "\n")
    elif printer.format == "yaml":
        stdout.write(go_yaml(document))
    elif printer.go_template is not None:
        _execute_go_template(stdout, printer, document)
    elif printer.jsonpath is not None:
        try:
            stdout.write(printer.jsonpath.render(document))
        except JsonPathExecError as error:
            raise KubectlError(execution_error_message(printer.template, error, document)
                               + "\n") from None
    else:
        items = document["items"] if document.get("kind") == "List" else [document]
        try:
            print_custom_columns(printer.columns, items, stdout, no_headers=no_headers)
        except JsonPathExecError as error:
            raise KubectlError(str(error)) from None


def _execute_go_template(stdout, printer: Printer, document: dict) -> None:
    """kubectl writes what the template produced, and on failure what it was given, to stdout."""
    out: list[str] = []
    try:
        printer.go_template.execute(document, out)
    except gotemplate.TemplateExecError as error:
        stdout.write("".join(out))
        stdout.write(
            f"Error executing template: {error}. Printing more information for debugging the "
            f"template:\n\ttemplate was:\n\t\t{printer.template}\n"
            f"\traw data was:\n\t\t{go_json_compact(document)}\n"
            f"\tobject given to template engine was:\n\t\t{format_value(document)}\n\n")
        raise KubectlError(f"error executing template {gotemplate.go_quote(printer.template)}: "
                           f"{error}") from None
    stdout.write("".join(out))


def _table_options(resource_type: ResourceType, output: str, flags, all_namespaces: bool,
                   with_kind: bool) -> TablePrintOptions:
    return TablePrintOptions(
        wide=output == "wide",
        no_headers=bool(flags.get("no-headers")),
        with_namespace=all_namespaces and resource_type.namespaced,
        kind_prefix=resource_type.kind_prefix if with_kind else None,
        show_labels=bool(flags.get("show-labels")),
        label_columns=[key for value in flags.get("label-columns") or []
                       for key in value.split(",") if key],
    )


def _print_tables(stdout, results: list[Result], output: str, flags, all_namespaces: bool,
                  now: float) -> None:
    """One table per type, each with its own header and widths, a blank line between them."""
    with_kind = bool(flags.get("show-kind")) or len(results) > 1
    printed_any = False
    for result in results:
        if not result.objects:
            continue
        if printed_any and not flags.get("no-headers"):
            stdout.write("\n")
        options = _table_options(result.resource_type, output, flags, all_namespaces, with_kind)
        print_table(build_table(result.resource_type.kind, result.objects, now), stdout, options)
        printed_any = True


def _write_nothing_found(stderr, requests: list[Request], namespace: str,
                         all_namespaces: bool) -> None:
    if all_namespaces or not all(request.resource_type.namespaced for request in requests):
        stderr.write("No resources found\n")
    else:
        stderr.write(f"No resources found in {namespace} namespace.\n")


# -- watching ------------------------------------------------------------------------------------
def _object_key(obj: dict) -> tuple[str, str]:
    metadata = obj["metadata"]
    return metadata.get("namespace", ""), metadata["name"]


def _watch(invocation: Invocation, requests: list[Request], first: Result, printer: Printer,
           all_namespaces: bool, now: float) -> NoReturn:
    """Print what there is (unless ``--watch-only``), then a line per change until Ctrl-C.

    kubectl gets an event for every write to a watched object and prints the object again,
    under the header it printed first and in the same (remembered, only ever widening) column
    widths. Here each look at the cluster is one short transaction; the objects written since
    the last look are printed in the order they were written, then the deleted ones as they
    last were.
    """
    flags, ctx = invocation.flags, invocation.ctx
    namespace = namespace_of(invocation)
    emit = _watch_printer(invocation.stdout, first.resource_type, printer, flags, all_namespaces)
    last_seen = {_object_key(obj): obj for obj in first.objects}
    versions = {key: obj["metadata"].get("resourceVersion") for key, obj in last_seen.items()}
    if not flags.get("watch-only"):
        emit(first.objects, now)
    while True:
        ctx.sleep(WATCH_INTERVAL)
        with ctx.sandbox.transaction() as cluster:
            results, _errors = fetch(cluster, requests, namespace, all_namespaces,
                                     flags.get("selector") or "", flags.get("field-selector") or "",
                                     ignore_not_found=True, read_only=True)
            now = cluster.now
        current = {_object_key(obj): obj for result in results for obj in result.objects}
        written = sorted((obj for key, obj in current.items()
                          if versions.get(key) != obj["metadata"].get("resourceVersion")),
                         key=lambda obj: int(obj["metadata"].get("resourceVersion") or 0))
        deleted = [obj for key, obj in last_seen.items() if key not in current]
        last_seen = current
        versions = {key: obj["metadata"].get("resourceVersion") for key, obj in current.items()}
        emit(written + deleted, now)


def _watch_printer(stdout, resource_type: ResourceType, printer: Printer, flags,
                   all_namespaces: bool) -> Callable[[list[dict], float], None]:
    """A function printing objects as they come, keeping the header and widths of the first."""
    writer: TabWriter = kubectl_table_writer(stdout)
    header_printed = False
    documents_printed = 0

    def emit(objects: list[dict], now: float) -> None:
        nonlocal header_printed, documents_printed
        if not objects:
            return
        if printer.is_table:
            options = _table_options(resource_type, printer.format, flags, all_namespaces,
                                     bool(flags.get("show-kind")))
            options.no_headers = options.no_headers or header_printed
            print_table(build_table(resource_type.kind, objects, now), stdout, options, writer)
            writer.flush()
            header_printed = True
        elif printer.format == "name":
            for obj in objects:
                stdout.write(f"{resource_type.kind_prefix}/{obj['metadata']['name']}\n")
        elif printer.format == "custom-columns":
            print_custom_columns(printer.columns, objects, stdout,
                                 no_headers=header_printed or bool(flags.get("no-headers")),
                                 writer=writer)
            header_printed = True
        else:
            for obj in objects:
                if printer.format == "yaml" and documents_printed:
                    stdout.write("---\n")
                _print_document(stdout, printer, obj)
                documents_printed += 1
        stdout.flush()
    return emit
