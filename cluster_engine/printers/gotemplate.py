"""Go's text/template, as ``kubectl get -o go-template=...`` runs it on an object.

The tutorial reads pod names and NodePorts with go-templates, and learners experiment with them,
so the language is reproduced with Go's semantics and Go's error wording: actions, pipelines,
``if``/``else if``/``range``/``with`` (each with ``else``), variables, parentheses, trim markers
and comments, the builtin functions (``index``, ``len``, ``printf`` with fmt's verbs, ``print``,
``println``, the comparisons, ``and``/``or``/``not``), values printed the way fmt's ``%v`` prints
them (``map[a:1 b:2]``, ``[x y]``, ``1e+06``, ``<nil>``), and a missing key as ``<no value>``.

kubectl hands the template the object decoded from JSON by apimachinery, where whole numbers are
``int64`` and the others ``float64``; Python's ``int`` and ``float`` play those parts here.
``define``/``template``/``block`` are not supported.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from .gofmt import (MISSING, GoInt, format_value, go_quote, go_type_name, sprint, sprintf,
                    sprintln)


class TemplateParseError(Exception):
    """``template: output:LINE: message``."""


class TemplateExecError(Exception):
    """``template: output:LINE:COL: executing "output" at <node>: message``."""


TEMPLATE_NAME = "output"

# -- lexing -------------------------------------------------------------------------------------


@dataclass
class Token:
    kind: str
    value: str
    pos: int


_KEYWORDS = {"if", "else", "end", "range", "with", "define", "template", "block", "break",
             "continue", "nil", "true", "false"}
_NUMBER = re.compile(r"[+-]?(0[xX][0-9a-fA-F_]+|0[bB][01_]+|0[oO][0-7_]+|"
                     r"([0-9][0-9_]*)?\.?[0-9_]*([eE][+-]?[0-9]+)?)")
_IDENT = re.compile(r"[^\W\d]\w*")


def _line_of(text: str, pos: int) -> int:
    return text.count("\n", 0, pos) + 1


class _Lexer:
    def __init__(self, text: str):
        self.text = text
        self.tokens: list[Token] = []

    def error(self, pos: int, message: str) -> TemplateParseError:
        return TemplateParseError(
            f"template: {TEMPLATE_NAME}:{_line_of(self.text, pos)}: {message}")

    def run(self) -> list[Token]:
        text, pos = self.text, 0
        while pos < len(text):
            start = text.find("{{", pos)
            if start < 0:
                self.tokens.append(Token("text", text[pos:], pos))
                break
            inner = start + 2
            trim_left = (text.startswith("-", inner) and inner + 1 < len(text)
                         and text[inner + 1] in " \t\r\n")
            chunk = text[pos:start]
            if trim_left:
                chunk = chunk.rstrip(" \t\r\n")
                inner += 1
            if chunk:
                self.tokens.append(Token("text", chunk, pos))
            pos = self._action(inner, start)
        self.tokens.append(Token("eof", "", len(text)))
        return self.tokens

    def _close_at(self, pos: int) -> tuple[bool, int] | None:
        """At ``pos``: a closing delimiter? (trims right, position after it)."""
        text = self.text
        if text.startswith("}}", pos):
            return False, pos + 2
        if text[pos:pos + 1] in (" ", "\t", "\r", "\n"):
            stripped = pos
            while stripped < len(text) and text[stripped] in " \t\r\n":
                stripped += 1
            if text.startswith("-}}", stripped):
                return True, stripped + 3
        return None

    def _after_close(self, trim_right: bool, pos: int) -> int:
        if trim_right:
            while pos < len(self.text) and self.text[pos] in " \t\r\n":
                pos += 1
        return pos

    def _action(self, pos: int, start: int) -> int:
        text = self.text
        body_start = pos
        while body_start < len(text) and text[body_start] in " \t\r\n":
            body_start += 1
        if text.startswith("/*", body_start):
            end = text.find("*/", body_start + 2)
            if end < 0:
                raise self.error(start, "unclosed comment")
            closing = self._close_at(end + 2)
            if closing is None:
                raise self.error(start, "comment ends before closing delimiter")
            return self._after_close(*closing)
        self.tokens.append(Token("open", "{{", start))
        depth = 0
        while True:
            closing = self._close_at(pos)
            if closing is not None:
                if depth:
                    raise self.error(start, "unclosed left paren")
                self.tokens.append(Token("close", "}}", pos))
                return self._after_close(*closing)
            if pos >= len(text):
                raise self.error(start, "unclosed action")
            char = text[pos]
            if char in " \t\r":
                pos += 1
            elif char == "\n":
                raise self.error(start, "unclosed action")
            elif char == "(":
                depth += 1
                self.tokens.append(Token("(", char, pos))
                pos += 1
            elif char == ")":
                if depth == 0:
                    raise self.error(pos, "unexpected right paren")
                depth -= 1
                self.tokens.append(Token(")", char, pos))
                pos += 1
            elif char == "|":
                self.tokens.append(Token("|", char, pos))
                pos += 1
            elif text.startswith(":=", pos):
                self.tokens.append(Token("declare", ":=", pos))
                pos += 2
            elif char == "=":
                self.tokens.append(Token("assign", "=", pos))
                pos += 1
            elif char == ",":
                self.tokens.append(Token(",", ",", pos))
                pos += 1
            elif char == '"':
                end = pos + 1
                while end < len(text) and text[end] != '"':
                    if text[end] == "\\":
                        end += 1
                    if end < len(text) and text[end] == "\n":
                        raise self.error(pos, "unterminated quoted string")
                    end += 1
                if end >= len(text):
                    raise self.error(pos, "unterminated quoted string")
                self.tokens.append(Token("string", text[pos:end + 1], pos))
                pos = end + 1
            elif char == "`":
                end = text.find("`", pos + 1)
                if end < 0:
                    raise self.error(pos, "unterminated raw quoted string")
                self.tokens.append(Token("rawstring", text[pos:end + 1], pos))
                pos = end + 1
            elif char == "'":
                match = re.compile(r"'(\\.[^']*|[^\\'])'").match(text, pos)
                if not match:
                    raise self.error(pos, "unterminated character constant")
                self.tokens.append(Token("charconst", match.group(), pos))
                pos = match.end()
            elif char == "$":
                match = re.compile(r"\$[A-Za-z0-9_]*").match(text, pos)
                self.tokens.append(Token("variable", match.group(), pos))
                pos = match.end()
            elif char == ".":
                match = _IDENT.match(text, pos + 1)
                if match:
                    self.tokens.append(Token("field", "." + match.group(), pos))
                    pos = match.end()
                elif pos + 1 < len(text) and text[pos + 1].isdigit():
                    pos = self._number(pos)
                else:
                    self.tokens.append(Token("dot", ".", pos))
                    pos += 1
            elif char.isdigit() or (char in "+-" and pos + 1 < len(text)
                                    and (text[pos + 1].isdigit() or text[pos + 1] == ".")):
                pos = self._number(pos)
            elif char.isalpha() or char == "_":
                match = _IDENT.match(text, pos)
                word = match.group()
                kind = ("keyword" if word in _KEYWORDS else "identifier")
                self.tokens.append(Token(kind, word, pos))
                pos = match.end()
            elif char.isascii() and char.isprintable():
                self.tokens.append(Token("char", char, pos))
                pos += 1
            else:
                raise self.error(pos, f"unrecognized character in action: U+{ord(char):04X} "
                                      f"'{char}'")

    def _number(self, pos: int) -> int:
        match = _NUMBER.match(self.text, pos)
        end = match.end()
        if end < len(self.text) and (self.text[end].isalnum() or self.text[end] == "."):
            raise self.error(pos, f"bad number syntax: {go_quote(self.text[pos:end + 1])}")
        self.tokens.append(Token("number", self.text[pos:end], pos))
        return end


# -- the parse tree -----------------------------------------------------------------------------


@dataclass
class Node:
    pos: int


@dataclass
class TextNode(Node):
    text: str


@dataclass
class FieldNode(Node):
    """``.a.b``: its position is that of the second field, as in Go's parser."""

    names: list[str]

    def __str__(self) -> str:
        return "".join("." + name for name in self.names)


