"""``kubectl get -o custom-columns=HEADER:PATH,...``: a table whose columns are JSONPath lookups.

cli-runtime's custom-columns printer writes the headers as given (not uppercased), even when there
are no rows, then one line per object. A column shows every value its path finds, joined by
commas and printed with Go's ``%v``, or ``<none>`` when the path finds nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TextIO

from .gofmt import format_value
from .jsonpath import JsonPath, JsonPathParseError, relaxed
from .tabwriter import TabWriter, kubectl_table_writer


class CustomColumnsError(Exception):
    """A spec kubectl rejects; the message is kubectl's."""


@dataclass
class Column:
    header: str
    path: JsonPath


def parse_spec(spec: str) -> list[Column]:
    if not spec:
        raise CustomColumnsError("custom-columns format specified but no custom columns given")
    columns = []
    for part in spec.split(","):
        pieces = part.split(":")
        if len(pieces) != 2:
            raise CustomColumnsError(
                f"unexpected custom-columns spec: {part}, expected <header>:<json-path-expr>")
        header, expression = pieces
        try:
            columns.append(Column(header, JsonPath(relaxed(expression))))
        except JsonPathParseError as error:
            raise CustomColumnsError(str(error)) from None
    return columns


def print_custom_columns(columns: list[Column], objects: list[dict], out: TextIO,
                         no_headers: bool = False, writer: TabWriter | None = None) -> None:
    """The table; through ``writer`` when given, so that a watch keeps its column widths."""
    writer = writer or kubectl_table_writer(out)
    if not no_headers:
        writer.write("\t".join(column.header for column in columns) + "\n")
    for obj in objects:
        cells = []
        for column in columns:
            values = column.path.find(obj)
            cells.append(",".join(format_value(value) for value in values) if values
                         else "<none>")
        writer.write("\t".join(cells) + "\n")
    writer.flush()
