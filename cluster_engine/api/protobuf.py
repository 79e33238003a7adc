"""Kubernetes protobuf request bodies, decoded into the wire-form JSON dicts the write path takes.

kubectl's typed generators (``kubectl create deployment``, ``create service``, ``create
configmap``, ``create secret``, ``create namespace``, ``create serviceaccount``, ``create job``)
send their object as ``application/vnd.kubernetes.protobuf`` and never fall back to JSON, so the
API server has to read it. The body is the magic ``k8s\\0`` followed by a ``runtime.Unknown`` envelope whose
``typeMeta`` names the kind and whose ``raw`` holds the object itself, encoded with the field
numbers of the upstream ``generated.proto`` files.

The schemas below are data: per message, the fields in the order Go declares them (which is
the order ``encoding/json`` writes them), each with its field number, JSON name, type and how
Go's JSON encoder treats its zero value. The decoded dict is what the same command sends with
``-o json``: protobuf carries zero values that JSON leaves out (``omitempty``), and JSON keeps
struct values protobuf may leave out (``strategy: {}``, ``resources: {}``, ``status: {}``,
``creationTimestamp: null``). Fields a schema does not list are skipped, as Go skips unknown
fields.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass
from datetime import datetime, timezone

MAGIC = b"k8s\x00"
#: ``runtime.Unknown``: typeMeta = 1, raw = 2, contentEncoding = 3, contentType = 4.
ENVELOPE_TYPE_META, ENVELOPE_RAW, ENVELOPE_CONTENT_ENCODING = 1, 2, 3

VARINT, FIXED64, LENGTH_DELIMITED, FIXED32 = 0, 1, 2, 5

#: How Go's JSON encoder writes a field when its value is the zero value.
OMIT_ZERO = "omit zero"        # ``omitempty`` on a plain value, slice or map: left out
KEEP_SENT = "keep sent"        # ``omitempty`` on a pointer: written whenever the client set it
ALWAYS = "always"              # no ``omitempty``, or a struct value: written, zero or not

#: Scalar types, as (wire type, zero value).
SCALARS = {"string": (LENGTH_DELIMITED, ""), "bytes": (LENGTH_DELIMITED, ""),
           "int32": (VARINT, 0), "int64": (VARINT, 0), "bool": (VARINT, False)}


class ProtobufError(ValueError):
    """The body is not a well-formed protobuf message of the expected type."""


class NoSchema(Exception):
    """The envelope holds a kind ``KINDS`` does not list."""

    def __init__(self, api_version: str, kind: str):
        super().__init__(f"no protobuf schema for {kind} in {api_version or 'no version'}")
        self.api_version, self.kind = api_version, kind


@dataclass(frozen=True)
class Field:
    """One field of a message: its protobuf number, its JSON name, and its type: a key of
    ``SCALARS`` or ``MESSAGES``, or ``Time``, ``IntOrString`` or ``Quantity``."""

    number: int
    name: str
    type: str
    repeated: bool = False
    #: For ``map<string, V>`` fields: ``type`` is V.
    is_map: bool = False
    zero: str = OMIT_ZERO


def _f(number: int, name: str, type_: str = "string", zero: str = OMIT_ZERO) -> Field:
    """A singular field."""
    return Field(number, name, type_, zero=zero)


def _list(number: int, name: str, type_: str = "string", zero: str = OMIT_ZERO) -> Field:
    return Field(number, name, type_, repeated=True, zero=zero)


def _map(number: int, name: str, value_type: str = "string") -> Field:
    return Field(number, name, value_type, is_map=True)


_OBJECT_META = (_f(1, "name"), _f(2, "generateName"), _f(3, "namespace"), _f(4, "selfLink"),
                _f(5, "uid"), _f(6, "resourceVersion"), _f(7, "generation", "int64"),
                _f(8, "creationTimestamp", "Time", ALWAYS),
                _f(9, "deletionTimestamp", "Time", KEEP_SENT),
                _f(10, "deletionGracePeriodSeconds", "int64", KEEP_SENT),
                _map(11, "labels"), _map(12, "annotations"),
                _list(13, "ownerReferences", "OwnerReference"), _list(14, "finalizers"))


def _object(spec: str, status: str) -> tuple[Field, ...]:
    return (_f(1, "metadata", "ObjectMeta", ALWAYS), _f(2, "spec", spec, ALWAYS),
            _f(3, "status", status, ALWAYS))


#: Message name → its fields in Go declaration order. ``Time``, ``IntOrString`` and
#: ``Quantity`` are decoded by hand: their JSON is a string or a number, not an object.
MESSAGES: dict[str, tuple[Field, ...]] = {
    # k8s.io/apimachinery/pkg/runtime
    "TypeMeta": (_f(1, "apiVersion"), _f(2, "kind")),
    # k8s.io/apimachinery/pkg/apis/meta/v1
    "ObjectMeta": _OBJECT_META,
    "OwnerReference": (_f(5, "apiVersion", zero=ALWAYS), _f(1, "kind", zero=ALWAYS),
                       _f(3, "name", zero=ALWAYS), _f(4, "uid", zero=ALWAYS),
                       _f(6, "controller", "bool", KEEP_SENT),
                       _f(7, "blockOwnerDeletion", "bool", KEEP_SENT)),
    "LabelSelector": (_map(1, "matchLabels"),
                      _list(2, "matchExpressions", "LabelSelectorRequirement")),
    "LabelSelectorRequirement": (_f(1, "key", zero=ALWAYS), _f(2, "operator", zero=ALWAYS),
                                 _list(3, "values")),
    # k8s.io/api/apps/v1
    "Deployment": _object("DeploymentSpec", "DeploymentStatus"),
    "DeploymentSpec": (_f(1, "replicas", "int32", KEEP_SENT),
                       # Go writes ``null`` for a missing selector; validation refuses both.
                       _f(2, "selector", "LabelSelector", KEEP_SENT),
                       _f(3, "template", "PodTemplateSpec", ALWAYS),
                       _f(4, "strategy", "DeploymentStrategy", ALWAYS),
                       _f(5, "minReadySeconds", "int32"),
                       _f(6, "revisionHistoryLimit", "int32", KEEP_SENT),
                       _f(7, "paused", "bool"),
                       _f(9, "progressDeadlineSeconds", "int32", KEEP_SENT)),
    "DeploymentStrategy": (_f(1, "type"),
                           _f(2, "rollingUpdate", "RollingUpdateDeployment", KEEP_SENT)),
    "RollingUpdateDeployment": (_f(1, "maxUnavailable", "IntOrString", KEEP_SENT),
                                _f(2, "maxSurge", "IntOrString", KEEP_SENT)),
    "DeploymentStatus": (_f(1, "observedGeneration", "int64"), _f(2, "replicas", "int32"),
                         _f(3, "updatedReplicas", "int32"), _f(7, "readyReplicas", "int32"),
                         _f(4, "availableReplicas", "int32"),
                         _f(5, "unavailableReplicas", "int32"),
                         _f(8, "collisionCount", "int32", KEEP_SENT)),
    # k8s.io/api/core/v1
    "PodTemplateSpec": (_f(1, "metadata", "ObjectMeta", ALWAYS), _f(2, "spec", "PodSpec", ALWAYS)),
    "Pod": _object("PodSpec", "PodStatus"),
    "PodSpec": (_list(20, "initContainers", "Container"),
                _list(2, "containers", "Container", ALWAYS),
                _f(3, "restartPolicy"),
                _f(4, "terminationGracePeriodSeconds", "int64", KEEP_SENT),
                _f(5, "activeDeadlineSeconds", "int64", KEEP_SENT),
                _f(6, "dnsPolicy"), _map(7, "nodeSelector"),
                _f(8, "serviceAccountName"), _f(9, "serviceAccount"),
                _f(21, "automountServiceAccountToken", "bool", KEEP_SENT),
                _f(10, "nodeName"), _f(11, "hostNetwork", "bool"), _f(12, "hostPID", "bool"),
                _f(13, "hostIPC", "bool"),
                _f(27, "shareProcessNamespace", "bool", KEEP_SENT),
                _list(15, "imagePullSecrets", "LocalObjectReference"),
                _f(16, "hostname"), _f(17, "subdomain"), _f(19, "schedulerName"),
                _list(22, "tolerations", "Toleration"), _f(24, "priorityClassName"),
                _f(25, "priority", "int32", KEEP_SENT),
                _f(29, "runtimeClassName", zero=KEEP_SENT),
                _f(30, "enableServiceLinks", "bool", KEEP_SENT),
                _f(31, "preemptionPolicy", zero=KEEP_SENT),
                _f(35, "setHostnameAsFQDN", "bool", KEEP_SENT),
                _f(37, "hostUsers", "bool", KEEP_SENT)),
    "LocalObjectReference": (_f(1, "name"),),
    "Toleration": (_f(1, "key"), _f(2, "operator"), _f(3, "value"), _f(4, "effect"),
                   _f(5, "tolerationSeconds", "int64", KEEP_SENT)),
    "Container": (_f(1, "name", zero=ALWAYS), _f(2, "image"), _list(3, "command"),
                  _list(4, "args"), _f(5, "workingDir"), _list(6, "ports", "ContainerPort"),
                  _list(7, "env", "EnvVar"),
                  _f(8, "resources", "ResourceRequirements", ALWAYS),
                  _f(24, "restartPolicy", zero=KEEP_SENT),
                  _list(9, "volumeMounts", "VolumeMount"),
                  _f(13, "terminationMessagePath"), _f(20, "terminationMessagePolicy"),
                  _f(14, "imagePullPolicy"), _f(16, "stdin", "bool"),
                  _f(17, "stdinOnce", "bool"), _f(18, "tty", "bool")),
    "ContainerPort": (_f(1, "name"), _f(2, "hostPort", "int32"),
                      _f(3, "containerPort", "int32", ALWAYS), _f(4, "protocol"),
                      _f(5, "hostIP")),
    "EnvVar": (_f(1, "name", zero=ALWAYS), _f(2, "value")),
    "ResourceRequirements": (_map(1, "limits", "Quantity"), _map(2, "requests", "Quantity"),
                             _list(3, "claims", "ResourceClaim")),
    "ResourceClaim": (_f(1, "name", zero=ALWAYS), _f(2, "request")),
    "VolumeMount": (_f(1, "name", zero=ALWAYS), _f(2, "readOnly", "bool"),
                    _f(7, "recursiveReadOnly", zero=KEEP_SENT),
                    _f(3, "mountPath", zero=ALWAYS), _f(4, "subPath"),
                    _f(5, "mountPropagation", zero=KEEP_SENT), _f(6, "subPathExpr")),
    "PodStatus": (_f(1, "phase"), _f(3, "message"), _f(4, "reason"),
                  _f(11, "nominatedNodeName"), _f(5, "hostIP"), _f(6, "podIP"),
                  _f(7, "startTime", "Time", KEEP_SENT), _f(9, "qosClass")),
    "Service": _object("ServiceSpec", "ServiceStatus"),
    "ServiceSpec": (_list(1, "ports", "ServicePort"), _map(2, "selector"), _f(3, "clusterIP"),
                    _list(18, "clusterIPs"), _f(4, "type"), _list(5, "externalIPs"),
                    _f(7, "sessionAffinity"), _f(8, "loadBalancerIP"),
                    _list(9, "loadBalancerSourceRanges"), _f(10, "externalName"),
                    _f(11, "externalTrafficPolicy"), _f(12, "healthCheckNodePort", "int32"),
                    _f(13, "publishNotReadyAddresses", "bool"), _list(19, "ipFamilies"),
                    _f(17, "ipFamilyPolicy", zero=KEEP_SENT),
                    _f(20, "allocateLoadBalancerNodePorts", "bool", KEEP_SENT),
                    _f(21, "loadBalancerClass", zero=KEEP_SENT),
                    _f(22, "internalTrafficPolicy", zero=KEEP_SENT),
                    _f(23, "trafficDistribution", zero=KEEP_SENT)),
    "ServicePort": (_f(1, "name"), _f(2, "protocol"), _f(6, "appProtocol", zero=KEEP_SENT),
                    _f(3, "port", "int32", ALWAYS), _f(4, "targetPort", "IntOrString", ALWAYS),
                    _f(5, "nodePort", "int32")),
    "ServiceStatus": (_f(1, "loadBalancer", "LoadBalancerStatus", ALWAYS),),
    "LoadBalancerStatus": (_list(1, "ingress", "LoadBalancerIngress"),),
    "LoadBalancerIngress": (_f(1, "ip"), _f(2, "hostname"), _f(3, "ipMode", zero=KEEP_SENT)),
    "ConfigMap": (_f(1, "metadata", "ObjectMeta", ALWAYS), _f(4, "immutable", "bool", KEEP_SENT),
                  _map(2, "data"), _map(3, "binaryData", "bytes")),
    "Secret": (_f(1, "metadata", "ObjectMeta", ALWAYS), _f(5, "immutable", "bool", KEEP_SENT),
               _map(2, "data", "bytes"), _map(4, "stringData"), _f(3, "type")),
    "ServiceAccount": (_f(1, "metadata", "ObjectMeta", ALWAYS),
                       _list(2, "secrets", "ObjectReference"),
                       _list(3, "imagePullSecrets", "LocalObjectReference"),
                       _f(4, "automountServiceAccountToken", "bool", KEEP_SENT)),
    "ObjectReference": (_f(1, "kind"), _f(2, "namespace"), _f(3, "name"), _f(4, "uid"),
                        _f(5, "apiVersion"), _f(6, "resourceVersion"), _f(7, "fieldPath")),
    "Namespace": _object("NamespaceSpec", "NamespaceStatus"),
    "NamespaceSpec": (_list(1, "finalizers"),),
    "NamespaceStatus": (_f(1, "phase"),),
    # k8s.io/api/batch/v1
    "Job": _object("JobSpec", "JobStatus"),
    "JobSpec": (_f(1, "parallelism", "int32", KEEP_SENT),
                _f(2, "completions", "int32", KEEP_SENT),
                _f(3, "activeDeadlineSeconds", "int64", KEEP_SENT),
                _f(7, "backoffLimit", "int32", KEEP_SENT),
                _f(12, "backoffLimitPerIndex", "int32", KEEP_SENT),
                _f(13, "maxFailedIndexes", "int32", KEEP_SENT),
                _f(4, "selector", "LabelSelector", KEEP_SENT),
                _f(5, "manualSelector", "bool", KEEP_SENT),
                _f(6, "template", "PodTemplateSpec", ALWAYS),
                _f(8, "ttlSecondsAfterFinished", "int32", KEEP_SENT),
                _f(9, "completionMode", zero=KEEP_SENT),
                _f(10, "suspend", "bool", KEEP_SENT),
                _f(14, "podReplacementPolicy", zero=KEEP_SENT),
                _f(15, "managedBy", zero=KEEP_SENT)),
    "JobStatus": (_f(2, "startTime", "Time", KEEP_SENT),
                  _f(3, "completionTime", "Time", KEEP_SENT),
                  _f(4, "active", "int32"), _f(5, "succeeded", "int32"), _f(6, "failed", "int32"),
                  _f(11, "terminating", "int32", KEEP_SENT), _f(7, "completedIndexes"),
                  _f(10, "failedIndexes", zero=KEEP_SENT), _f(9, "ready", "int32", KEEP_SENT)),
}

#: The kinds whose protobuf the server reads, by (apiVersion, kind) of the envelope.
KINDS = {("apps/v1", "Deployment"): "Deployment", ("v1", "Pod"): "Pod",
         ("v1", "Service"): "Service", ("v1", "ConfigMap"): "ConfigMap",
         ("v1", "Secret"): "Secret", ("v1", "Namespace"): "Namespace",
         ("v1", "ServiceAccount"): "ServiceAccount",
         ("batch/v1", "Job"): "Job"}


# -- wire format ---------------------------------------------------------------------------------
def _varint(data: bytes, pos: int) -> tuple[int, int]:
    value = shift = 0
    while True:
        if pos >= len(data):
            raise ProtobufError("unexpected EOF")
        byte = data[pos]
        pos += 1
        value |= (byte & 0x7F) << shift
        if not byte & 0x80:
            return value, pos
        shift += 7
        if shift >= 64:
            raise ProtobufError("integer overflow")


def _fields(data: bytes):
    """(field number, wire type, value) of each field: an int, or bytes if length-delimited."""
    pos = 0
    while pos < len(data):
        key, pos = _varint(data, pos)
        number, wire_type = key >> 3, key & 7
        if number == 0:
            raise ProtobufError("illegal tag 0")
        if wire_type == VARINT:
            value, pos = _varint(data, pos)
        elif wire_type == LENGTH_DELIMITED:
            length, pos = _varint(data, pos)
            if pos + length > len(data):
                raise ProtobufError("unexpected EOF")
            value, pos = data[pos:pos + length], pos + length
        elif wire_type in (FIXED64, FIXED32):
            size = 8 if wire_type == FIXED64 else 4
            if pos + size > len(data):
                raise ProtobufError("unexpected EOF")
            value, pos = int.from_bytes(data[pos:pos + size], "little"), pos + size
        else:
            raise ProtobufError(f"illegal wireType {wire_type} for field {number}")
        yield number, wire_type, value


def _signed(value: int, bits: int) -> int:
    value &= (1 << bits) - 1
    return value - (1 << bits) if value >> (bits - 1) else value


# -- typed values --------------------------------------------------------------------------------
def _time(data: bytes) -> str | None:
    """``metav1.Time``: RFC 3339 in UTC to the second; the zero time is ``null`` in JSON."""
    seconds = nanos = 0
    for number, wire_type, value in _fields(data):
        if wire_type == VARINT and number == 1:
            seconds = _signed(value, 64)
        elif wire_type == VARINT and number == 2:
            nanos = _signed(value, 32)
    if seconds == 0 and nanos == 0:
        return None
    try:
        moment = datetime.fromtimestamp(seconds, timezone.utc)
    except (OverflowError, OSError, ValueError):
        raise ProtobufError(f"timestamp out of range: {seconds} seconds") from None
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def _int_or_string(data: bytes) -> int | str:
    kind, int_value, str_value = 0, 0, ""
    for number, wire_type, value in _fields(data):
        if wire_type == VARINT and number == 1:
            kind = value
        elif wire_type == VARINT and number == 2:
            int_value = _signed(value, 32)
        elif wire_type == LENGTH_DELIMITED and number == 3:
            str_value = _text(value)
    return str_value if kind == 1 else int_value


def _quantity(data: bytes) -> str:
    text = "0"
    for number, wire_type, value in _fields(data):
        if wire_type == LENGTH_DELIMITED and number == 1:
            text = _text(value)
    return text


SPECIAL_MESSAGES = {"Time": _time, "IntOrString": _int_or_string, "Quantity": _quantity}
#: The JSON of a special message the client did not send.
SPECIAL_ZEROS = {"Time": None, "IntOrString": 0, "Quantity": "0"}


def _text(data: bytes) -> str:
    try:
        return data.decode()
    except UnicodeDecodeError:
        raise ProtobufError("invalid UTF-8 in a string field") from None


def _value(field: Field, wire_type: int, value):
    """The JSON of one occurrence of ``field`` on the wire."""
    expected = SCALARS[field.type][0] if field.type in SCALARS else LENGTH_DELIMITED
    if wire_type != expected:
        raise ProtobufError(f"proto: wrong wireType = {wire_type} for field {field.name}")
    if field.type == "string":
        return _text(value)
    if field.type == "bytes":
        return base64.b64encode(value).decode()
    if field.type == "int32":
        return _signed(value, 32)
    if field.type == "int64":
        return _signed(value, 64)
    if field.type == "bool":
        return value != 0
    if field.type in SPECIAL_MESSAGES:
        return SPECIAL_MESSAGES[field.type](value)
    return decode_message(field.type, value)


def _map_entry(field: Field, data: bytes) -> tuple[str, object]:
    key, value = "", None
    value_field = Field(2, field.name, field.type)
    for number, wire_type, item in _fields(data):
        if number == 1 and wire_type == LENGTH_DELIMITED:
            key = _text(item)
        elif number == 2:
            value = _value(value_field, wire_type, item)
    return key, _zero(value_field) if value is None else value


def _zero(field: Field):
    """The JSON Go writes for a field the body left at its zero value."""
    if field.repeated or field.is_map:
        return None
    if field.type in SCALARS:
        return SCALARS[field.type][1]
    if field.type in SPECIAL_ZEROS:
        return SPECIAL_ZEROS[field.type]
    return decode_message(field.type, b"")


def _is_zero(value) -> bool:
    return value in ("", 0, None, [], {})


def decode_message(name: str, data: bytes) -> dict:
    """The JSON form of one message of type ``name``."""
    schema = MESSAGES[name]
    by_number = {field.number: field for field in schema}
    sent: dict[int, object] = {}
    for number, wire_type, value in _fields(data):
        field = by_number.get(number)
        if field is None:
            continue
        if field.is_map:
            if wire_type != LENGTH_DELIMITED:
                raise ProtobufError(f"proto: wrong wireType = {wire_type} for field {field.name}")
            key, item = _map_entry(field, value)
            sent.setdefault(number, {})[key] = item
        elif field.repeated:
            sent.setdefault(number, []).append(_value(field, wire_type, value))
        else:
            sent[number] = _value(field, wire_type, value)
    document = {}
    for field in schema:
        if field.number in sent:
            value = sent[field.number]
            if field.zero == OMIT_ZERO and _is_zero(value):
                continue
            document[field.name] = value
        elif field.zero == ALWAYS:
            document[field.name] = _zero(field)
    return document


def decode_body(body: bytes) -> dict:
    """The object a ``application/vnd.kubernetes.protobuf`` request body carries, as JSON.

    Raises ``ProtobufError`` for a body that is not a Kubernetes protobuf envelope, and
    ``NoSchema`` for an envelope whose kind has no schema here.
    """
    if not body.startswith(MAGIC):
        raise ProtobufError("provided data does not appear to be a protobuf message, expected "
                            "prefix [107 56 115 0]")
    type_meta, raw = {}, b""
    for number, wire_type, value in _fields(body[len(MAGIC):]):
        if wire_type != LENGTH_DELIMITED:
            continue
        if number == ENVELOPE_TYPE_META:
            type_meta = decode_message("TypeMeta", value)
        elif number == ENVELOPE_RAW:
            raw = value
        elif number == ENVELOPE_CONTENT_ENCODING and value:
            raise ProtobufError(f'unsupported content encoding "{_text(value)}"')
    api_version, kind = type_meta.get("apiVersion", ""), type_meta.get("kind", "")
    message = KINDS.get((api_version, kind))
    if message is None:
        raise NoSchema(api_version, kind)
    return {"kind": kind, "apiVersion": api_version, **decode_message(message, raw)}