@dataclass
class VariableNode(Node):
    name: str
    names: list[str]

    def __str__(self) -> str:
        return self.name + "".join("." + name for name in self.names)


@dataclass
class DotNode(Node):
    def __str__(self) -> str:
        return "."


@dataclass
class NilNode(Node):
    def __str__(self) -> str:
        return "nil"


@dataclass
class LiteralNode(Node):
    value: object
    source: str

    def __str__(self) -> str:
        return self.source


@dataclass
class IdentifierNode(Node):
    name: str

    def __str__(self) -> str:
        return self.name


@dataclass
class ChainNode(Node):
    """``(pipeline).a.b``."""

    node: Node
    names: list[str]

    def __str__(self) -> str:
        inner = f"({self.node})" if isinstance(self.node, PipeNode) else str(self.node)
        return inner + "".join("." + name for name in self.names)


@dataclass
class CommandNode(Node):
    args: list[Node]

    def __str__(self) -> str:
        return " ".join(f"({arg})" if isinstance(arg, PipeNode) else str(arg)
                        for arg in self.args)


@dataclass
class PipeNode(Node):
    declarations: list[str]
    is_assign: bool
    commands: list[CommandNode]

    def __str__(self) -> str:
        text = " | ".join(str(command) for command in self.commands)
        if self.declarations:
            operator = "=" if self.is_assign else ":="
            text = ", ".join(self.declarations) + f" {operator} " + text
        return text


