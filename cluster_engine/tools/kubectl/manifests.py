"""kubectl's resource builder for ``-f``: from files, directories or standard input to objects.

``apply``, ``create``, ``replace`` and ``delete`` read manifests the same way: every ``-f``
source in order (a directory's ``.json``, ``.yaml`` and ``.yml`` files in name order, ``-R``
descending into subdirectories, ``-`` for standard input), each split into YAML documents at
``---`` lines, a ``kind: List`` unpacked into its items, and each object mapped to the resource
type its ``apiVersion`` and ``kind`` name. Everything is read before anything is sent, so a
broken document stops the command before any change, with the words kubectl uses (PyYAML's
messages are translated into those of the Go YAML parser kubectl embeds). The objects are then
written one by one in a single transaction; a refused one does not stop the others.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Callable
from dataclasses import dataclass

import yaml

from ...errors import ApiError
from ...field_validation import check_fields
from ...printers.serialize import go_json_compact
from ...resources import RESOURCE_TYPES, ResourceType
from ...shell.filesystem import FileSystemError
from ...shell.filesystem import resolve as resolve_path
from .app import KubectlError, connect, format_api_error, namespace_of
from .cobra import Invocation

STDIN = "STDIN"
MANIFEST_EXTENSIONS = (".json", ".yaml", ".yml")
_DOCUMENT_SEPARATOR = re.compile(r"^---\s*$", re.MULTILINE)


@dataclass
class Manifest:
    """One object of a manifest, with where it came from (``STDIN`` or the file's path)."""

    source: str
    rt: ResourceType
    obj: dict

    @property
    def name(self) -> str:
        return self.obj["metadata"].get("name") or ""

    @property
    def namespace(self) -> str | None:
        return self.obj["metadata"].get("namespace") if self.rt.namespaced else None


class _JsonLikeLoader(yaml.SafeLoader):
    """YAML as sigs.k8s.io/yaml reads it into JSON: timestamps stay strings."""


_JsonLikeLoader.yaml_implicit_resolvers = {
    first: [(tag, pattern) for tag, pattern in resolvers
            if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()}

_GO_YAML_PROBLEMS = (
    ("mapping values are not allowed here", "mapping values are not allowed in this context"),
    ("that cannot start any token", "found character that cannot start any token"),
    ("expected the node content", "did not find expected node content"),
)
_GO_YAML_BLOCK_END = {"while parsing a block collection": "did not find expected '-' indicator",
                      "while parsing a block mapping": "did not find expected key"}


def go_yaml_error(error: yaml.MarkedYAMLError) -> str:
    """``yaml: line N: problem`` as gopkg.in/yaml.v2 words the error PyYAML raised."""
    problem = error.problem or ""
    for pattern, words in _GO_YAML_PROBLEMS:
        if pattern in problem:
            problem = words
            break
    else:
        if problem.startswith("expected <block end>"):
            problem = _GO_YAML_BLOCK_END.get(error.context or "", "did not find expected key")
    line = 0
    if error.problem_mark is not None and error.problem_mark.line:
        line = error.problem_mark.line + isinstance(error, yaml.scanner.ScannerError)
    elif error.context_mark is not None:
        line = error.context_mark.line
    return f"yaml: line {line}: {problem}" if line else f"yaml: {problem}"


def _type_for(api_version: str, kind: str) -> ResourceType | None:
    return next((rt for rt in RESOURCE_TYPES
                 if rt.kind == kind and rt.api_version == api_version), None)


def _objects_of(document: dict, source: str) -> list[dict]:
    if document.get("kind") == "List" and isinstance(document.get("items"), list):
        objects = []
        for item in document["items"]:
            objects.extend(_objects_of(item, source) if isinstance(item, dict) else [])
        return objects
    if not document.get("kind"):
        raise KubectlError(f"unable to decode \"{source}\": Object 'Kind' is missing in "
                           f"'{go_json_compact(document)}'")
    return [document]


def parse_manifest(text: str, source: str) -> list[dict]:
    """The objects of one file (or of standard input), in document order."""
    objects = []
    for chunk in _DOCUMENT_SEPARATOR.split(text):
        try:
            document = yaml.load(chunk, Loader=_JsonLikeLoader)
        except yaml.MarkedYAMLError as error:
            raise KubectlError(f"error parsing {source}: error converting YAML to JSON: "
                               f"{go_yaml_error(error)}") from None
        except yaml.YAMLError as error:
            raise KubectlError(f"error parsing {source}: error converting YAML to JSON: "
                               f"yaml: {error}") from None
        if document is None:
            continue
        if not isinstance(document, dict):
            go_type = "string" if isinstance(document, str) else \
                "array" if isinstance(document, list) else "number"
            raise KubectlError(f'unable to decode "{source}": json: cannot unmarshal {go_type} '
                               "into Go value of type unstructured.detector")
        objects.extend(_objects_of(document, source))
    return objects


def _typed(obj: dict, source: str) -> Manifest:
    api_version, kind = str(obj.get("apiVersion") or ""), str(obj["kind"])
    metadata = obj.get("metadata") if isinstance(obj.get("metadata"), dict) else {}
    rt = _type_for(api_version, kind)
    if rt is None:
        raise KubectlError(
            f'resource mapping not found for name: "{metadata.get("name", "")}" namespace: '
            f'"{metadata.get("namespace", "")}" from "{source}": no matches for kind "{kind}" '
            f'in version "{api_version}"\nensure CRDs are installed first')
    obj["metadata"] = metadata
    return Manifest(source, rt, obj)


def _files_under(fs, path: str, given: str, recursive: bool) -> list[tuple[str, str]]:
    """(absolute path, path as kubectl names it) of the manifests in a directory."""
    found = []
    for entry in fs.listdir(path):
        absolute, shown = posixpath.join(path, entry), posixpath.join(given, entry)
        info = fs.info(absolute)
        if info.kind == "dir":
            if recursive:
                found.extend(_files_under(fs, absolute, shown, recursive))
        elif entry.endswith(MANIFEST_EXTENSIONS):
            found.append((absolute, shown))
    return found


def _sources(invocation: Invocation, given: str) -> list[tuple[str, str]]:
    """(text, name) of what one ``-f`` value names."""
    if given == "-":
        return [(invocation.stdin.read() if invocation.stdin is not None else "", STDIN)]
    fs = invocation.ctx.fs
    path = resolve_path(invocation.ctx.cwd, given)
    try:
        info = fs.info(path) if fs is not None else None
        if info is None:
            raise KubectlError(f'the path "{given}" does not exist')
        if info.kind != "dir":
            return [(fs.read(path), given)]
        files = _files_under(fs, path, given, bool(invocation.flags.get("recursive")))
        return [(fs.read(absolute), shown) for absolute, shown in files]
    except FileSystemError as error:
        raise KubectlError(f"open {given}: {error.strerror.lower()}") from None


def read_manifests(invocation: Invocation, namespace: str) -> list[Manifest]:
    """Every object the ``-f`` flags name, namespaced objects placed in ``namespace`` unless
    they name their own (which must then agree with an explicit ``--namespace``)."""
    manifests = []
    for given in invocation.flags.get("filename") or []:
        for text, source in _sources(invocation, given):
            manifests.extend(_typed(obj, source) for obj in parse_manifest(text, source))
    for manifest in manifests:
        metadata = manifest.obj["metadata"]
        if not manifest.rt.namespaced:
            continue
        own = metadata.get("namespace")
        if own and own != namespace and invocation.flags.was_set("namespace"):
            raise KubectlError(
                f'the namespace from the provided object "{own}" does not match the namespace '
                f'"{namespace}". You must pass \'--namespace={own}\' to perform this operation.')
        metadata["namespace"] = own or namespace
    return manifests


#: ``--validate`` words and the ``fieldValidation`` kubectl sends for each.
_FIELD_VALIDATION = {"strict": "Strict", "true": "Strict", "warn": "Warn", "ignore": "Ignore",
                     "false": "Ignore"}


def field_validation(invocation: Invocation) -> str:
    """The ``fieldValidation`` directive ``--validate`` asks the server for."""
    word = str(invocation.flags.get("validate") or "strict")
    directive = _FIELD_VALIDATION.get(word.lower())
    if directive is None:
        raise KubectlError(f'invalid - validate option "{word}"; must be one of: strict (or '
                           "true), warn, ignore (or false)")
    return directive


def _decode(invocation: Invocation, manifest: Manifest, obj: dict, directive: str) -> None:
    for warning in check_fields(manifest.rt, obj, directive):
        invocation.stderr.write(f"Warning: {warning}\n")


def send_checked(invocation: Invocation, manifest: Manifest, sent: dict) -> None:
    """What the server does first with a manifest sent under ``--validate``: refuse its unknown
    fields (raises ``BadRequest``), or drop them, with a warning kubectl prints for ``warn``."""
    _decode(invocation, manifest, sent, field_validation(invocation))


def drop_unknown_fields(invocation: Invocation, manifest: Manifest, patched: dict) -> None:
    """What the server keeps of an object ``apply`` patches: its type's fields only, with a
    warning under ``--validate=warn``. (Under ``strict`` a v1.32 server refuses the patch;
    the sandbox drops the fields all the same.)"""
    _decode(invocation, manifest, patched,
            "Warn" if field_validation(invocation) == "Warn" else "Ignore")


def manifests_to_write(invocation: Invocation, command_word: str | None) -> list[Manifest]:
    """The objects ``apply``, ``create`` or ``replace`` send: ``-f`` is required, other
    arguments are refused, and ``command_word`` names the command that refuses to send none."""
    field_validation(invocation)
    if invocation.args:
        raise KubectlError(f"Unexpected args: [{' '.join(invocation.args)}]\n"
                           f"See '{invocation.command.path} -h' for help and examples\n")
    if not invocation.flags.get("filename"):
        raise KubectlError("must specify one of -f and -k")
    manifests = read_manifests(invocation, namespace_of(invocation))
    if not manifests and command_word:
        raise KubectlError(f"no objects passed to {command_word}")
    return manifests


class WriteRefused(Exception):
    """The server refused one object of a manifest; ``str()`` is how kubectl reports it: which
    step of the write failed, for which file."""

    def __init__(self, error: ApiError, step: str, source: str):
        if error.reason == "Invalid":
            super().__init__(format_api_error(error))
        else:
            super().__init__(f'Error from server ({error.reason}): error when {step} '
                             f'"{source}": {error.message}')


def write_each(invocation: Invocation, manifests: list[Manifest],
               write: Callable[[object, Manifest], None]) -> int:
    """``write`` every object in one transaction, going on after a refusal; the refusals are
    reported at the end, after what succeeded."""
    refusals = []
    with invocation.ctx.sandbox.transaction() as cluster:
        connect(invocation, cluster)
        for manifest in manifests:
            try:
                write(cluster, manifest)
            except WriteRefused as refusal:
                refusals.append(f"{refusal}\n")
    invocation.stdout.flush()
    invocation.stderr.write("".join(refusals))
    return 1 if refusals else 0
