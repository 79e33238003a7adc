"""Strict field validation: the fields a manifest names that its type does not have.

kubectl asks the API server to refuse them: ``--validate`` defaults to ``strict``, and a v1.32
server documents the ``fieldValidation`` parameter, so kubectl sends ``fieldValidation=Strict``
with each create and replace instead of checking the manifest itself. The server's decoder then
names every unknown field by its path (``spec.containers[0].imagee``), in the order it meets
them: kubectl sends JSON with the keys of each object sorted. A typo is refused, never dropped
in silence to leave, say, a container without an image. Under the other directives (``Warn``,
the server's default, and ``Ignore``) the fields are dropped, as decoding into the typed object
drops them, and ``Warn`` names them in warnings.

What a type has comes from the v1.32 OpenAPI schemas (``openapi_schemas``), read once per
process, the first time a manifest is checked. Maps (labels, data) and fields that keep unknown
content take any key.
"""

from __future__ import annotations

from functools import lru_cache
from typing import NamedTuple

from .errors import BadRequest
from .openapi_schemas import (SCHEMA_PREFIX, GroupVersionKind, SchemaCatalog,
                              SchemaDataMissing)
from .resources import ResourceType


@lru_cache(maxsize=1)
def _catalog() -> SchemaCatalog | None:
    try:
        return SchemaCatalog.load()
    except SchemaDataMissing:
        return None


@lru_cache(maxsize=64)
def _schema_name(group: str, version: str, kind: str) -> str | None:
    catalog = _catalog()
    return catalog.name_of(GroupVersionKind(group, version, kind)) if catalog else None


class _Unknown(NamedTuple):
    path: str
    holder: dict
    key: str


def _unknown(rt: ResourceType, obj: dict) -> list[_Unknown]:
    name = _schema_name(rt.group, rt.version, rt.kind)
    if name is None:
        return []
    found: list[_Unknown] = []
    _collect(_catalog(), _catalog().schema(name), obj, "", found)
    return found


def unknown_fields(rt: ResourceType, obj: dict) -> list[str]:
    """The paths of the fields in ``obj`` that ``rt``'s type does not have."""
    return [unknown.path for unknown in _unknown(rt, obj)]


def _resolved(catalog: SchemaCatalog, schema: dict) -> dict:
    """The schema a reference (bare, or wrapped in ``allOf`` beside a description) points to."""
    while True:
        ref = schema.get("$ref") or next(
            (part["$ref"] for part in schema.get("allOf", ()) if "$ref" in part), None)
        if ref is None:
            return schema
        schema = catalog.schema(ref[len(SCHEMA_PREFIX):]) or {}


def _collect(catalog: SchemaCatalog, schema: dict, value, path: str,
             found: list[_Unknown]) -> None:
    schema = _resolved(catalog, schema)
    if schema.get("x-kubernetes-preserve-unknown-fields"):
        return
    if isinstance(value, dict):
        properties = schema.get("properties")
        if properties is None:
            return
        for key in sorted(value):
            field = f"{path}.{key}" if path else key
            if key in properties:
                _collect(catalog, properties[key], value[key], field, found)
            else:
                found.append(_Unknown(field, value, key))
    elif isinstance(value, list) and isinstance(schema.get("items"), dict):
        for index, item in enumerate(value):
            _collect(catalog, schema["items"], item, f"{path}[{index}]", found)


def strict_decoding_error(rt: ResourceType, fields: list[str]) -> BadRequest:
    listed = ", ".join(f'unknown field "{field}"' for field in fields)
    return BadRequest(f'{rt.kind} in version "{rt.version}" cannot be handled as a {rt.kind}: '
                      f"strict decoding error: {listed}")


def check_fields(rt: ResourceType, obj: dict, directive: str) -> list[str]:
    """Decode ``obj`` as the server does under a ``fieldValidation`` directive: ``Strict``
    refuses unknown fields (``BadRequest``); otherwise they are dropped from ``obj``, as
    decoding into the typed object drops them, and for ``Warn`` the warnings the server sends
    back are returned."""
    unknown = _unknown(rt, obj)
    if unknown and directive == "Strict":
        raise strict_decoding_error(rt, [field.path for field in unknown])
    for field in unknown:
        del field.holder[field.key]
    return [f'unknown field "{field.path}"' for field in unknown] if directive == "Warn" else []