@dataclass
class ActionNode(Node):
    pipe: PipeNode


@dataclass
class BranchNode(Node):
    keyword: str
    pipe: PipeNode
    body: list[Node]
    else_body: list[Node] | None = None


@dataclass
class LoopControlNode(Node):
    """``{{break}}`` or ``{{continue}}`` inside a range."""

    keyword: str


@dataclass
class TemplateNode(Node):
    """``{{template "name" pipeline}}``; its position is that of the name."""

    name: str
    pipe: PipeNode | None

    def __str__(self) -> str:
        pipe = f" {self.pipe}" if self.pipe is not None else ""
        return f"{{{{template {go_quote(self.name)}{pipe}}}}}"


_FUNCTIONS = {"and", "or", "not", "len", "index", "print", "printf", "println", "eq", "ne",
              "lt", "le", "gt", "ge"}


class _Parser:
    def __init__(self, text: str):
        self.text = text
        self.tokens = _Lexer(text).run()
        self.index = 0
        self.variables: list[list[str]] = [["$"]]
        self.defined: dict[str, list[Node]] = {}
        self.range_depth = 0

    def error(self, token: Token, message: str) -> TemplateParseError:
        return TemplateParseError(
            f"template: {TEMPLATE_NAME}:{_line_of(self.text, token.pos)}: {message}")

    def peek(self) -> Token:
        return self.tokens[self.index]

    def next(self) -> Token:
        token = self.tokens[self.index]
        self.index += 1
        return token

    def parse(self) -> list[Node]:
        nodes, stop = self.list_until(())
        return nodes

    def list_until(self, stops: tuple[str, ...]) -> tuple[list[Node], str]:
        """Nodes up to one of the keywords ``stops`` (consumed: ``{{`` and the keyword)."""
        nodes: list[Node] = []
        while True:
            token = self.next()
            if token.kind == "eof":
                if stops:
                    raise self.error(token, "unexpected EOF")
                return nodes, ""
            if token.kind == "text":
                nodes.append(TextNode(token.pos, token.value))
                continue
            keyword = self.peek()
            if keyword.kind == "keyword" and keyword.value in ("end", "else"):
                if keyword.value not in stops:
                    problem = ("expected end; found" if stops == ("end",) else "unexpected")
                    raise self.error(keyword, f"{problem} {{{{{keyword.value}}}}}")
                self.next()
                return nodes, keyword.value
            node = self.action()
            if node is not None:
                nodes.append(node)

    def expect_close(self, context: str) -> None:
        token = self.next()
        if token.kind != "close":
            raise self.error(token, f"unexpected {self.describe(token)} in {context}")

    @staticmethod
    def describe(token: Token) -> str:
        """A token in an error, as Go's parser prints its items."""
        if token.kind == "eof":
            return "EOF"
        if token.kind == "keyword":
            return f"<{token.value}>"
        quoted = go_quote(token.value)
        return quoted if len(token.value) <= 10 else go_quote(token.value[:10]) + "..."

    def action(self) -> Node:
        token = self.peek()
        if token.kind == "keyword" and token.value in ("if", "range", "with"):
            self.next()
            return self.branch(token)
        if token.kind == "keyword" and token.value in ("define", "template", "block"):
            self.next()
            return self.template_action(token.value)
        if token.kind == "keyword" and token.value in ("break", "continue"):
            self.next()
            if not self.range_depth:
                raise self.error(token, f"{{{{{token.value}}}}} outside {{{{range}}}}")
            self.expect_close(token.value)
            return LoopControlNode(token.pos, token.value)
        pipe = self.pipeline("command")
        return ActionNode(token.pos, pipe)

    def template_action(self, keyword: str) -> Node | None:
        """``define`` and ``block`` record a named body; ``template`` and ``block`` run one."""
        name_token = self.next()
        if name_token.kind not in ("string", "rawstring"):
            raise self.error(name_token, f"unexpected {self.describe(name_token)} in "
                                         f"{keyword} clause")
        name = self.literal(name_token)
        pipe = None
        if keyword == "define":
            self.expect_close("define clause")
        elif self.peek().kind == "close":
            self.next()
        else:
            pipe = self.pipeline(f"{keyword} clause")
        if keyword in ("define", "block"):
            self.variables.append(["$"])
            body, _ = self.list_until(("end",))
            self.variables.pop()
            self.expect_close("end")
            self.defined[name] = body
        if keyword == "define":
            return None
        return TemplateNode(name_token.pos, name, pipe)

    def branch(self, keyword: Token) -> BranchNode:
        self.variables.append(list(self.variables[-1]))
        pipe = self.pipeline(keyword.value, allow_two=keyword.value == "range")
        self.range_depth += keyword.value == "range"
        body, stop = self.list_until(("end", "else"))
        self.range_depth -= keyword.value == "range"
        else_body = None
        if stop == "else":
            after = self.peek()
            chained_else = (keyword.value in ("if", "with") and after.kind == "keyword"
                            and after.value == keyword.value)
            if chained_else:
                self.next()
                else_body = [self.branch(after)]
            else:
                self.expect_close("else")
                else_body, _ = self.list_until(("end",))
                self.expect_close("end")
        else:
            self.expect_close("end")
        self.variables.pop()
        return BranchNode(keyword.pos, keyword.value, pipe, body, else_body)

    def pipeline(self, context: str, allow_two: bool = False) -> PipeNode:
        start = self.peek()
        declarations: list[str] = []
        is_assign = False
        save = self.index
        if start.kind == "variable":
            names = [self.next().value]
            if allow_two and self.peek().kind == ",":
                self.next()
                if self.peek().kind == "variable":
                    names.append(self.next().value)
                else:
                    raise self.error(self.peek(), "range can only initialize variables")
            if self.peek().kind in ("declare", "assign"):
                is_assign = self.next().kind == "assign"
                declarations = names
                if is_assign:
                    for name in names:
                        if not self.known_variable(name):
                            raise self.error(start, f"undefined variable \"{name}\"")
            else:
                self.index = save
        commands: list[CommandNode] = []
        while True:
            token = self.peek()
            if token.kind in ("close", ")"):
                if token.kind == ")" and context != "parenthesized pipeline":
                    raise self.error(token, "unexpected right paren")
                self.next()
                break
            if token.kind == "eof":
                raise self.error(token, "unclosed action")
            commands.append(self.command())
            if self.peek().kind == "|":
                self.next()
        if not commands:
            raise self.error(start, f"missing value for {context}")
        for name in declarations:
            if not is_assign:
                self.variables[-1].append(name)
        return PipeNode(start.pos, declarations, is_assign, commands)

    def known_variable(self, name: str) -> bool:
        return name in self.variables[-1]

    def command(self) -> CommandNode:
        args: list[Node] = []
        start = self.peek()
        if start.kind in ("char", "|", "declare", "assign", ","):
            raise self.error(start, f"unexpected {self.describe(start)} in command")
        while self.peek().kind not in ("close", ")", "|", "eof"):
            args.append(self.operand())
        if not args:
            raise self.error(start, "empty command")
        return CommandNode(start.pos, args)

    def operand(self) -> Node:
        token = self.next()
        if token.kind == "field":
            names = [token.value[1:]]
            pos = self.peek().pos if self.chained() else token.pos
            names.extend(self.field_chain())
            return FieldNode(pos, names)
        if token.kind == "variable":
            if not self.known_variable(token.value):
                raise self.error(token, f'undefined variable "{token.value}"')
            pos = self.peek().pos if self.chained() else token.pos
            return VariableNode(pos, token.value, self.field_chain())
        if token.kind == "dot":
            node: Node = DotNode(token.pos)
        elif token.kind == "(":
            node = self.pipeline("parenthesized pipeline")
            node.pos = token.pos
        elif token.kind == "identifier":
            if token.value not in _FUNCTIONS:
                raise self.error(token, f'function "{token.value}" not defined')
            node = IdentifierNode(token.pos, token.value)
        elif token.kind == "keyword" and token.value in ("true", "false"):
            node = LiteralNode(token.pos, token.value == "true", token.value)
        elif token.kind == "keyword" and token.value == "nil":
            node = NilNode(token.pos)
        elif token.kind in ("string", "rawstring", "charconst", "number"):
            node = LiteralNode(token.pos, self.literal(token), token.value)
        else:
            raise self.error(token, f"unexpected {self.describe(token)} in operand")
        if self.chained():
            return ChainNode(self.peek().pos, node, self.field_chain())
        return node

    def chained(self) -> bool:
        """Whether a field follows the previous token with no space: ``$x.a``, ``(...).a``."""
        previous, following = self.tokens[self.index - 1], self.peek()
        return following.kind == "field" and following.pos == previous.pos + len(previous.value)

    def field_chain(self) -> list[str]:
        names = []
        while self.chained():
            names.append(self.next().value[1:])
        return names

    def literal(self, token: Token):
        if token.kind == "rawstring":
            return token.value[1:-1]
        if token.kind == "string":
            return _unquote(token.value[1:-1])
        if token.kind == "charconst":
            return GoInt(ord(_unquote(token.value[1:-1])))
        text = token.value.replace("_", "")
        try:
            if re.fullmatch(r"[+-]?(0[xX][0-9a-fA-F]+|0[bB][01]+|0[oO][0-7]+|[0-9]+)", text):
                octal = re.fullmatch(r"[+-]?0[0-7]+", text)
                return GoInt(int(text, 8) if octal else int(text, 0))
            return float(text)
        except ValueError:
            raise self.error(token, f"bad number syntax: {go_quote(token.value)}") from None


