"""``kubectl explain``: a type's fields and their documentation, as kubectl v1.32 prints them.

kubectl reads the argument (``pods.spec.containers``) as a JSONPath of field names, resolves the
first name through discovery (every type a minikube v1.32 serves, see ``api_resources``; a
``plural.group`` prefix picks the group), and renders the type's schema from the server's
OpenAPI v3 document with its ``plaintext`` template: the GROUP/KIND/VERSION header, then either
the type's DESCRIPTION and FIELDS or, for a field path, the FIELD line with its type first;
``--recursive`` lists the field tree instead of the descriptions. The schemas are the ones the
simulated API server publishes (``openapi_schemas``, ``api/openapi.py``), read only when explain
runs, so the real kubectl pointed at ``serve-api`` prints the same bytes.

``--output=plaintext-openapiv2`` asks for ``/openapi/v2``, which the simulated server does not
serve: kubectl then reports the server's 404, and so does this one. Bad paths, unknown fields,
types and group versions get kubectl's own messages.
"""

from __future__ import annotations

import re
from typing import Callable

from ...errors import ApiError
from ...openapi_schemas import SCHEMA_PREFIX, GroupVersionKind, SchemaCatalog
from ...printers.wordwrap import wrap_string
from .api_resources import ApiResource, served_group_versions, served_resources
from .app import KubectlError, connect, implement
from .cobra import Invocation

NO_TYPE_MESSAGE = ('You must specify the type of resource to explain. Use "kubectl '
                   'api-resources" for a complete list of supported resources.')
ONE_RESOURCE_MESSAGE = "We accept only this format: explain RESOURCE"
FIRST_NODE_NOT_FIELD = "invalid jsonpath syntax, first node must be field node"
NODE_NOT_FIELD = "invalid jsonpath syntax, all nodes must be field nodes"
PLAINTEXT = "plaintext"
PLAINTEXT_OPENAPIV2 = "plaintext-openapiv2"
#: Width of the DESCRIPTION block and of a field list's descriptions (less their indentation).
DESCRIPTION_WIDTH = 76
FIELD_DESCRIPTION_WIDTH = 78
#: How many enum values a field list shows before ``, ....``.
ENUM_LIMIT_IN_LIST = 4


class NoOpenApiV2(ApiError):
    """The simulated server's answer to ``/openapi/v2``."""

    code = 404
    reason = "NotFound"

    def __init__(self):
        super().__init__("the server could not find the requested resource")


# -- the argument: client-go's JSONPath, read as far as explain needs it -------------------------
#: Nodes of a parsed path: a field is its name; these stand for the other kinds of node.
RECURSIVE = object()
OTHER_NODE = None
_TERMINATORS = set(" \t\r\n.,[]$@{}")
_SLICE = re.compile(r"-?\d*(:-?\d*)?(:-?\d*)?")
_DICT_KEY = re.compile(r"'([^']*)'")


class PathError(Exception):
    """The parser's complaint, printed after ``error: ``."""


def _unrecognized(char: str) -> PathError:
    return PathError(f"unrecognized character in action: U+{ord(char):04X} '{char}'")


def path_nodes(expression: str) -> list:
    """The nodes of ``{.<expression>}`` (one trailing dot dropped) as client-go reads them."""
    text = "{." + expression.removesuffix(".") + "}"
    nodes, end = _action_nodes(text, 1)
    if end < len(text):
        raise PathError("must pass in 1 jsonpath string")
    return nodes


def _field_end(text: str, pos: int) -> int:
    while pos < len(text) and text[pos] not in _TERMINATORS:
        pos += 2 if text[pos] == "\\" else 1
    return min(pos, len(text))


