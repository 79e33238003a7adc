"""How the API server writes its answers: JSON bytes, ``metav1.Status`` errors, content types.

The API server encodes with Go's ``encoding/json`` Encoder: compact, HTML characters escaped, a
trailing newline, struct fields in declaration order. It indents by two spaces when asked with
``?pretty=true`` or when the client looks like a person (a ``curl``, ``Wget`` or browser user
agent), which is why ``curl localhost:8001/api/v1/...`` shows indented JSON and kubectl gets it
compact.
"""

from __future__ import annotations

import json
import re
from urllib.parse import parse_qs

from ..errors import ApiError, BadRequest
from ..loopback import HttpRequest, HttpResponse
from ..printers.serialize import go_yaml
from . import protobuf

_HTML_UNSAFE = {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "\u2028": "\\u2028",
                "\u2029": "\\u2029"}
_PRETTY_AGENTS = ("curl", "Wget", "Mozilla/5.0")

#: ``metav1.ObjectMeta`` field order; fields the engine adds that Go does not know go last.
_METADATA_ORDER = ("name", "generateName", "namespace", "selfLink", "uid", "resourceVersion",
                   "generation", "creationTimestamp", "deletionTimestamp",
                   "deletionGracePeriodSeconds", "labels", "annotations", "ownerReferences",
                   "finalizers", "managedFields")
_TOP_ORDER = ("kind", "apiVersion", "metadata")
_TAIL_ORDER = ("spec", "status")

REASON_PHRASES = {200: "OK", 201: "Created", 202: "Accepted", 301: "Moved Permanently",
                  400: "Bad Request", 403: "Forbidden", 404: "Not Found",
                  405: "Method Not Allowed", 406: "Not Acceptable", 409: "Conflict",
                  415: "Unsupported Media Type", 422: "Unprocessable Entity",
                  500: "Internal Server Error", 502: "Bad Gateway", 503: "Service Unavailable"}

JSON = "application/json"
YAML = "application/yaml"
PROTOBUF = "application/vnd.kubernetes.protobuf"
TABLE = "application/json;as=Table;v=v1;g=meta.k8s.io"
AGGREGATED_DISCOVERY = "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList"
SUPPORTED_MEDIA_TYPES = "application/json, application/yaml, application/vnd.kubernetes.protobuf"


def _ordered(mapping: dict, first: tuple[str, ...], last: tuple[str, ...] = ()) -> dict:
    keys = [key for key in first if key in mapping]
    keys += [key for key in mapping if key not in first and key not in last]
    keys += [key for key in last if key in mapping and key not in first]
    return {key: mapping[key] for key in keys}


def in_go_order(obj: dict) -> dict:
    """An object with its top-level and metadata fields in the order Go's structs declare them."""
    ordered = _ordered(obj, _TOP_ORDER, _TAIL_ORDER)
    if isinstance(ordered.get("metadata"), dict):
        ordered["metadata"] = metadata_in_go_order(ordered["metadata"])
    return ordered


def metadata_in_go_order(metadata: dict) -> dict:
    return _ordered(metadata, _METADATA_ORDER)


def encode_json(document, pretty: bool) -> bytes:
    text = json.dumps(document, ensure_ascii=False,
                      indent=2 if pretty else None,
                      separators=(",", ": ") if pretty else (",", ":"))
    text = re.sub("[<>&\u2028\u2029]", lambda match: _HTML_UNSAFE[match.group()], text)
    return (text + "\n").encode()


class Call:
    """One request as the handlers need it: path parts, query values, what the client accepts."""

    def __init__(self, request: HttpRequest):
        self.request = request
        self.method = request.method.upper()
        path, _, self.raw_query = request.target.partition("?")
        self.path = path or "/"
        self.query = {key: values[-1] for key, values in
                      parse_qs(self.raw_query, keep_blank_values=True).items()}
        self.headers = {name.lower(): value for name, value in request.headers}

    def header(self, name: str) -> str:
        return self.headers.get(name.lower(), "")

    @property
    def pretty(self) -> bool:
        if "pretty" in self.query and self.query["pretty"]:
            return self.query["pretty"].lower() in ("1", "t", "true")
        return self.header("user-agent").startswith(_PRETTY_AGENTS)

    def flag(self, name: str) -> bool:
        return self.query.get(name, "").lower() in ("1", "t", "true")

    def accepted(self) -> list[tuple[str, dict[str, str]]]:
        """The media types of the Accept header in the client's order, with their parameters."""
        accept = self.header("accept") or "*/*"
        ranges = []
        for item in accept.split(","):
            parts = [part.strip() for part in item.split(";")]
            params = {}
            for part in parts[1:]:
                key, _, value = part.partition("=")
                params[key.strip()] = value.strip()
            ranges.append((parts[0].lower(), params))
        return ranges


class UnsupportedMediaType(ApiError):
    code = 415
    reason = "UnsupportedMediaType"


class ServiceUnavailable(ApiError):
    code = 503
    reason = "ServiceUnavailable"