_ESCAPE = re.compile(r"\\(x[0-9a-fA-F]{2}|u[0-9a-fA-F]{4}|U[0-9a-fA-F]{8}|[0-7]{3}|.)")


def _unquote(body: str) -> str:
    simple = {"n": "\n", "t": "\t", "r": "\r", "a": "\a", "b": "\b", "f": "\f", "v": "\v",
              "\\": "\\", '"': '"', "'": "'"}

    def replace(match: re.Match) -> str:
        code = match.group(1)
        if code in simple:
            return simple[code]
        if code[0] in "xuU":
            return chr(int(code[1:], 16))
        if code[0].isdigit():
            return chr(int(code, 8))
        return match.group()
    return _ESCAPE.sub(replace, body)


# -- execution ----------------------------------------------------------------------------------


def _truth(value) -> bool:
    if value is MISSING or value is None:
        return False
    if isinstance(value, bool):
        return value
    if isinstance(value, (int, float)):
        return value != 0
    if isinstance(value, (str, list, dict)):
        return len(value) > 0
    return True


class _LoopControl(Exception):
    def __init__(self, keyword: str):
        super().__init__(keyword)
        self.keyword = keyword


class Template:
    """A parsed template; ``execute`` writes its output to a list of strings."""

    def __init__(self, text: str, missing_key_error: bool = False):
        self.text = text
        parser = _Parser(text)
        self.nodes = parser.parse()
        self.defined = parser.defined
        self.missing_key_error = missing_key_error
        self._last_evaluated: Node | None = None

    def execute(self, data, out: list[str]) -> None:
        scope = [("$", data)]
        self._walk(self.nodes, data, scope, out)

    def render(self, data) -> str:
        out: list[str] = []
        self.execute(data, out)
        return "".join(out)

    # -- errors
    def _error(self, node: Node, message: str) -> TemplateExecError:
        text = self.text
        line = _line_of(text, node.pos)
        newline = text.rfind("\n", 0, node.pos)
        column = node.pos if newline < 0 else node.pos - newline - 1
        return TemplateExecError(f'template: {TEMPLATE_NAME}:{line}:{column}: executing '
                                 f'"{TEMPLATE_NAME}" at <{node}>: {message}')

    # -- walking
    def _walk(self, nodes: list[Node], dot, scope: list, out: list[str]) -> None:
        for node in nodes:
            if isinstance(node, TextNode):
                out.append(node.text)
            elif isinstance(node, LoopControlNode):
                raise _LoopControl(node.keyword)
            elif isinstance(node, TemplateNode):
                self._template(node, dot, scope, out)
            elif isinstance(node, ActionNode):
                value = self._pipe(node.pipe, dot, scope)
                if not node.pipe.declarations:
                    out.append(self._print(value))
            else:
                self._branch(node, dot, scope, out)

    @staticmethod
    def _print(value) -> str:
        """An action's value; a JSON null, like a missing key, prints ``<no value>``."""
        return format_value(MISSING if value is None else value)

    def _template(self, node: TemplateNode, dot, scope: list, out: list[str]) -> None:
        if node.name not in self.defined:
            raise self._error(node, f"template {go_quote(node.name)} not defined")
        value = self._pipe(node.pipe, dot, scope) if node.pipe is not None else None
        self._walk(self.defined[node.name], value, [("$", value)], out)

    def _branch(self, node: BranchNode, dot, scope: list, out: list[str]) -> None:
        depth = len(scope)
        try:
            if node.keyword == "range":
                self._range(node, dot, scope, out)
                return
            value = self._pipe(node.pipe, dot, scope)
            if _truth(value):
                self._walk(node.body, value if node.keyword == "with" else dot, scope, out)
            elif node.else_body is not None:
                self._walk(node.else_body, dot, scope, out)
        finally:
            del scope[depth:]

    def _range(self, node: BranchNode, dot, scope: list, out: list[str]) -> None:
        pipe = node.pipe
        value = self._pipe(PipeNode(pipe.pos, [], False, pipe.commands), dot, scope)
        if isinstance(value, dict):
            items = [(key, value[key]) for key in sorted(value)]
        elif isinstance(value, list):
            items = list(enumerate(value))
        elif value is MISSING or value is None:
            items = []
        else:
            raise self._error(pipe.commands[-1].args[0] if len(pipe.commands[-1].args) == 1
                              else pipe.commands[-1],
                              f"range can't iterate over {format_value(value)}")
        if not items:
            if node.else_body is not None:
                self._walk(node.else_body, dot, scope, out)
            return
        depth = len(scope)
        for key, element in items:
            del scope[depth:]
            if len(pipe.declarations) == 1:
                scope.append((pipe.declarations[0], element))
            elif len(pipe.declarations) == 2:
                scope.append((pipe.declarations[0], key))
                scope.append((pipe.declarations[1], element))
            try:
                self._walk(node.body, element, scope, out)
            except _LoopControl as control:
                if control.keyword == "break":
                    break

    def _pipe(self, pipe: PipeNode, dot, scope: list):
        value = None
        final = MISSING
        for position, command in enumerate(pipe.commands):
            final = self._command(command, dot, scope, final if position else None,
                                  position > 0)
        value = final
        for name in pipe.declarations:
            if pipe.is_assign:
                for index in range(len(scope) - 1, -1, -1):
                    if scope[index][0] == name:
                        scope[index] = (name, value)
                        break
            else:
                scope.append((name, value))
        return value

    def _command(self, command: CommandNode, dot, scope: list, piped, has_piped: bool):
        first = command.args[0]
        if isinstance(first, IdentifierNode):
            args = [self._argument(arg, dot, scope) for arg in command.args[1:]]
            if first.name == "printf" and len(command.args) > 1 and not isinstance(args[0], str):
                format_node = command.args[1]
                if isinstance(format_node, LiteralNode):
                    raise self._error(format_node, f"expected string; found {format_node}")
                raise self._error(format_node, "wrong type for value; expected string; got "
                                  + go_type_name(args[0]))
            if has_piped:
                args.append(piped)
            return self._call(command, first.name, args, dot, scope)
        if has_piped or len(command.args) > 1:
            names = getattr(first, "names", None)
            if names:
                raise self._error(first, f"{names[-1]} is not a method but has arguments")
            raise self._error(first, f"can't give argument to non-function {first}")
        if isinstance(first, NilNode):
            raise self._error(first, "nil is not a command")
        return self._argument(first, dot, scope)

    def _argument(self, node: Node, dot, scope: list):
        """The value of one operand; Go reports a failing field chain on a parenthesized
        pipeline at the operand evaluated last, so that is remembered."""
        self._last_evaluated = node
        if isinstance(node, DotNode):
            return dot
        if isinstance(node, NilNode):
            return None
        if isinstance(node, LiteralNode):
            return node.value
        if isinstance(node, FieldNode):
            return self._fields(node, dot, node.names)
        if isinstance(node, VariableNode):
            value = self._variable(node, scope)
            return self._fields(node, value, node.names)
        if isinstance(node, PipeNode):
            return self._pipe(node, dot, scope)
        if isinstance(node, ChainNode):
            value = self._argument(node.node, dot, scope)
            return self._fields(self._last_evaluated, value, node.names)
        if isinstance(node, IdentifierNode):
            return self._call(node, node.name, [], dot, scope)
        raise self._error(node, "can't evaluate command")

    def _variable(self, node: VariableNode, scope: list):
        for name, value in reversed(scope):
            if name == node.name:
                return value
        raise self._error(node, f"undefined variable: {node.name}")

    def _fields(self, node: Node, value, names: list[str]):
        for name in names:
            if value is MISSING:
                if self.missing_key_error:
                    raise self._error(node, f'nil data; no entry for key "{name}"')
                return MISSING
            if value is None:
                raise self._error(node, f"nil pointer evaluating interface {{}}.{name}")
            if isinstance(value, dict):
                if name in value:
                    value = value[name]
                elif self.missing_key_error:
                    raise self._error(node, f'map has no entry for key "{name}"')
                else:
                    value = MISSING
            else:
                raise self._error(node, f"can't evaluate field {name} in type interface {{}}")
        return value

    # -- functions
    def _call(self, node: Node, name: str, args: list, dot, scope: list):
        try:
            return _BUILTINS[name](*args) if name not in ("and", "or") else _BUILTINS[name](args)
        except _CallError as error:
            raise self._error(node, f"error calling {name}: {error}") from None
        except _ArgumentCount as error:
            raise self._error(node, f"wrong number of args for {name}: {error}") from None
        except TypeError:
            raise self._error(node, f"wrong number of args for {name}") from None


