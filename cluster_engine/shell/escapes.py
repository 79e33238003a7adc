"""Backslash escapes, in the four dialects bash has for them.

``$'...'``, ``echo -e``, a ``printf`` format and ``printf %b`` all decode ``\\n`` or ``\\x41``, but
they disagree on octal (``\\101`` or ``\\0101``), on ``\\"`` and on what ``\\c`` means. Octal and
hex escapes are bytes, so ``\\303\\251`` must come out as one ``é``: runs of them are decoded as UTF-8.
The way back is here too: bash shows a string holding control characters as ``$'...'``.
"""

from __future__ import annotations

from dataclasses import dataclass

_SIMPLE = {"a": "\a", "b": "\b", "e": "\x1b", "E": "\x1b", "f": "\f", "n": "\n", "r": "\r",
           "t": "\t", "v": "\v", "\\": "\\"}
_OCTAL = "01234567"
_HEX = "0123456789abcdefABCDEF"


@dataclass(frozen=True)
class Dialect:
    #: "nnn": ``\\101``; "0nnn": ``\\0101`` only; "both": either.
    octal: str
    #: Whether ``\\'``, ``\\"`` and ``\\?`` lose their backslash.
    quotes: bool
    #: What ``\\c`` does: "control" (``\\cA`` is Ctrl-A), "stop" (no more output) or "literal".
    backslash_c: str
    #: C strings end at the first NUL, as bash's ``$'...'`` words do.
    nul_ends: bool = False


ANSI_C = Dialect(octal="nnn", quotes=True, backslash_c="control", nul_ends=True)
ECHO = Dialect(octal="0nnn", quotes=False, backslash_c="stop")
PRINTF_FORMAT = Dialect(octal="nnn", quotes=True, backslash_c="literal")
PRINTF_B = Dialect(octal="both", quotes=False, backslash_c="stop")


def _digits(text: str, start: int, allowed: str, limit: int) -> str:
    end = start
    while end < len(text) and end - start < limit and text[end] in allowed:
        end += 1
    return text[start:end]


def decode(text: str, dialect: Dialect) -> tuple[str, bool]:
    """The decoded text, and whether a ``\\c`` asked for all further output to stop."""
    out: list[str] = []
    pending = bytearray()

    def flush() -> None:
        if pending:
            out.append(pending.decode("utf-8", "replace"))
            pending.clear()

    def emit(character: str) -> None:
        flush()
        out.append(character)

    index = 0
    while index < len(text):
        char = text[index]
        if char != "\\" or index + 1 == len(text):
            emit(char)
            index += 1
            continue
        escape = text[index + 1]
        index += 2
        if escape in _SIMPLE:
            emit(_SIMPLE[escape])
        elif escape in "'\"?" and dialect.quotes:
            emit(escape)
        elif escape in _OCTAL and (escape == "0" or dialect.octal != "0nnn"):
            if escape == "0" and dialect.octal != "nnn":
                digits = _digits(text, index, _OCTAL, 3)
            else:
                index -= 1
                digits = _digits(text, index, _OCTAL, 3)
            index += len(digits)
            pending.append(int(digits or "0", 8) & 0xFF)
        elif escape == "x" and (digits := _digits(text, index, _HEX, 2)):
            index += len(digits)
            pending.append(int(digits, 16))
        elif escape in "uU" and (digits := _digits(text, index, _HEX, 4 if escape == "u" else 8)):
            code = int(digits, 16)
            if code > 0x10FFFF or 0xD800 <= code <= 0xDFFF:
                emit("\\" + escape)
                continue
            index += len(digits)
            emit(chr(code))
        elif escape == "c" and dialect.backslash_c == "stop":
            flush()
            return "".join(out), True
        elif escape == "c" and dialect.backslash_c == "control" and index < len(text):
            emit(chr(ord(text[index].upper()) ^ 0x40) if text[index] != "?" else "\x7f")
            index += 1
        else:
            emit("\\" + escape)
    flush()
    result = "".join(out)
    if dialect.nul_ends:
        result = result.partition("\x00")[0]
    return result, False


_QUOTED = {
    **{chr(code): f"\\{code:03o}" for code in [*range(32), 127]},
    "\a": "\\a", "\b": "\\b", "\x1b": "\\E", "\f": "\\f", "\n": "\\n", "\r": "\\r", "\t": "\\t",
    "\v": "\\v", "\\": "\\\\", "'": "\\'",
}


def has_control_characters(text: str) -> bool:
    return any(ord(char) < 32 or ord(char) == 127 for char in text)


def ansi_c_quote(text: str) -> str:
    """``text`` as a ``$'...'`` word, the way bash shows a string holding control characters."""
    return "$'" + "".join(_QUOTED.get(char, char) for char in text) + "'"


def shown(text: str) -> str:
    """A name as bash prints it in an error message: as it is, unless it holds control characters."""
    return ansi_c_quote(text) if has_control_characters(text) else text