def _action_nodes(text: str, pos: int) -> tuple[list, int]:
    """The nodes from ``pos`` to the action's closing brace, and where the action ended."""
    nodes: list = []
    while True:
        if text.startswith("}", pos):
            return nodes, pos + 1
        if text.startswith("[?(", pos):
            close = text.find(")]", pos)
            if close < 0:
                raise PathError("unterminated filter")
            nodes.append(OTHER_NODE)
            pos = close + 2
            continue
        if text.startswith("..", pos):
            if nodes and nodes[-1] is RECURSIVE:
                raise PathError("invalid multiple recursive descent")
            nodes.append(RECURSIVE)
            pos += 2
            if pos < len(text) and (text[pos].isalnum() or text[pos] == "_"):
                end = _field_end(text, pos)
                nodes.append(_field(text[pos:end]))
                pos = end
            continue
        if pos >= len(text) or text[pos] in "\r\n":
            raise PathError("unclosed action")
        char = text[pos]
        pos += 1
        if char in " @$":
            continue
        if char == "[":
            close = text.find("]", pos)
            newline = text.find("\n", pos)
            if close < 0 or 0 <= newline < close:
                raise PathError("unterminated array")
            nodes.extend(_subscript(text[pos:close]))
            pos = close + 1
        elif char in "\"'":
            pos = _quoted_end(text, pos, char)
            nodes.append(OTHER_NODE)
        elif char == ".":
            end = _field_end(text, pos)
            nodes.append(_field(text[pos:end]))
            pos = end
        elif char in "+-" or char.isalnum() or char == "_":
            pos = _field_end(text, pos)
            nodes.append(OTHER_NODE)
        else:
            raise _unrecognized(char)


def _field(name: str):
    return OTHER_NODE if name == "*" else name.replace("\\", "")


def _subscript(inner: str) -> list:
    if "," in inner:
        return [OTHER_NODE]
    key = _DICT_KEY.fullmatch(inner)
    if key:
        return _action_nodes("{." + key.group(1) + "}", 1)[0]
    if inner != "*" and not _SLICE.fullmatch(inner):
        raise PathError(f"invalid array index {inner}")
    return [OTHER_NODE]


def _quoted_end(text: str, pos: int, quote: str) -> int:
    while pos < len(text) and text[pos] != "\n":
        if text[pos] == quote and text[pos - 1] != "\\":
            return pos + 1
        pos += 1
    raise PathError("unterminated quoted string")


def _field_names(nodes: list, message: str) -> list[str]:
    if any(not isinstance(node, str) for node in nodes):
        raise KubectlError(message)
    return nodes


# -- which type: kubectl's REST mapper over discovery ---------------------------------------------
def _matches(name: str, resource: ApiResource) -> bool:
    name = name.lower()
    return name in (resource.name, resource.kind.lower(), *resource.short_names)


def _resolve(argument: str, nodes: list, candidates: list[ApiResource],
             exact: bool) -> tuple[ApiResource, list[str]]:
    """The type and field path ``argument`` names. Without ``--api-version`` a ``plural.group``
    prefix chooses among types of the same name (else the first, core before the rest)."""
    if exact:
        return candidates[0], _field_names(nodes[1:], NODE_NOT_FIELD)
    for resource in candidates:
        if argument.startswith(resource.full_name):
            suffix = argument[len(resource.full_name):]
            fields = path_nodes(suffix)[1:] if suffix else []
            return resource, _field_names(fields, FIRST_NODE_NOT_FIELD)
    return candidates[0], _field_names(nodes[1:], FIRST_NODE_NOT_FIELD)


def _gvr_text(group: str, version: str, resource: str) -> str:
    return f"{group}/{version}, Resource={resource}"


def _parse_group_version(text: str) -> tuple[str, str]:
    if text.count("/") > 1:
        raise KubectlError(f"unexpected GroupVersion string: {text}")
    group, _, version = text.rpartition("/")
    return group, version


# -- kubectl's plaintext template -----------------------------------------------------------------
def _indent(amount: int, text: str) -> str:
    pad = " " * amount
    return pad + text.replace("\n", "\n" + pad)