class _CallError(Exception):
    pass


class _ArgumentCount(Exception):
    pass


def _need(args, count: int, at_least: bool = False) -> None:
    if (len(args) < count) if at_least else (len(args) != count):
        raise _ArgumentCount(f"want {'at least ' if at_least else ''}{count} got {len(args)}")


def _len(*args):
    _need(args, 1)
    value = args[0]
    if value is MISSING:
        raise _CallError("reflect: call of reflect.Value.Type on zero Value")
    if isinstance(value, (str, list, dict)):
        return len(value.encode("utf-8")) if isinstance(value, str) else len(value)
    if value is None:
        raise _CallError("len of nil pointer")
    raise _CallError(f"len of type {go_type_name(value)}")


def _index(*args):
    _need(args, 1, at_least=True)
    value, keys = args[0], args[1:]
    if value is MISSING or value is None:
        raise _CallError("index of untyped nil")
    for key in keys:
        if isinstance(value, list) or isinstance(value, str):
            if not isinstance(key, int) or isinstance(key, bool):
                raise _CallError(f"cannot index slice/array with type {go_type_name(key)}")
            if not 0 <= key < len(value):
                raise _CallError(f"index out of range: {key}")
            value = value[key] if isinstance(value, list) else value.encode("utf-8")[key]
        elif isinstance(value, dict):
            if not isinstance(key, str):
                raise _CallError(f"value has type {go_type_name(key)}; should be string")
            value = value.get(key, MISSING)
        elif value is MISSING or value is None:
            raise _CallError("index of nil pointer")
        else:
            raise _CallError(f"can't index item of type {go_type_name(value)}")
    return value