def read_body(call: Call, kind: str = "") -> dict:
    """The JSON object a write of a ``kind`` sent. Protobuf bodies (kubectl's typed
    clients, e.g. ``kubectl create deployment``, send them) are decoded to the same JSON for the
    kinds ``protobuf.KINDS`` lists and refused with the server's 415 for the others."""
    content_type = call.header("content-type").split(";")[0].strip().lower()
    if content_type == PROTOBUF:
        return _protobuf_body(call.request.body or b"", kind)
    if content_type not in ("", JSON, "*/*"):
        raise UnsupportedMediaType(
            "the body of the request was in an unknown format - accepted media types include: "
            + SUPPORTED_MEDIA_TYPES)
    try:
        document = json.loads(call.request.body or b"{}")
    except ValueError as error:
        raise BadRequest(f"the body of the request was in an unknown format - accepted media "
                         f"types include: {SUPPORTED_MEDIA_TYPES} ({error})") from None
    if not isinstance(document, dict):
        raise BadRequest("the body of the request was in an unknown format")
    return document


def _protobuf_body(body: bytes, kind: str) -> dict:
    try:
        return protobuf.decode_body(body)
    except protobuf.ProtobufError as error:
        raise BadRequest(f"the object provided is unrecognized (must be of type {kind}): "
                         f"{error} ({_summary(body)})") from None
    except protobuf.NoSchema:
        raise UnsupportedMediaType(
            "the body of the request was in an unknown format - accepted media types include: "
            + SUPPORTED_MEDIA_TYPES) from None


def _summary(body: bytes, limit: int = 30) -> str:
    """The start of a body a decode error quotes: as text if it looks like JSON, else in hex."""
    if not body:
        return "<empty>"
    start = body[:limit].decode(errors="replace") if body[:1] == b"{" else body[:limit].hex()
    return start + " ..." if len(body) > limit else start


class NotAcceptable(Exception):
    """No media type the client accepts is one the server writes."""


def negotiate(call: Call, table_allowed: bool, discovery_allowed: bool = False) -> str:
    """JSON, YAML, TABLE or AGGREGATED_DISCOVERY, the first the Accept header allows (the last
    two only where the path has them); raise NotAcceptable if none."""
    for media_type, params in call.accepted():
        if params.get("as") == "APIGroupDiscoveryList":
            if (discovery_allowed and media_type == JSON
                    and params.get("g") == "apidiscovery.k8s.io" and params.get("v") == "v2"):
                return AGGREGATED_DISCOVERY
            continue
        if params.get("as") == "Table":
            if (table_allowed and media_type in (JSON, "application/*", "*/*")
                    and params.get("g") == "meta.k8s.io" and params.get("v") == "v1"):
                return TABLE
            continue
        if params.get("as"):
            continue
        if media_type in (JSON, "application/*", "*/*"):
            return JSON
        if media_type == YAML:
            return YAML
    raise NotAcceptable


def respond(call: Call, status: int, document: dict, media_type: str = JSON,
            headers: list[tuple[str, str]] | None = None) -> HttpResponse:
    if media_type == YAML:
        body, content_type = go_yaml(document).encode(), YAML
    else:
        body = encode_json(document, call.pretty)
        content_type = JSON if media_type == JSON else media_type
    return HttpResponse(status, REASON_PHRASES.get(status, ""),
                        [("Content-Type", content_type), *(headers or [])], body)


def plain(status: int, text: str, content_type: str = "text/plain; charset=utf-8",
          headers: list[tuple[str, str]] | None = None) -> HttpResponse:
    return HttpResponse(status, REASON_PHRASES.get(status, ""),
                        [("Content-Type", content_type), *(headers or [])], text.encode())


def status_document(code: int, reason: str, message: str, details: dict | None = None) -> dict:
    document = {"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Failure",
                "message": message, "reason": reason}
    if details is not None:
        document["details"] = details
    document["code"] = code
    return document


def error_response(call: Call, error: ApiError, group: str = "") -> HttpResponse:
    details = getattr(error, "details", None)
    resource, name = getattr(error, "resource", None), getattr(error, "name", None)
    if details is not None:
        details = {key: value for key, value in details.items() if value}
    elif resource is not None:
        details = {"name": name}
        plural, dot, resource_group = resource.partition(".")
        if dot:
            details["group"] = resource_group
        details["kind"] = plural
    elif error.code == 404:
        details = {}
    return respond(call, error.code, status_document(error.code, error.reason, error.message,
                                                     details))


def failure(call: Call, code: int, reason: str, message: str,
            details: dict | None = None) -> HttpResponse:
    return respond(call, code, status_document(code, reason, message, details))


def not_found_path(call: Call) -> HttpResponse:
    return failure(call, 404, "NotFound", "the server could not find the requested resource", {})


def method_not_allowed(call: Call) -> HttpResponse:
    return failure(call, 405, "MethodNotAllowed",
                   "the server does not allow this method on the requested resource", {})


def not_acceptable(call: Call) -> HttpResponse:
    return HttpResponse(406, REASON_PHRASES[406], [("Content-Type", JSON)], encode_json(
        status_document(406, "NotAcceptable", "only the following media types are accepted: "
                        + SUPPORTED_MEDIA_TYPES), call.pretty))