def _object(value) -> dict:
    """``value`` if it is a schema object with something in it (what the template treats as
    true), else an empty one."""
    return value if isinstance(value, dict) and value else {}


class PlaintextExplanation:
    """The template's walk over the component schemas of an OpenAPI v3 document, which
    ``schema`` looks up by name."""

    def __init__(self, schema: Callable[[str], dict | None], recursive: bool):
        self.schema = schema
        self.recursive = recursive

    def resolve(self, ref) -> dict:
        if isinstance(ref, str) and ref.startswith(SCHEMA_PREFIX):
            return _object(self.schema(ref[len(SCHEMA_PREFIX):]))
        return {}

    def output(self, schema: dict, path: list[str], history: frozenset = frozenset()) -> str:
        """The explanation of the field at ``path`` under ``schema``; empty if there is none."""
        ref = schema.get("$ref") or ""
        resolved = self.resolve(ref) or schema
        if not path:
            text = ("DESCRIPTION:\n"
                    + _indent(4, wrap_string(self.description(schema) or "<empty>",
                                             DESCRIPTION_WIDTH)) + "\n")
            fields = self.field_list(resolved, 1)
            return text + ("FIELDS:\n" + fields if fields else "")
        if ref and ref in history:
            return ""
        seen = history | {ref}
        properties = _object(resolved.get("properties"))
        if _object(properties.get(path[0])):
            field = properties[path[0]]
            text = ""
            if len(path) == 1:
                text = (f"FIELD: {path[0]} <{self.type_guess(field)}>\n"
                        + self.enum(field, long_view=True) + "\n\n")
            return text + self.output(field, path[1:])
        if _object(resolved.get("items")):
            return self.output(resolved["items"], path, seen)
        if _object(resolved.get("additionalProperties")):
            return self.output(resolved["additionalProperties"], path, seen)
        for alternative in resolved.get("allOf") or ():
            text = self.output(alternative, path, seen)
            if text:
                return text
        return ""

    def description(self, schema: dict) -> str:
        """The schema's description and those of what it is made of, one per line."""
        resolved = self.resolve(schema.get("$ref")) or schema
        text = resolved["description"] + "\n" if resolved.get("description") else ""
        for alternative in resolved.get("allOf") or ():
            text += self.description(alternative)
        for key in ("items", "additionalProperties"):
            if _object(resolved.get(key)):
                text += self.description(resolved[key])
        return text

    def field_list(self, schema: dict, level: int, history: frozenset = frozenset()) -> str:
        ref = schema.get("$ref") or ""
        if ref and ref in history:
            return ""
        seen = history | {ref}
        resolved = self.resolve(ref) or schema
        text = ""
        properties = _object(resolved.get("properties"))
        for name in sorted(properties):
            text += self.field_detail(name, resolved, level)
            if self.recursive:
                text += self.field_list(properties[name], level + 1, seen)
        for alternative in resolved.get("allOf") or ():
            text += self.field_list(alternative, level, seen)
        for key in ("items", "additionalProperties"):
            if _object(resolved.get(key)):
                text += self.field_list(resolved[key], level, seen)
        return text

    def field_detail(self, name: str, parent: dict, level: int) -> str:
        indent = level * 2
        field = parent["properties"][name]
        text = f"{' ' * indent}{name}\t<{self.type_guess(field)}>"
        if name in (parent.get("required") or ()):
            text += " -required-"
        text += self.enum(field, long_view=False, indent=indent) + "\n"
        if not self.recursive:
            description = field.get("description") or "<no description>"
            text += _indent(indent + 2, wrap_string(description,
                                                    FIELD_DESCRIPTION_WIDTH - indent)) + "\n\n"
        return text

    def type_guess(self, schema: dict) -> str:
        """What the field list shows as a field's type: ``string``, ``[]Container``,
        ``map[string]string``, ``Object``..."""
        if _object(schema.get("items")):
            return "[]" + self.type_guess(schema["items"])
        if _object(schema.get("additionalProperties")):
            return "map[string]" + self.type_guess(schema["additionalProperties"])
        all_of = schema.get("allOf") or ()
        if len(all_of) == 1 and not schema.get("properties"):
            return self.type_guess(all_of[0])
        ref = schema.get("$ref")
        if ref:
            target = self.resolve(ref)
            if not target or target.get("type") in (None, "", "object"):
                return ref.split("/")[-1].split(".")[-1] or "Object"
            return target["type"]
        kind = schema.get("type")
        return "Object" if kind in (None, "", "object") else kind

    @staticmethod
    def enum(schema: dict, long_view: bool, indent: int = 0) -> str:
        values = schema.get("enum")
        if not values:
            return ""
        text = "ENUM:" if long_view else "\n" + " " * indent + "enum: "
        for index, value in enumerate(values):
            if not long_view and index >= ENUM_LIMIT_IN_LIST:
                return text + ", ...."
            if long_view:
                text += "\n    "
            elif index:
                text += ", "
            text += '""' if value == "" else _go_text(value)
        return text


