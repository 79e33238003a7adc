"""JSON and YAML the way kubectl writes them (``-o json``, ``-o yaml``, ``version -o ...``).

kubectl marshals with Go's ``encoding/json`` (HTML-safe escaping of ``<``, ``>`` and ``&``) and
converts to YAML with sigs.k8s.io/yaml, i.e. go-yaml v2: keys sorted, two-space indentation,
list items at their parent's indentation, and a string quoted (double quotes) exactly when it
would otherwise read back as something else: a number, a boolean, null, a timestamp. Strings
plain style cannot carry (leading indicators, ``": "``, ``" #"``, outer spaces) get single quotes;
strings with line breaks become literal blocks.

Not yet done: go-yaml folds plain and quoted strings longer than 80 columns at spaces.
"""

from __future__ import annotations

import json
import re

_HTML_UNSAFE = {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "\u2028": "\\u2028",
                "\u2029": "\\u2029"}


def go_json(value, indent: int = 4, sort_keys: bool = False) -> str:
    """``json.MarshalIndent(value, "", <indent spaces>)``; no trailing newline.

    Go sorts the keys of maps (objects kubectl holds as unstructured data) but keeps the field
    order of structs (``kubectl version``), hence ``sort_keys``.
    """
    text = json.dumps(value, indent=indent, ensure_ascii=False, separators=(",", ": "),
                      sort_keys=sort_keys)
    return re.sub("[<>&\u2028\u2029]", lambda match: _HTML_UNSAFE[match.group()], text)


def go_json_compact(value) -> str:
    """``json.Marshal(value)`` of decoded JSON: no spaces, map keys sorted."""
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"), sort_keys=True)
    return re.sub("[<>&\u2028\u2029]", lambda match: _HTML_UNSAFE[match.group()], text)


# -- YAML --------------------------------------------------------------------------------------
_YAML11_BOOLS = {"y", "Y", "yes", "Yes", "YES", "n", "N", "no", "No", "NO", "true", "True",
                 "TRUE", "false", "False", "FALSE", "on", "On", "ON", "off", "Off", "OFF"}
_YAML11_NULLS = {"", "~", "null", "Null", "NULL"}
_INT = re.compile(r"[-+]?(0b[01_]+|0[0-7_]+|(0|[1-9][0-9_]*)|0x[0-9a-fA-F_]+|[1-9][0-9_]*(:[0-5]?[0-9])+)\Z")
_FLOAT = re.compile(r"[-+]?(\.[0-9]+|[0-9][0-9_]*(\.[0-9_]*)?)([eE][-+]?[0-9]+)?\Z"
                    r"|[-+]?\.(inf|Inf|INF)\Z|\.(nan|NaN|NAN)\Z")
_BASE60_FLOAT = re.compile(r"[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?\Z")
_TIMESTAMP = re.compile(
    r"[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}"
    r"(?:(?:[Tt]|[ \t]+)[0-9]{1,2}:[0-9]{2}:[0-9]{2}(?:\.[0-9]*)?"
    r"(?:[ \t]*(?:Z|[-+][0-9]{1,2}(?::[0-9]{2})?))?)?\Z")
_INDICATORS_FIRST = set("#,[]{}&*!|>'\"%@`")


def _reads_as_other_type(text: str) -> bool:
    return (text in _YAML11_BOOLS or text in _YAML11_NULLS or bool(_INT.match(text))
            or bool(_FLOAT.match(text)) or bool(_BASE60_FLOAT.match(text))
            or bool(_TIMESTAMP.match(text)))


def _plain_allowed(text: str) -> bool:
    if text[0] in _INDICATORS_FIRST or text[0].isspace() or text[-1].isspace():
        return False
    if text[0] in "-?:" and (len(text) == 1 or text[1] == " "):
        return False
    if ": " in text or " #" in text or text.endswith(":"):
        return False
    return all(char.isprintable() for char in text)


def _double_quoted(text: str) -> str:
    escaped = []
    for char in text:
        if char in '"\\':
            escaped.append("\\" + char)
        elif char == "\t":
            escaped.append("\\t")
        elif not char.isprintable():
            escaped.append(f"\\x{ord(char):02X}" if ord(char) < 0x100 else f"\\u{ord(char):04X}")
        else:
            escaped.append(char)
    return '"' + "".join(escaped) + '"'


def yaml_scalar(value) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return repr(value) if value != int(value) or abs(value) >= 1e21 else str(int(value))
    text = str(value)
    if _reads_as_other_type(text):
        return _double_quoted(text)
    if not _plain_allowed(text):
        if all(char.isprintable() for char in text):
            return "'" + text.replace("'", "''") + "'"
        return _double_quoted(text)
    return text


def _literal_block(text: str, indent: str) -> str:
    chomp = "" if text.endswith("\n") and not text.endswith("\n\n") else "-"
    if text.endswith("\n\n"):
        chomp = "+"
    header = "|" + ("2" if text[:1] == " " else "") + chomp
    body = text[:-1] if text.endswith("\n") else text
    lines = [f"{indent}{line}" if line else "" for line in body.split("\n")]
    return header + "\n" + "\n".join(lines)


def _key_order(key: str):
    return [(0, int(part)) if part.isdigit() else (1, part)
            for part in re.findall(r"\d+|\D+", key)]


def _emit(value, indent: int, lines: list[str], prefix: str) -> None:
    pad = "  " * indent
    if isinstance(value, dict):
        if not value:
            lines.append(prefix + "{}")
            return
        first = True
        for key in sorted(value, key=lambda item: _key_order(str(item))):
            lead = prefix if first else pad
            first = False
            item = value[key]
            name = yaml_scalar(str(key))
            if isinstance(item, dict) and item:
                lines.append(f"{lead}{name}:")
                _emit(item, indent + 1, lines, "  " * (indent + 1))
            elif isinstance(item, list) and item:
                lines.append(f"{lead}{name}:")
                _emit(item, indent, lines, pad)
            else:
                lines.append(f"{lead}{name}: " + _inline(item, "  " * (indent + 1)))
        return
    if isinstance(value, list):
        if not value:
            lines.append(prefix + "[]")
            return
        for position, item in enumerate(value):
            lead = prefix if position == 0 else pad
            if isinstance(item, (dict, list)) and item:
                _emit(item, indent + 1, lines, lead + "- ")
            else:
                lines.append(f"{lead}- " + _inline(item, pad + "  "))
        return
    lines.append(prefix + _inline(value, pad))


def _inline(value, block_indent: str) -> str:
    if isinstance(value, dict):
        return "{}"
    if isinstance(value, list):
        return "[]"
    if isinstance(value, str) and "\n" in value:
        return _literal_block(value, block_indent)
    return yaml_scalar(value)


def go_yaml(value) -> str:
    """sigs.k8s.io/yaml's rendering of a JSON-like value, ending with a newline."""
    lines: list[str] = []
    _emit(value, 0, lines, "")
    return "\n".join(lines) + "\n"
