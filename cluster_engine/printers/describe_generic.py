"""``kubectl describe`` for a type without a page of its own (Events, EndpointSlices, Leases …).

kubectl then falls back to its generic describer: name, namespace, labels and annotations, and
then every field of the object, keys sorted at each level, each key turned into a label
(``apiVersion`` → ``API Version``, ``uid`` → ``UID``), values as Go's ``%v`` prints them.
"""

from __future__ import annotations

import re

from .describe import PrefixWriter, write_annotations, write_events, write_labels
from .gofmt import format_value

#: Parts kubectl keeps in capitals when it makes a label of a field name.
_ACRONYMS = frozenset({"API", "URL", "UID", "OSB", "GUID"})
#: The pieces fatih/camelcase splits a name into: runs of lower case after one capital, runs of
#: capitals not followed by lower case, runs of digits, runs of anything else.
_CAMEL_PARTS = re.compile(r"[A-Z]?[a-z]+|[A-Z]+(?![a-z])|[0-9]+|[^A-Za-z0-9]+")
#: What the page shows at its top, so the walk over the object skips them.
_SHOWN_ABOVE = frozenset({".metadata.managedFields", ".metadata.name", ".metadata.namespace",
                          ".metadata.labels", ".metadata.annotations"})


def smart_label(field: str) -> str:
    """``smartLabelFor``: ``firstTimestamp`` → ``First Timestamp``; names with characters other
    than letters and ``-`` stay as they are."""
    if any(not (char.isalpha() or char == "-") for char in field):
        return field
    parts = [part for part in _CAMEL_PARTS.findall(field) if part != "_"]
    return " ".join(part.upper() if part.upper() in _ACRONYMS else part[:1].upper() + part[1:]
                    for part in parts)


def _write_content(w: PrefixWriter, level: int, content: dict, prefix: str) -> None:
    for field in sorted(content):
        value, path = content[field], f"{prefix}.{field}"
        if path in _SHOWN_ABOVE:
            continue
        if isinstance(value, dict):
            w.write(level, f"{smart_label(field)}:\n")
            _write_content(w, level + 1, value, path)
        elif isinstance(value, list):
            w.write(level, f"{smart_label(field)}:\n")
            for item in value:
                if isinstance(item, dict):
                    _write_content(w, level + 1, item, path)
                else:
                    w.write(level + 1, f"{format_value(item)}\n")
        else:
            w.write(level, f"{smart_label(field)}:\t{format_value(value)}\n")


def describe_generic(obj: dict, events: list[dict] | None, now: float) -> str:
    meta = obj.get("metadata", {})
    w = PrefixWriter()
    w.write(0, f"Name:\t{meta.get('name', '')}\n")
    w.write(0, f"Namespace:\t{meta.get('namespace', '')}\n")
    write_labels(w, "Labels", meta.get("labels"))
    write_annotations(w, "Annotations", meta.get("annotations"))
    _write_content(w, 0, obj, "")
    if events is not None:
        write_events(w, events, now)
    return w.text()
