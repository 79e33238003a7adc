"""Go's fmt package for JSON-shaped values: how ``%v``, ``printf`` and ``print`` render them.

go-templates, jsonpath and custom columns all end in fmt, so a number from an object prints as
Go prints an ``int64`` or a ``float64`` (``1e+06``, ``1.5``), a map as ``map[a:1 b:2]`` with
sorted keys, a list as ``[x y]``, JSON null as ``<nil>``, and a verb that does not fit its
argument as ``%!d(string=abc)``.
"""

from __future__ import annotations

import math
import re
from decimal import Decimal


class _Missing:
    """Go's invalid reflect.Value: what a missing map key evaluates to (printed ``<no value>``)."""

    def __repr__(self) -> str:
        return "<no value>"


MISSING = _Missing()


class GoInt(int):
    """An integer constant written in a template: Go's ``int``, where JSON numbers are ``int64``
    (the difference shows in ``%!s(int=1)``)."""


def go_type_name(value) -> str:
    if value is None:
        return "<nil>"
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, int):
        if isinstance(value, GoInt):
            return "int"
        return "int64" if -2**63 <= value < 2**63 else "float64"
    if isinstance(value, float):
        return "float64"
    if isinstance(value, str):
        return "string"
    if isinstance(value, dict):
        return "map[string]interface {}"
    if isinstance(value, list):
        return "[]interface {}"
    return "interface {}"


def go_quote(text: str) -> str:
    """Go's ``strconv.Quote``."""
    out = ['"']
    escapes = {'"': '\\"', "\\": "\\\\", "\n": "\\n", "\t": "\\t", "\r": "\\r", "\a": "\\a",
               "\b": "\\b", "\f": "\\f", "\v": "\\v"}
    for char in text:
        if char in escapes:
            out.append(escapes[char])
        elif char.isprintable():
            out.append(char)
        elif ord(char) < 0x80:
            out.append(f"\\x{ord(char):02x}")
        elif ord(char) < 0x10000:
            out.append(f"\\u{ord(char):04x}")
        else:
            out.append(f"\\U{ord(char):08x}")
    out.append('"')
    return "".join(out)


def _shortest_digits(value: float) -> tuple[str, int]:
    """The shortest round-tripping digits of ``abs(value)`` and its decimal exponent."""
    sign, digits, exponent = Decimal(repr(abs(value))).as_tuple()
    text = "".join(map(str, digits)).rstrip("0") or "0"
    point = len(digits) + exponent
    return text, point


def format_float(value: float, verb: str = "g", precision: int | None = None) -> str:
    """strconv.FormatFloat for fmt's verbs; ``g`` without a precision is the shortest form,
    written with an exponent when that is below -4 or at least 6 (``1e+06``)."""
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return "+Inf" if value > 0 else "-Inf"
    if verb == "f":
        return f"{value:.{6 if precision is None else precision}f}"
    if verb == "e":
        return _go_exponent(f"{value:.{6 if precision is None else precision}e}")
    if precision is not None:
        return _go_exponent(f"{value:.{max(precision, 1)}g}")
    if value == 0:
        return "-0" if math.copysign(1, value) < 0 else "0"
    digits, point = _shortest_digits(value)
    sign = "-" if value < 0 else ""
    exponent = point - 1
    if exponent < -4 or exponent >= 6:
        mantissa = digits[0] + ("." + digits[1:] if len(digits) > 1 else "")
        return f"{sign}{mantissa}e{'-' if exponent < 0 else '+'}{abs(exponent):02d}"
    if point <= 0:
        return f"{sign}0.{'0' * -point}{digits}"
    if point >= len(digits):
        return sign + digits + "0" * (point - len(digits))
    return f"{sign}{digits[:point]}.{digits[point:]}"


def _go_exponent(text: str) -> str:
    """Python writes ``1e+06`` like Go already; only make sure of two exponent digits."""
    return re.sub(r"e([+-])(\d)$", r"e\g<1>0\2", text)


def format_value(value) -> str:
    """``fmt.Sprint(value)`` (``%v``) for a value decoded from JSON."""
    if value is MISSING:
        return "<no value>"
    if value is None:
        return "<nil>"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value) if -2**63 <= value < 2**63 else format_float(float(value))
    if isinstance(value, float):
        return format_float(value)
    if isinstance(value, str):
        return value
    if isinstance(value, dict):
        return "map[" + " ".join(f"{key}:{format_value(value[key])}"
                                 for key in sorted(value)) + "]"
    if isinstance(value, list):
        return "[" + " ".join(format_value(item) for item in value) + "]"
    return str(value)


def sprint(args: list) -> str:
    """``fmt.Sprint``: a space between two operands when neither is a string."""
    out = []
    for index, arg in enumerate(args):
        if index and not isinstance(arg, str) and not isinstance(args[index - 1], str):
            out.append(" ")
        out.append(format_value(arg))
    return "".join(out)


def sprintln(args: list) -> str:
    return " ".join(format_value(arg) for arg in args) + "\n"


_VERB = re.compile(r"%([-+# 0]*)(\*|\d+)?(?:\.(\*|\d*))?([a-zA-Z%])")


