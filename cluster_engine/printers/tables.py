"""Server-side tables: the rows the API server sends when kubectl asks for ``as=Table``.

In a real cluster the API server, not kubectl, decides what ``kubectl get`` shows: it turns each
object into a row of cells under named column definitions (``pkg/printers/internalversion``).
Columns with a priority above 0 are the ``-o wide`` ones; the server always sends them and the
client hides them. Keeping that split here lets the REST façade serve the same tables to a real
kubectl that the simulated kubectl prints.

``TABLE_GENERATORS`` maps a kind to its columns and row function; kinds without one get the
server's default ``Name`` / ``Age`` table.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from typing import Callable

from ..clock import parse_rfc3339
from .duration import age


@dataclass(frozen=True)
class TableColumn:
    name: str
    type: str = "string"
    format: str = ""
    priority: int = 0
    description: str = ""


@dataclass
class TableRow:
    cells: list
    object: dict


@dataclass
class Table:
    columns: list[TableColumn]
    rows: list[TableRow] = field(default_factory=list)


RowFunction = Callable[[dict, float], list]


@dataclass(frozen=True)
class TableGenerator:
    columns: tuple[TableColumn, ...]
    row: RowFunction


TABLE_GENERATORS: dict[str, TableGenerator] = {}


def table_generator(kind: str, columns: tuple[TableColumn, ...]):
    """Register ``row(obj, now) -> cells`` as the table for objects of ``kind``."""
    def register(function: RowFunction) -> RowFunction:
        TABLE_GENERATORS[kind] = TableGenerator(columns, function)
        return function
    return register


@lru_cache(maxsize=4096)
def parsed_timestamp(stamp: str) -> float:
    """Objects created together share their timestamp text; strptime per row dominated tables."""
    return parse_rfc3339(stamp)


def object_age(obj: dict, now: float) -> str:
    created = obj.get("metadata", {}).get("creationTimestamp")
    return age(parsed_timestamp(created) if created else None, now)


NAME_COLUMN = TableColumn("Name", format="name", description="Name must be unique within a "
                          "namespace.")
AGE_COLUMN = TableColumn("Age", description="CreationTimestamp is a timestamp representing the "
                         "server time when this object was created.")


def _default_row(obj: dict, now: float) -> list:
    return [obj["metadata"]["name"], object_age(obj, now)]


DEFAULT_TABLE = TableGenerator((NAME_COLUMN, AGE_COLUMN), _default_row)


def build_table(kind: str, objects: list[dict], now: float) -> Table:
    generator = TABLE_GENERATORS.get(kind, DEFAULT_TABLE)
    return Table(list(generator.columns),
                 [TableRow(generator.row(obj, now), obj) for obj in objects])


# -- nodes -----------------------------------------------------------------------------------------
NODE_ROLE_LABEL_PREFIX = "node-role.kubernetes.io/"
NODE_ROLE_LABEL = "kubernetes.io/role"


def node_status(node: dict) -> str:
    """``Ready``/``NotReady`` from the Ready condition, ``Unknown`` without one, plus cordoning."""
    statuses = []
    for condition in node.get("status", {}).get("conditions") or []:
        if condition.get("type") == "Ready":
            statuses = ["Ready" if condition.get("status") == "True" else "NotReady"]
    if not statuses:
        statuses = ["Unknown"]
    if node.get("spec", {}).get("unschedulable"):
        statuses.append("SchedulingDisabled")
    return ",".join(statuses)


def node_roles(node: dict) -> str:
    roles = set()
    for key, value in (node.get("metadata", {}).get("labels") or {}).items():
        if key.startswith(NODE_ROLE_LABEL_PREFIX):
            role = key[len(NODE_ROLE_LABEL_PREFIX):]
            if role:
                roles.add(role)
        elif key == NODE_ROLE_LABEL and value:
            roles.add(value)
    return ",".join(sorted(roles)) or "<none>"


def node_address(node: dict, kind: str) -> str:
    for address in node.get("status", {}).get("addresses") or []:
        if address.get("type") == kind:
            return address.get("address", "")
    return "<none>"


@table_generator("Node", (
    NAME_COLUMN,
    TableColumn("Status", description="The status of the node"),
    TableColumn("Roles", description="The roles of the node"),
    AGE_COLUMN,
    TableColumn("Version", description="Kubelet Version reported by the node."),
    TableColumn("Internal-IP", priority=1, description="List of addresses reachable to the node."),
    TableColumn("External-IP", priority=1, description="List of addresses reachable to the node."),
    TableColumn("OS-Image", priority=1, description="OS Image reported by the node."),
    TableColumn("Kernel-Version", priority=1, description="Kernel Version reported by the node."),
    TableColumn("Container-Runtime", priority=1,
                description="ContainerRuntime Version reported by the node."),
))
def node_row(node: dict, now: float) -> list:
    info = node.get("status", {}).get("nodeInfo") or {}
    return [
        node["metadata"]["name"],
        node_status(node),
        node_roles(node),
        object_age(node, now),
        info.get("kubeletVersion", ""),
        node_address(node, "InternalIP"),
        node_address(node, "ExternalIP"),
        info.get("osImage") or "<unknown>",
        info.get("kernelVersion") or "<unknown>",
        info.get("containerRuntimeVersion") or "<unknown>",
    ]


# -- namespaces ------------------------------------------------------------------------------------
@table_generator("Namespace", (
    NAME_COLUMN,
    TableColumn("Status", description="The status of the namespace"),
    AGE_COLUMN,
))
def namespace_row(namespace: dict, now: float) -> list:
    return [namespace["metadata"]["name"], namespace.get("status", {}).get("phase", ""),
            object_age(namespace, now)]


from . import workload_tables  # noqa: E402,F401  (registers the pod, workload and service tables)
from . import cluster_tables  # noqa: E402,F401  (events, configuration, daemon sets, slices)
