"""Server-side tables for the objects around the workloads: events, configuration objects,
daemon sets, endpoint slices and leases.

Each row function follows the API server's printers for that kind (reference §1.2): an event's
LAST SEEN falls back from ``lastTimestamp`` to ``firstTimestamp`` to ``eventTime``, its OBJECT is
``kind/name`` in lower case; endpoint slices and leases print ``<unset>`` for what is missing.
The server always builds the wide form, so every row carries its ``priority=1`` cells too.
Importing this module registers the tables with ``tables``.
"""

from __future__ import annotations

from datetime import datetime, timezone

from .duration import age
from .tables import AGE_COLUMN, NAME_COLUMN, TableColumn, object_age, table_generator
from .workload_tables import WORKLOAD_WIDE_COLUMNS, _template_cells, format_labels

MAX_LISTED = 3


def event_instant(stamp: str | None) -> float | None:
    """An RFC 3339 time with or without fractional seconds (events carry both kinds)."""
    if not stamp:
        return None
    base, _, rest = stamp.rstrip("Z").partition(".")
    moment = datetime.strptime(base, "%Y-%m-%dT%H:%M:%S").replace(tzinfo=timezone.utc)
    return moment.timestamp() + (float("0." + rest) if rest else 0.0)


def event_first_seen(event: dict) -> float | None:
    return event_instant(event.get("firstTimestamp")) or event_instant(event.get("eventTime"))


def event_last_seen(event: dict) -> float | None:
    """When an event last happened: the series' last observation, ``lastTimestamp``, or else
    when it first happened."""
    series = event.get("series") or {}
    if series.get("lastObservedTime"):
        return event_instant(series["lastObservedTime"])
    return event_instant(event.get("lastTimestamp")) or event_first_seen(event)


def _event_source(event: dict) -> str:
    source = event.get("source") or {}
    component = source.get("component") or event.get("reportingComponent") or ""
    host = source.get("host") or event.get("reportingInstance") or ""
    if not component and not host:
        return ""
    return f"{component}, {host}" if host else component


@table_generator("Event", (
    TableColumn("Last Seen", description="The time at which the most recent occurrence of this "
                "event was recorded."),
    TableColumn("Type", description="Type of this event (Normal, Warning), new types could be "
                "added in the future"),
    TableColumn("Reason", description="This should be a short, machine understandable string "
                "that gives the reason for the transition into the object's current status."),
    TableColumn("Object", description="The object that this event is about."),
    TableColumn("Subobject", priority=1, description="The field of the object this event is "
                "about, when it is a part of it, e.g. a container."),
    TableColumn("Source", priority=1, description="The component reporting this event."),
    TableColumn("Message", description="A human-readable description of the status of this "
                "operation."),
    TableColumn("First Seen", priority=1, description="The time at which the event was first "
                "recorded."),
    TableColumn("Count", type="integer", priority=1, description="The number of times this "
                "event has occurred."),
    TableColumn("Name", format="name", priority=1, description=NAME_COLUMN.description),
))
def event_row(event: dict, now: float) -> list:
    involved = event.get("involvedObject") or {}
    kind = (involved.get("kind") or "").lower()
    target = f"{kind}/{involved['name']}" if involved.get("name") else kind
    series = event.get("series") or {}
    count = series.get("count") if series else (event.get("count") or 1)
    return [age(event_last_seen(event), now), event.get("type", ""), event.get("reason", ""),
            target, involved.get("fieldPath", ""), _event_source(event),
            (event.get("message") or "").strip(), age(event_first_seen(event), now), count,
            event["metadata"]["name"]]


@table_generator("ConfigMap", (
    NAME_COLUMN,
    TableColumn("Data", type="integer", description="Data contains the configuration data."),
    AGE_COLUMN,
))
def config_map_row(config_map: dict, now: float) -> list:
    entries = len(config_map.get("data") or {}) + len(config_map.get("binaryData") or {})
    return [config_map["metadata"]["name"], entries, object_age(config_map, now)]