def _go_text(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _gvk_text(gvk: GroupVersionKind) -> str:
    return f"map[group:{gvk.group} kind:{gvk.kind} version:{gvk.version}]"


def header(gvk: GroupVersionKind) -> str:
    group = f"GROUP:      {gvk.group}\n" if gvk.group else ""
    return f"{group}KIND:       {gvk.kind}\nVERSION:    {gvk.version}\n\n"


@implement("explain")
def run_explain(invocation: Invocation) -> int:
    args, flags = invocation.args, invocation.flags
    if not args:
        raise KubectlError(NO_TYPE_MESSAGE)
    if len(args) > 1:
        raise KubectlError(ONE_RESOURCE_MESSAGE)
    api_version = flags.get("api-version") or ""
    try:
        nodes = path_nodes(args[0])
    except PathError as error:
        raise KubectlError(str(error)) from None
    if not isinstance(nodes[0], str):
        raise KubectlError(FIRST_NODE_NOT_FIELD)
    with invocation.ctx.sandbox.transaction() as cluster:
        connect(invocation, cluster, discovery_attempts=2)
        resources = served_resources(cluster)
        group_versions = served_group_versions(cluster)
    candidates = [resource for resource in resources if _matches(nodes[0], resource)]
    if not candidates:
        invocation.stderr.write(f'the server doesn\'t have a resource type "{nodes[0]}"\n')
        return 1
    try:
        resource, path = _resolve(args[0], nodes, candidates, exact=bool(api_version))
    except PathError as error:
        raise KubectlError(str(error)) from None
    group, version = resource.group, resource.group_version.rpartition("/")[2]
    if api_version:
        group, version = _parse_group_version(api_version)
    output = flags.get("output") or PLAINTEXT
    if output == PLAINTEXT_OPENAPIV2:
        raise NoOpenApiV2()
    gvr = _gvr_text(group, version, resource.name)
    if (f"{group}/{version}" if group else version) not in group_versions:
        raise KubectlError(f'couldn\'t find resource for "{gvr}"')
    if output != PLAINTEXT:
        raise KubectlError(f"unrecognized format: {output}")
    gvk = GroupVersionKind(group, version, resource.kind)
    catalog = SchemaCatalog.load()
    kind_name = catalog.name_of(gvk)
    if kind_name is None and api_version:
        raise KubectlError(f"GVR ({gvr}) not found in OpenAPI schema")
    invocation.stdout.write(header(gvk))
    invocation.stdout.flush()
    if kind_name is None:
        raise KubectlError(f"GVK {_gvk_text(gvk)} not found in OpenAPI schema")
    explainer = PlaintextExplanation(catalog.schema, bool(flags.get("recursive")))
    text = explainer.output(catalog.schema(kind_name), path)
    if not text:
        raise KubectlError(f'field "{path[-1]}" does not exist')
    invocation.stdout.write(text + "\n")
    return 0
