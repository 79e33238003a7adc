"""kubectl's JSONPath dialect (client-go ``util/jsonpath``): ``-o jsonpath=``, ``--sort-by`` and
custom columns.

It is not the JSONPath of the IETF draft: a template mixes text with ``{...}`` actions; an action
holds fields (``.a``, ``['a']``, ``.*``), array subscripts (``[0]``, ``[-1]``, ``[1:3]``,
``[*]``, ``[0,2]``), filters (``[?(@.port==8080)]``, ``[?(@.nodePort)]``), recursive descent
(``..name``), quoted text (``{"\\n"}``) and ``{range ...}...{end}`` loops. Each action prints its
results separated by spaces: strings as they are, numbers as Go's fmt prints them, maps and lists
as compact JSON. Missing keys print nothing (kubectl allows them), while an index out of bounds is
an error, in client-go's words.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field

from .gofmt import format_value, go_type_name
from .serialize import go_json, go_json_compact


class JsonPathParseError(Exception):
    """The text after ``error parsing jsonpath <template>, ``."""


class JsonPathExecError(Exception):
    """The text after ``Error executing template: ``."""


@dataclass
class Text:
    text: str


@dataclass
class Literal:
    value: object


@dataclass
class Field:
    names: list[str]


@dataclass
class Wildcard:
    pass


@dataclass
class Recursive:
    pass


@dataclass
class Subscript:
    """``[a:b:c]`` (``slice``) or ``[n]``; None where a part was left out."""

    start: int | None
    end: int | None
    step: int | None
    is_slice: bool


@dataclass
class Union:
    branches: list[list]


@dataclass
class Filter:
    left: list
    operator: str
    right: list | None


@dataclass
class Root:
    pass


@dataclass
class Current:
    pass


@dataclass
class Action:
    """One ``{...}``: a path of steps, or a ``range``/``end`` marker."""

    steps: list = field(default_factory=list)
    keyword: str = ""


@dataclass
class Range:
    steps: list
    body: list


#: A field name; a backslash escapes the next character (``kubernetes\.io/hostname``).
_FIELD = re.compile(r"(?:[A-Za-z0-9_\-/]|\\.)+")
_NUMBER = re.compile(r"-?\d+(\.\d+)?")


class _Parser:
    def __init__(self, text: str):
        self.text = text

    def parse(self) -> list:
        nodes: list = []
        text, pos = self.text, 0
        while pos < len(text):
            start = text.find("{", pos)
            if start < 0:
                nodes.append(Text(text[pos:]))
                break
            if start > pos:
                nodes.append(Text(text[pos:start]))
            end = self._close(start)
            nodes.append(self._action(text[start + 1:end]))
            pos = end + 1
        return nodes

    def _close(self, start: int) -> int:
        depth, pos, quote = 0, start, ""
        while pos < len(self.text):
            char = self.text[pos]
            if quote:
                if char == "\\":
                    pos += 1
                elif char == quote:
                    quote = ""
            elif char in "\"'":
                quote = char
            elif char == "{":
                depth += 1
            elif char == "}":
                depth -= 1
                if depth == 0:
                    return pos
            pos += 1
        raise JsonPathParseError("unclosed action")

    def _action(self, body: str) -> Action:
        stripped = body.strip()
        if stripped == "end":
            return Action(keyword="end")
        if stripped.startswith("range "):
            return Action(self._path(stripped[len("range "):].strip()), keyword="range")
        return Action(self._path(body))

    def _path(self, text: str) -> list:
        steps: list = []
        pos = 0
        while pos < len(text):
            char = text[pos]
            if char in " \t\n":
                pos += 1
            elif text.startswith("..", pos):
                steps.append(Recursive())
                pos += 1
            elif char == ".":
                pos += 1
                if text.startswith("*", pos):
                    steps.append(Wildcard())
                    pos += 1
                    continue
                match = _FIELD.match(text, pos)
                if not match:
                    if pos >= len(text) or text[pos] == " ":
                        steps.append(Field([""]))
                        continue
                    if text[pos] == "[":
                        continue
                    raise JsonPathParseError(self._unrecognized(text[pos]))
                steps.append(Field([match.group().replace("\\", "")]))
                pos = match.end()
            elif char == "[":
                close = self._bracket_end(text, pos)
                steps.append(self._bracket(text[pos + 1:close]))
                pos = close + 1
            elif char in "\"'":
                end = pos + 1
                while end < len(text) and text[end] != char:
                    end += 2 if text[end] == "\\" else 1
                if end >= len(text):
                    raise JsonPathParseError("unterminated quoted string")
                steps.append(Literal(_unquote(text[pos:end + 1])))
                pos = end + 1
            elif char == "@":
                steps.append(Current())
                pos += 1
            elif char == "$":
                steps.append(Root())
                pos += 1
            elif char == "*":
                steps.append(Wildcard())
                pos += 1
            elif char.isdigit() or char == "-":
                match = _NUMBER.match(text, pos)
                number = match.group()
                steps.append(Literal(float(number) if "." in number else int(number)))
                pos = match.end()
            elif text.startswith("true", pos) or text.startswith("false", pos):
                value = text.startswith("true", pos)
                steps.append(Literal(value))
                pos += 4 if value else 5
            elif _FIELD.match(text, pos):
                match = _FIELD.match(text, pos)
                steps.append(Field([match.group()]))
                pos = match.end()
            else:
                raise JsonPathParseError(self._unrecognized(char))
        return steps

    @staticmethod
    def _unrecognized(char: str) -> str:
        return f"unrecognized character in action: U+{ord(char):04X} {_go_quote_rune(char)}"

    @staticmethod
    def _bracket_end(text: str, start: int) -> int:
        depth, quote = 0, ""
        for pos in range(start, len(text)):
            char = text[pos]
            if quote:
                if char == quote:
                    quote = ""
            elif char in "\"'":
                quote = char
            elif char == "[":
                depth += 1
            elif char == "]":
                depth -= 1
                if depth == 0:
                    return pos
        raise JsonPathParseError("unterminated array")

    def _bracket(self, inner: str):
        if inner.startswith("?"):
            return self._filter(inner)
        if inner == "*":
            return Wildcard()
        if inner[:1] in "\"'":
            names = [_unquote(part.strip()) for part in _split_top(inner, ",")]
            return Field(names)
        if "," in inner:
            return Union([self._path(part if part.startswith((".", "[")) else f"[{part}]")
                          for part in inner.split(",")])
        parts = inner.split(":")
        if len(parts) > 3:
            raise JsonPathParseError(f"invalid array index {inner}")
        values = []
        for part in parts:
            part = part.strip()
            if part == "":
                values.append(None)
            elif re.fullmatch(r"-?\d+", part):
                values.append(int(part))
            else:
                raise JsonPathParseError(f"invalid array index {part}")
        values += [None] * (3 - len(values))
        return Subscript(values[0], values[1], values[2], len(parts) > 1)

    def _filter(self, inner: str) -> Filter:
        match = re.fullmatch(r"\?\((.*)\)", inner.strip(), re.S)
        if not match:
            raise JsonPathParseError(f"unclosed filter in {inner}")
        expression = match.group(1)
        operator = re.search(r"==|!=|<=|>=|<|>", expression)
        if operator is None:
            return Filter(self._path(expression.strip()), "exists", None)
        left = expression[:operator.start()].strip()
        right = expression[operator.end():].strip()
        return Filter(self._path(left), operator.group(), self._path(right))


def _split_top(text: str, separator: str) -> list[str]:
    parts, current, quote = [], "", ""
    for char in text:
        if quote:
            if char == quote:
                quote = ""
        elif char in "\"'":
            quote = char
        elif char == separator:
            parts.append(current)
            current = ""
            continue
        current += char
    parts.append(current)
    return parts


def _unquote(text: str) -> str:
    body = text[1:-1]
    if text[0] == "'":
        return body
    try:
        return json.loads('"' + body + '"')
    except ValueError:
        raise JsonPathParseError(f"invalid syntax {text}") from None


def _go_quote_rune(char: str) -> str:
    return "'\\''" if char == "'" else f"'{char}'"


def _nest(nodes: list) -> list:
    """Turn the flat ``range``/``end`` markers into Range nodes."""
    stack: list[list] = [[]]
    ranges: list[Action] = []
    for node in nodes:
        if isinstance(node, Action) and node.keyword == "range":
            ranges.append(node)
            stack.append([])
        elif isinstance(node, Action) and node.keyword == "end":
            if not ranges:
                raise JsonPathExecError("not in range, nothing to end")
            body = stack.pop()
            stack[-1].append(Range(ranges.pop().steps, body))
        else:
            stack[-1].append(node)
    while ranges:
        body = stack.pop()
        stack[-1].append(Range(ranges.pop().steps, body))
    return stack[0]


class JsonPath:
    """A parsed template; ``find`` gives the results of one path, ``render`` the text."""

    def __init__(self, text: str, allow_missing_keys: bool = True, output_json: bool = False):
        self.text = text
        self.allow_missing_keys = allow_missing_keys
        self.output_json = output_json
        self.nodes = _Parser(text).parse()

    def render(self, data) -> str:
        out: list[str] = []
        self._walk(_nest(self.nodes), data, data, out)
        return "".join(out)

    def find(self, data) -> list:
        """The values every action of the template selects (for columns and sorting)."""
        values: list = []
        for node in self.nodes:
            if isinstance(node, Action) and not node.keyword:
                values.extend(self._evaluate(node.steps, [data], data))
        return values

    def _walk(self, nodes: list, root, current, out: list[str]) -> None:
        for node in nodes:
            if isinstance(node, Text):
                out.append(node.text)
            elif isinstance(node, Range):
                for item in self._evaluate(node.steps, [current], root):
                    self._walk(node.body, root, item, out)
            else:
                out.append(self._print(self._evaluate(node.steps, [current], root)))

    def _print(self, results: list) -> str:
        if self.output_json:
            return go_json(results, indent=4, sort_keys=True) + "\n"
        return " ".join(_text(value) for value in results)

    def _evaluate(self, steps: list, values: list, root) -> list:
        for step in steps:
            if isinstance(step, Root):
                values = [root]
            elif isinstance(step, Current):
                continue
            elif isinstance(step, Literal):
                values = [step.value]
            elif isinstance(step, Field):
                values = self._fields(step, values)
            elif isinstance(step, Wildcard):
                values = [item for value in values for item in _children(value)]
            elif isinstance(step, Recursive):
                values = [item for value in values for item in _descendants(value)]
            elif isinstance(step, Subscript):
                values = [item for value in values for item in self._subscript(step, value)]
            elif isinstance(step, Union):
                values = [item for branch in step.branches
                          for item in self._evaluate(branch, values, root)]
            elif isinstance(step, Filter):
                values = [item for value in values for item in self._filter(step, value, root)]
        return values

    def _fields(self, step: Field, values: list) -> list:
        found = []
        for value in values:
            for name in step.names:
                if isinstance(value, dict):
                    if name in value:
                        found.append(value[name])
                    elif not self.allow_missing_keys:
                        raise JsonPathExecError(f"{name} is not found")
                elif not self.allow_missing_keys:
                    raise JsonPathExecError(f"{name} is not found")
        return found

    def _subscript(self, step: Subscript, value) -> list:
        if not isinstance(value, list):
            if value is None:
                return []
            raise JsonPathExecError(f"{go_type_name(value)} is not array or slice")
        length = len(value)
        start = step.start if step.start is not None else 0
        if start < 0:
            start += length
        if not step.is_slice:
            end = start + 1
        elif step.end is None:
            end = length
        else:
            end = step.end + length if step.end < 0 else step.end
        step_size = step.step if step.step is not None else 1
        if step_size <= 0:
            raise JsonPathExecError("step must be > 0")
        if start == end:
            return []
        if not 0 <= start < length:
            raise JsonPathExecError(f"array index out of bounds: index {start}, length {length}")
        if not 0 <= end <= length:
            raise JsonPathExecError(
                f"array index out of bounds: index {end - 1}, length {length}")
        if start > end:
            raise JsonPathExecError(f"starting index {start} is greater than ending index {end}")
        return value[start:end:step_size]

    def _filter(self, step: Filter, value, root) -> list:
        items = value if isinstance(value, list) else _children(value)
        kept = []
        for item in items:
            left = self._evaluate(step.left, [item], root)
            if step.operator == "exists":
                if left:
                    kept.append(item)
                continue
            right = self._evaluate(step.right, [item], root)
            if left and right and _compare(left[0], step.operator, right[0]):
                kept.append(item)
        return kept


def _children(value) -> list:
    if isinstance(value, dict):
        return [value[key] for key in sorted(value)]
    if isinstance(value, list):
        return list(value)
    return []


def _descendants(value) -> list:
    found = [value]
    for child in _children(value):
        found.extend(_descendants(child))
    return found


def _kind(value) -> str:
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, (int, float)):
        return "number" if isinstance(value, int) else "float"
    if isinstance(value, str):
        return "string"
    return "other"


def _compare(left, operator: str, right) -> bool:
    left_kind, right_kind = _kind(left), _kind(right)
    if left_kind != right_kind or left_kind == "other":
        raise JsonPathExecError("incompatible types for comparison")
    if operator in ("==", "!="):
        return (left == right) == (operator == "==")
    if left_kind == "bool":
        raise JsonPathExecError("invalid type for comparison")
    return {"<": left < right, ">": left > right, "<=": left <= right,
            ">=": left >= right}[operator]


def _text(value) -> str:
    if isinstance(value, (dict, list)):
        return go_json_compact(value)
    if value is None:
        return "null"
    return format_value(value)


def go_sharp_v(value) -> str:
    """Go's ``%#v`` of a decoded JSON value, as client-go prints the object in its errors."""
    if isinstance(value, dict):
        inner = ", ".join(f"{json.dumps(key, ensure_ascii=False)}:{go_sharp_v(value[key])}"
                          for key in sorted(value))
        return "map[string]interface {}{" + inner + "}"
    if isinstance(value, list):
        return "[]interface {}{" + ", ".join(go_sharp_v(item) for item in value) + "}"
    if value is None:
        return "interface {}(nil)"
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    return format_value(value)


def execution_error_message(template: str, error: JsonPathExecError, data) -> str:
    """kubectl's whole message for a template that failed on ``data``."""
    return (f"error executing jsonpath {json.dumps(template, ensure_ascii=False)}: Error executing "
            f"template: {error}. Printing more information for debugging the template:\n"
            f"\ttemplate was:\n\t\t{template}\n"
            f"\tobject given to jsonpath engine was:\n\t\t{go_sharp_v(data)}\n\n")


def relaxed(expression: str) -> str:
    """kubectl's RelaxedJSONPathExpression: ``.a.b``, ``a.b`` and ``{.a.b}`` all mean ``{.a.b}``."""
    if not expression:
        return expression
    match = (re.fullmatch(r"\{\.?([^{}]+)\}", expression)
             or re.fullmatch(r"\.?([^{}]+)", expression))
    if match is None:
        raise JsonPathParseError("unexpected path string, expected a 'name1.name2' or "
                                 "'.name1.name2' or '{name1.name2}' or '{.name1.name2}'")
    return "{." + match.group(1) + "}"