@table_generator("Secret", (
    NAME_COLUMN,
    TableColumn("Type", description="Used to facilitate programmatic handling of secret data."),
    TableColumn("Data", type="integer", description="Data contains the secret data."),
    AGE_COLUMN,
))
def secret_row(secret: dict, now: float) -> list:
    return [secret["metadata"]["name"], secret.get("type", ""), len(secret.get("data") or {}),
            object_age(secret, now)]


@table_generator("ServiceAccount", (
    NAME_COLUMN,
    TableColumn("Secrets", type="integer", description="Secrets is a list of the secrets in the "
                "same namespace that pods running using this ServiceAccount are allowed to use."),
    AGE_COLUMN,
))
def service_account_row(account: dict, now: float) -> list:
    return [account["metadata"]["name"], len(account.get("secrets") or []),
            object_age(account, now)]


@table_generator("DaemonSet", (
    NAME_COLUMN,
    TableColumn("Desired", type="integer", description="The total number of nodes that should be "
                "running the daemon pod."),
    TableColumn("Current", type="integer", description="The number of nodes that are running at "
                "least 1 daemon pod and are supposed to run the daemon pod."),
    TableColumn("Ready", type="integer", description="The number of nodes that should be running "
                "the daemon pod and have one or more of the daemon pod running and ready."),
    TableColumn("Up-to-date", type="integer", description="The total number of nodes that are "
                "running updated daemon pod"),
    TableColumn("Available", type="integer", description="The number of nodes that should be "
                "running the daemon pod and have one or more of the daemon pod running and "
                "available."),
    TableColumn("Node Selector", description="NodeSelector is a selector which must be true for "
                "the pod to fit on a node."),
    AGE_COLUMN,
    *WORKLOAD_WIDE_COLUMNS,
))
def daemon_set_row(daemon_set: dict, now: float) -> list:
    status = daemon_set.get("status", {})
    node_selector = daemon_set.get("spec", {}).get("template", {}).get("spec", {}) \
        .get("nodeSelector")
    return [daemon_set["metadata"]["name"], status.get("desiredNumberScheduled", 0),
            status.get("currentNumberScheduled", 0), status.get("numberReady", 0),
            status.get("updatedNumberScheduled", 0), status.get("numberAvailable", 0),
            format_labels(node_selector), object_age(daemon_set, now),
            *_template_cells(daemon_set)]


def _listed(items: list[str]) -> str:
    """At most three items, then `` + N more...``; ``<unset>`` for none."""
    text = ",".join(items[:MAX_LISTED])
    if len(items) > MAX_LISTED:
        return f"{text} + {len(items) - MAX_LISTED} more..."
    return text or "<unset>"


@table_generator("EndpointSlice", (
    NAME_COLUMN,
    TableColumn("AddressType", description="addressType specifies the type of address carried by "
                "this EndpointSlice."),
    TableColumn("Ports", description="ports specifies the list of network ports exposed by each "
                "endpoint in this slice."),
    TableColumn("Endpoints", description="endpoints is a list of unique endpoints in this "
                "slice."),
    AGE_COLUMN,
))
def endpoint_slice_row(endpoint_slice: dict, now: float) -> list:
    ports = [str(port["port"]) if port.get("port") is not None else (port.get("name") or "*")
             for port in endpoint_slice.get("ports") or []]
    addresses = [address for endpoint in endpoint_slice.get("endpoints") or []
                 for address in endpoint.get("addresses") or []]
    return [endpoint_slice["metadata"]["name"], endpoint_slice.get("addressType", ""),
            _listed(ports), _listed(addresses), object_age(endpoint_slice, now)]


@table_generator("Lease", (
    NAME_COLUMN,
    TableColumn("Holder", description="The holder of the lease."),
    AGE_COLUMN,
))
def lease_row(lease: dict, now: float) -> list:
    holder = lease.get("spec", {}).get("holderIdentity")
    return [lease["metadata"]["name"], "<unset>" if holder is None else holder,
            object_age(lease, now)]