def _basic_kind(value) -> str:
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, int):
        return "int"
    if isinstance(value, float):
        return "float"
    if isinstance(value, str):
        return "string"
    if value is None or value is MISSING:
        return "nil"
    return "other"


def _eq(*args):
    _need(args, 1, at_least=True)
    first = args[0]
    if len(args) == 1:
        raise _ArgumentCount("missing argument for comparison")
    kind = _basic_kind(first)
    for other in args[1:]:
        other_kind = _basic_kind(other)
        if kind == "other" or other_kind == "other":
            if kind == "nil" or other_kind == "nil":
                if first is other or (first in (None, MISSING) and other in (None, MISSING)):
                    return True
                continue
            raise _CallError("non-comparable type")
        if kind != other_kind:
            if kind == "nil" or other_kind == "nil":
                continue
            raise _CallError("incompatible types for comparison")
        if first == other:
            return True
    return False


def _ordered(name):
    def compare(*args):
        _need(args, 2)
        first, second = args
        kind, other = _basic_kind(first), _basic_kind(second)
        if kind in ("bool", "nil", "other") or other in ("bool", "nil", "other"):
            raise _CallError("invalid type for comparison")
        if kind != other:
            raise _CallError("incompatible types for comparison")
        return {"lt": first < second, "le": first <= second, "gt": first > second,
                "ge": first >= second}[name]
    return compare


def _ne(*args):
    _need(args, 2)
    return not _eq(*args)


def _and(args):
    _need(args, 1, at_least=True)
    for value in args:
        if not _truth(value):
            return value
    return args[-1]


def _or(args):
    _need(args, 1, at_least=True)
    for value in args:
        if _truth(value):
            return value
    return args[-1]


def _not(*args):
    _need(args, 1)
    return not _truth(args[0])


def _printf(*args):
    _need(args, 1, at_least=True)
    return sprintf(args[0], list(args[1:]))


_BUILTINS = {
    "len": _len, "index": _index, "eq": _eq, "ne": _ne, "lt": _ordered("lt"),
    "le": _ordered("le"), "gt": _ordered("gt"), "ge": _ordered("ge"), "and": _and, "or": _or,
    "not": _not, "printf": _printf,
    "print": lambda *args: sprint(list(args)),
    "println": lambda *args: sprintln(list(args)),
}


def parse(text: str, missing_key_error: bool = False) -> Template:
    return Template(text, missing_key_error)


__all__ = ["Template", "TemplateParseError", "TemplateExecError", "MISSING", "parse", "go_quote"]