def _bad_verb(verb: str, arg, flags: str = "", width: int | None = None) -> str:
    if arg is MISSING or arg is None:
        return f"%!{verb}(<nil>)"
    return f"%!{verb}({go_type_name(arg)}={_pad(format_value(arg), flags, width)})"


def _pad(text: str, flags: str, width: int | None, numeric: bool = False) -> str:
    if width is None or len(text) >= width:
        return text
    if "-" in flags:
        return text.ljust(width)
    if "0" in flags and numeric:
        sign = text[0] if text[:1] in "+-" else ""
        return sign + text[len(sign):].rjust(width - len(sign), "0")
    return text.rjust(width)


def _format_one(verb: str, flags: str, width: int | None, precision: int | None, arg) -> str:
    if verb not in "vT" and isinstance(arg, list):
        return "[" + " ".join(_format_one(verb, flags, width, precision, item)
                              for item in arg) + "]"
    if verb not in "vT" and isinstance(arg, dict):
        return "map[" + " ".join(
            f"{_format_one(verb, flags, width, precision, key)}:"
            f"{_format_one(verb, flags, width, precision, arg[key])}" for key in sorted(arg)) + "]"
    if verb == "s" and (arg is None or arg is MISSING or isinstance(arg, (bool, int, float))):
        return _bad_verb(verb, arg, flags, width)
    if verb in ("v", "s"):
        text = format_value(arg) if arg is not MISSING else "<nil>"
        if verb == "v" and isinstance(arg, float) and precision is not None:
            text = format_float(arg, "g", precision)
        if verb == "s" and precision is not None:
            text = text[:precision]
        if verb == "v" and "+" in flags and isinstance(arg, (int, float)) and arg >= 0:
            text = "+" + text
        return _pad(text, flags, width, numeric=isinstance(arg, (int, float)))
    if verb == "q":
        if isinstance(arg, str):
            return _pad(go_quote(arg), flags, width)
        if isinstance(arg, int) and not isinstance(arg, bool):
            return _pad("'" + go_quote(chr(arg))[1:-1].replace("'", "\\'").replace('\\"', '"')
                        + "'", flags, width)
        return _bad_verb(verb, arg, flags, width)
    if verb == "T":
        return _pad(go_type_name(arg) if arg is not MISSING else "<nil>", flags, width)
    if verb == "U" and isinstance(arg, int) and not isinstance(arg, bool):
        return _pad(f"U+{arg:04X}", flags, width)
    if verb == "t":
        if isinstance(arg, bool):
            return _pad("true" if arg else "false", flags, width)
        return _bad_verb(verb, arg, flags, width)
    if isinstance(arg, int) and not isinstance(arg, bool):
        if verb in "dboxXc":
            if verb == "c":
                return _pad(chr(arg), flags, width)
            text = format(abs(arg), verb)
            if precision is not None:
                text = text.rjust(precision, "0")
            if "#" in flags and verb in "xX":
                text = "0" + verb + text
            sign = "-" if arg < 0 else ("+" if "+" in flags else (" " if " " in flags else ""))
            return _pad(sign + text, flags, width, numeric=precision is None)
        return _bad_verb(verb, arg, flags, width)
    if isinstance(arg, float):
        if verb in "eEfFgG":
            text = format_float(arg, verb.lower(), precision)
            if verb.isupper():
                text = text.upper()
            if "+" in flags and arg >= 0:
                text = "+" + text
            return _pad(text, flags, width, numeric=True)
        return _bad_verb(verb, arg, flags, width)
    if isinstance(arg, str) and verb in "xX":
        text = arg.encode("utf-8").hex()
        return _pad(text.upper() if verb == "X" else text, flags, width)
    return _bad_verb(verb, arg, flags, width)


def sprintf(format_text: str, args: list) -> str:
    """``fmt.Sprintf`` with the verbs templates use, and Go's markers for mistakes."""
    out = []
    position = 0
    index = 0
    while index < len(format_text):
        char = format_text[index]
        if char != "%":
            out.append(char)
            index += 1
            continue
        match = _VERB.match(format_text, index)
        if not match:
            out.append("%!(NOVERB)")
            index = len(format_text)
            break
        flags, width_text, precision_text, verb = match.groups()
        index = match.end()
        if verb == "%":
            out.append("%")
            continue
        width = precision = None
        if width_text == "*":
            width = args[position] if position < len(args) else None
            position += 1
        elif width_text:
            width = int(width_text)
        if precision_text == "*":
            precision = args[position] if position < len(args) else None
            position += 1
        elif precision_text is not None:
            precision = int(precision_text or "0")
        if position >= len(args):
            out.append(f"%!{verb}(MISSING)")
            continue
        out.append(_format_one(verb, flags, width, precision, args[position]))
        position += 1
    if position < len(args):
        extra = ", ".join(f"{go_type_name(arg)}={format_value(arg)}" if arg is not None
                          else "<nil>" for arg in args[position:])
        out.append(f"%!(EXTRA {extra})")
    return "".join(out)
