"""What kubectl does with a server table before it reaches the terminal.

cli-runtime's table printer hides the wide columns unless ``-o wide``, uppercases the headers,
adds the NAMESPACE column for ``-A``, the ``kind/`` prefix when several types are printed, the
LABELS column and ``-L`` columns, cuts cells at their first line break, and aligns it all with
the tabwriter.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TextIO

from .tables import Table
from .tabwriter import TabWriter, kubectl_table_writer


@dataclass
class TablePrintOptions:
    wide: bool = False
    no_headers: bool = False
    with_namespace: bool = False
    kind_prefix: str | None = None
    show_labels: bool = False
    label_columns: list[str] = field(default_factory=list)


def format_labels(labels: dict | None) -> str:
    if not labels:
        return "<none>"
    return ",".join(f"{key}={labels[key]}" for key in sorted(labels))


def _escape(text: str) -> str:
    return "".join(f"^{chr(ord(char) + 64)}" if ord(char) < 32 and char != "\t" else char
                   for char in text)


def format_cell(cell) -> str:
    if cell is None:
        return ""
    if isinstance(cell, bool):
        return "true" if cell else "false"
    text = str(cell)
    if text.isprintable():
        return text
    cut = min((index for index in (text.find(mark) for mark in "\f\n\r") if index >= 0),
              default=-1)
    if cut >= 0:
        return _escape(text[:cut]) + "..."
    return _escape(text)


def label_column_header(key: str) -> str:
    return key.rsplit("/", 1)[-1].upper()


def print_table(table: Table, out: TextIO, options: TablePrintOptions | None = None,
                writer: TabWriter | None = None) -> None:
    """Write ``table`` as ``kubectl get`` would; nothing at all when it has no rows."""
    options = options or TablePrintOptions()
    if not table.rows:
        return
    own_writer = writer is None
    writer = writer or kubectl_table_writer(out)
    visible = [index for index, column in enumerate(table.columns)
               if options.wide or column.priority == 0]
    if not options.no_headers:
        headers = [table.columns[index].name.upper() for index in visible]
        if options.with_namespace:
            headers.insert(0, "NAMESPACE")
        headers.extend(label_column_header(key) for key in options.label_columns)
        if options.show_labels:
            headers.append("LABELS")
        writer.write("\t".join(headers) + "\n")
    for row in table.rows:
        metadata = row.object.get("metadata", {})
        cells = [format_cell(row.cells[index]) if index < len(row.cells) else ""
                 for index in visible]
        if options.kind_prefix and cells:
            cells[0] = f"{options.kind_prefix}/{cells[0]}"
        if options.with_namespace:
            cells.insert(0, metadata.get("namespace", ""))
        labels = metadata.get("labels") or {}
        cells.extend(format_cell(labels.get(key, "")) for key in options.label_columns)
        if options.show_labels:
            cells.append(format_labels(labels))
        writer.write("\t".join(cells) + "\n")
    if own_writer:
        writer.flush()
