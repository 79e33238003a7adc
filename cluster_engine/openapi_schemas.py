"""The Kubernetes v1.32 API types as OpenAPI v3 component schemas, read only when asked for.

``kubectl explain`` prints what the API server's OpenAPI v3 documents say about a type, so the
simulated server needs the schemas of the real v1.32 types. They come from the
``kubernetes-validate`` package (its ``v1.32.0-local/_definitions.json``: every v1.32 definition
under ``$defs``, with descriptions, ``required`` lists, list-type markers and
``x-kubernetes-group-version-kind``), and are reshaped to the form a v1.32 API server serves:

- refs point to ``#/components/schemas/<name>``; a ref with a description beside it is wrapped
  as ``{"allOf": [{"$ref": ...}], "description": ...}``;
- ``type`` is one string (the file's ``["string", "null"]`` says "optional", which the server
  says with ``required`` instead);
- ``IntOrString`` and ``Quantity`` are strings (``int-or-string`` format for the first) rather
  than the file's ``oneOf`` of two types;
- ``apiVersion`` and ``kind`` carry no ``enum`` (the file pins them for validation; the server
  does not).

The file (1.3 MB) is read afresh for each request and only the definitions that a request's kinds
reach are decoded: a sandbox shell is a small forked process, and this is needed rarely. Nothing
is read at import time. What the file lacks the server cannot say either: defaults, the ``enum``
lists of enumerated fields, and the descriptions of ``IntOrString`` and ``Quantity``.
"""

from __future__ import annotations

import importlib.util
import json
import re
from pathlib import Path
from typing import Iterable, NamedTuple

DATA_PACKAGE = "kubernetes_validate"
DEFINITIONS = Path("kubernetes-json-schema", "v1.32.0-local", "_definitions.json")
SCHEMA_PREFIX = "#/components/schemas/"
_SOURCE_PREFIX = "#/$defs/"
#: A definition's name, as the file writes the keys of ``$defs`` (one level of indentation).
_DEFINITION_NAME = re.compile(r'\n    "([^"]+)": (?=\{)')
_DECODER = json.JSONDecoder()


class GroupVersionKind(NamedTuple):
    group: str
    version: str
    kind: str

    def as_marker(self) -> dict:
        """The form ``x-kubernetes-group-version-kind`` lists it in."""
        return {"group": self.group, "kind": self.kind, "version": self.version}


class SchemaDataMissing(Exception):
    """The ``kubernetes-validate`` package is not installed."""


def definitions_path() -> Path:
    """Where the v1.32 definitions are, found without importing the package (which would load
    a JSON-schema validator the sandbox has no use for)."""
    spec = importlib.util.find_spec(DATA_PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        raise SchemaDataMissing(f"the {DATA_PACKAGE} package is not installed")
    return Path(next(iter(spec.submodule_search_locations)), DEFINITIONS)


class SchemaCatalog:
    """The definitions file's text, indexed by name; a schema is decoded and reshaped the first
    time it is asked for."""

    def __init__(self, text: str):
        self._text = text
        self._starts = {match.group(1): match.end() for match in _DEFINITION_NAME.finditer(text)}
        self._schemas: dict[str, dict] = {}

    @classmethod
    def load(cls) -> SchemaCatalog:
        return cls(definitions_path().read_text(encoding="utf-8"))

    def schema(self, name: str) -> dict | None:
        """The component schema called ``name``, in the server's form."""
        if name not in self._schemas:
            start = self._starts.get(name)
            if start is None:
                return None
            self._schemas[name] = server_form(_DECODER.raw_decode(self._text, start)[0])
        return self._schemas[name]

    def name_of(self, gvk: GroupVersionKind) -> str | None:
        """The schema that declares ``gvk``; its name ends in ``.<version>.<Kind>``."""
        suffix = f".{gvk.version}.{gvk.kind}"
        return next((name for name in self._starts if name.endswith(suffix)
                     and gvk.as_marker() in self.schema(name).get(
                         "x-kubernetes-group-version-kind", ())), None)

    def closure(self, names: Iterable[str]) -> dict[str, dict]:
        """``names`` and every schema they refer to, directly or not."""
        found: dict[str, dict] = {}
        pending = list(names)
        while pending:
            name = pending.pop()
            if name in found:
                continue
            schema = self.schema(name)
            if schema is not None:
                found[name] = schema
                pending.extend(_references(schema))
        return found


def _references(schema) -> Iterable[str]:
    if isinstance(schema, dict):
        ref = schema.get("$ref")
        if isinstance(ref, str) and ref.startswith(SCHEMA_PREFIX):
            yield ref[len(SCHEMA_PREFIX):]
        for value in schema.values():
            yield from _references(value)
    elif isinstance(schema, list):
        for value in schema:
            yield from _references(value)


def _single_type(types):
    if isinstance(types, list):
        return next((name for name in types if name != "null"), types[0] if types else None)
    return types


def _scalar_union(alternatives: list) -> dict:
    """A ``oneOf`` of scalar types, as the server writes it: a string on the wire."""
    types = {_single_type(alternative.get("type")) for alternative in alternatives}
    schema = {"type": "string"}
    if "integer" in types:
        schema["format"] = "int-or-string"
    return schema


def server_form(schema: dict) -> dict:
    """One schema of the definitions file reshaped as the API server serves it."""
    converted: dict = {}
    for key, value in schema.items():
        if key == "$ref":
            continue
        if key == "type":
            converted[key] = _single_type(value)
        elif key == "oneOf" and all(isinstance(item, dict) and "type" in item for item in value):
            converted.update(_scalar_union(value))
        elif key == "properties":
            converted[key] = {name: _property(name, subschema)
                              for name, subschema in value.items()}
        elif key in ("items", "additionalProperties", "not") and isinstance(value, dict):
            converted[key] = server_form(value)
        elif key in ("allOf", "anyOf", "oneOf"):
            converted[key] = [server_form(item) for item in value]
        else:
            converted[key] = value
    ref = schema.get("$ref")
    if isinstance(ref, str) and ref.startswith(_SOURCE_PREFIX):
        target = {"$ref": SCHEMA_PREFIX + ref[len(_SOURCE_PREFIX):]}
        if not converted:
            return target
        converted = {"allOf": [target], **converted}
    return dict(sorted(converted.items()))


def _property(name: str, schema: dict) -> dict:
    if name in ("apiVersion", "kind"):
        schema = {key: value for key, value in schema.items() if key != "enum"}
    return server_form(schema)


def component_schemas(kinds: Iterable[GroupVersionKind]) -> dict[str, dict]:
    """The component schemas of ``kinds`` and of every type they use, by name, sorted; kinds
    the definitions do not know are left out."""
    catalog = SchemaCatalog.load()
    found = catalog.closure(name for name in map(catalog.name_of, kinds) if name)
    return dict(sorted(found.items()))
