"""A small awk: the language one-liners use on kubectl output.

``BEGIN``/``END``, patterns (``/re/``, comparisons, ``&&``, ``||``, ``!``, ranges are not
supported), ``print``/``printf``, fields (``$1``, ``$NF``, ``$(i+1)``), ``NR``, ``NF``, ``FS``,
``OFS``, variables and arrays (``count[$1]++``, ``for (k in count)``), ``if``/``while``/``for``,
``next``, ``exit``, and the string functions ``length``, ``substr``, ``index``, ``split``,
``sub``, ``gsub``, ``toupper``, ``tolower``, ``sprintf``, ``int``. Values follow awk's rules:
a field that looks like a number compares as one.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass


class AwkError(Exception):
    """A program awk refuses; the text follows gawk's ``awk: cmd. line:1: ...`` words."""


class AwkFatal(Exception):
    """A runtime error; the interpreter adds where in the input it happened."""


class _Next(Exception):
    pass


class _Exit(Exception):
    def __init__(self, status: int):
        super().__init__(status)
        self.status = status


class StrNum(str):
    """Input text (a field, ``$0``): a number when it looks like one, a string otherwise."""


_NUMBER = re.compile(r"\s*[-+]?(?:\d+\.?\d*(?:[eE][-+]?\d+)?|\.\d+(?:[eE][-+]?\d+)?)\s*")
_LEADING_NUMBER = re.compile(r"\s*[-+]?(?:\d+\.?\d*(?:[eE][-+]?\d+)?|\.\d+(?:[eE][-+]?\d+)?)")


def to_number(value) -> float:
    if isinstance(value, float):
        return value
    match = _LEADING_NUMBER.match(value)
    return float(match.group()) if match else 0.0


def to_string(value) -> str:
    if isinstance(value, float):
        if value == int(value) and abs(value) < 1e16:
            return str(int(value))
        return f"{value:.6g}"
    return value


def _looks_numeric(value) -> bool:
    return isinstance(value, float) or (isinstance(value, StrNum) and bool(_NUMBER.fullmatch(value)))


def truth(value) -> bool:
    if isinstance(value, float):
        return value != 0
    if isinstance(value, StrNum) and _NUMBER.fullmatch(value):
        return to_number(value) != 0
    return value != ""


# -- lexing --------------------------------------------------------------------------------------

@dataclass
class Token:
    kind: str  # number, string, regex, name, keyword, builtin, op, newline, eof
    text: str
    value: object = None
    position: int = 0


_KEYWORDS = {"BEGIN", "END", "print", "printf", "if", "else", "while", "for", "in", "next",
             "exit", "do", "delete", "getline", "function", "return", "break", "continue"}
_BUILTINS = {"length", "substr", "index", "split", "sub", "gsub", "toupper", "tolower",
             "sprintf", "int", "match", "sqrt", "log", "exp", "sin", "cos", "rand", "srand"}
_OPERATORS = sorted(["+=", "-=", "*=", "/=", "%=", "^=", "==", "<=", ">=", "!=", "++", "--", "&&",
                     "||", "!~", ">>", "{", "}", "(", ")", "[", "]", ";", ",", "+", "-", "*", "/",
                     "%", "^", "!", ">", "<", "|", "?", ":", "~", "$", "="], key=len, reverse=True)
_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "\\": "\\", '"': '"', "/": "/", "a": "\a", "b": "\b",
            "f": "\f", "v": "\v"}


def tokenize(source: str) -> list[Token]:
    tokens: list[Token] = []
    index = 0
    while index < len(source):
        char, start, count = source[index], index, len(tokens)
        if char in " \t":
            index += 1
        elif char == "\\" and source[index + 1:index + 2] == "\n":
            index += 2
        elif char == "#":
            while index < len(source) and source[index] != "\n":
                index += 1
        elif char == "\n":
            tokens.append(Token("newline", "\n"))
            index += 1
        elif char == '"':
            index += 1
            text = []
            while index < len(source) and source[index] != '"':
                if source[index] == "\\" and index + 1 < len(source):
                    text.append(_ESCAPES.get(source[index + 1], "\\" + source[index + 1]))
                    index += 2
                else:
                    text.append(source[index])
                    index += 1
            if index >= len(source):
                raise AwkError(_pointing(source, start, "unterminated string"))
            tokens.append(Token("string", "".join(text), "".join(text)))
            index += 1
        elif char == "/" and _regex_allowed(tokens):
            index += 1
            text = []
            while index < len(source) and source[index] != "/":
                if source[index] == "\\" and index + 1 < len(source):
                    text.append(source[index:index + 2] if source[index + 1] != "/" else "/")
                    index += 2
                else:
                    text.append(source[index])
                    index += 1
            if index >= len(source):
                raise AwkError(_pointing(source, start, "unterminated regexp"))
            tokens.append(Token("regex", "".join(text)))
            index += 1
        elif char.isdigit() or (char == "." and source[index + 1:index + 2].isdigit()):
            match = re.match(r"\d*\.?\d*(?:[eE][-+]?\d+)?", source[index:])
            tokens.append(Token("number", match.group(), float(match.group())))
            index += match.end()
        elif char.isalpha() or char == "_":
            match = re.match(r"[A-Za-z_][A-Za-z0-9_]*", source[index:])
            word = match.group()
            kind = "keyword" if word in _KEYWORDS else "builtin" if word in _BUILTINS else "name"
            tokens.append(Token(kind, word))
            index += match.end()
        else:
            for operator in _OPERATORS:
                if source.startswith(operator, index):
                    tokens.append(Token("op", operator))
                    index += len(operator)
                    break
            else:
                raise AwkError(_pointing(source, index, f"invalid char '{char}' in expression"))
        if len(tokens) > count:
            tokens[-1].position = start
    tokens.append(Token("eof", "", position=len(source)))
    return tokens


def _pointing(source: str, position: int, message: str) -> str:
    """gawk's two-line complaint: the program line, then a caret under ``position``."""
    line_start = source.rfind("\n", 0, position) + 1
    line_end = source.find("\n", position)
    number = source.count("\n", 0, position) + 1
    line = source[line_start:line_end if line_end >= 0 else len(source)]
    return (f"cmd. line:{number}: {line}\n"
            f"cmd. line:{number}: {' ' * (position - line_start)}^ {message}")


def _regex_allowed(tokens: list[Token]) -> bool:
    if not tokens:
        return True
    last = tokens[-1]
    if last.kind in ("number", "string", "name", "builtin", "regex"):
        return False
    return not (last.kind == "op" and last.text in (")", "]", "$", "++", "--"))


# -- parsing into nested tuples ------------------------------------------------------------------

class Parser:
    def __init__(self, source: str):
        self.source = source
        self.tokens = tokenize(source)
        self.position = 0

    def peek(self, offset: int = 0) -> Token:
        return self.tokens[min(self.position + offset, len(self.tokens) - 1)]

    def take(self) -> Token:
        token = self.peek()
        self.position += 1
        return token

    def at(self, *texts: str) -> bool:
        token = self.peek()
        return token.kind in ("op", "keyword") and token.text in texts

    def expect(self, text: str) -> None:
        if not self.at(text):
            self.syntax_error()
        self.take()

    def syntax_error(self):
        token = self.peek()
        message = "unexpected newline or end of string" if token.kind == "eof" else "syntax error"
        raise AwkError(_pointing(self.source, token.position, message))

    def skip_newlines(self) -> None:
        while self.peek().kind == "newline" or self.at(";"):
            self.take()

    def program(self) -> list[tuple]:
        items = []
        self.skip_newlines()
        while self.peek().kind != "eof":
            if self.at("BEGIN", "END"):
                kind = self.take().text
                items.append((kind, None, self.block()))
            elif self.at("{"):
                items.append(("main", None, self.block()))
            else:
                pattern = self.expression()
                action = self.block() if self.at("{") else None
                items.append(("main", pattern, action))
            self.skip_newlines()
        return items

    def block(self) -> list:
        self.expect("{")
        statements = []
        self.skip_newlines()
        while not self.at("}"):
            if self.peek().kind == "eof":
                self.syntax_error()
            statements.append(self.statement())
            self.skip_newlines()
        self.take()
        return statements

    def simple_end(self) -> None:
        if self.peek().kind == "newline" or self.at(";"):
            self.take()
        elif not self.at("}") and self.peek().kind != "eof":
            self.syntax_error()

    def statement(self) -> tuple:
        if self.at("{"):
            return ("block", self.block())
        if self.at("if"):
            self.take()
            self.expect("(")
            condition = self.expression()
            self.expect(")")
            self.skip_newlines()
            then = self.statement()
            save = self.position
            self.skip_newlines()
            if self.at("else"):
                self.take()
                self.skip_newlines()
                return ("if", condition, then, self.statement())
            self.position = save
            return ("if", condition, then, None)
        if self.at("while"):
            self.take()
            self.expect("(")
            condition = self.expression()
            self.expect(")")
            self.skip_newlines()
            return ("while", condition, self.statement())
        if self.at("for"):
            self.take()
            self.expect("(")
            if (self.peek().kind == "name" and self.peek(1).text == "in"
                    and self.peek(2).kind == "name" and self.peek(3).text == ")"):
                variable = self.take().text
                self.take()
                array = self.take().text
                self.take()
                self.skip_newlines()
                return ("forin", variable, array, self.statement())
            init = None if self.at(";") else self.expression()
            self.expect(";")
            condition = None if self.at(";") else self.expression()
            self.expect(";")
            step = None if self.at(")") else self.expression()
            self.expect(")")
            self.skip_newlines()
            return ("for", init, condition, step, self.statement())
        if self.at("next"):
            self.take()
            self.simple_end()
            return ("next",)
        if self.at("exit"):
            self.take()
            value = None if self.peek().kind == "newline" or self.at(";", "}") else self.expression()
            self.simple_end()
            return ("exit", value)
        if self.at("delete"):
            self.take()
            name = self.take().text
            index = None
            if self.at("["):
                self.take()
                index = self.expression_list("]")
            self.simple_end()
            return ("delete", name, index)
        if self.at("print", "printf"):
            kind = self.take().text
            parenthesised = self.at("(")
            arguments = []
            if not (self.peek().kind == "newline" or self.at(";", "}", ">", ">>", "|")):
                arguments = self.expression_list(None, allow_greater=False)
                if parenthesised and len(arguments) == 1 and arguments[0][0] == "group":
                    arguments = arguments[0][1]
            if self.at(">", ">>", "|"):
                raise AwkError(_pointing(self.source, self.peek().position,
                                         "output redirection is not supported here"))
            self.simple_end()
            return (kind, arguments)
        expression = self.expression()
        self.simple_end()
        return ("expr", expression)

    def expression_list(self, closing: str | None, allow_greater: bool = True) -> list:
        items = [self.expression(allow_greater)]
        while self.at(","):
            self.take()
            self.skip_newlines()
            items.append(self.expression(allow_greater))
        if closing:
            self.expect(closing)
        return items

    def expression(self, allow_greater: bool = True) -> tuple:
        return self.ternary(allow_greater)

    def ternary(self, allow_greater: bool) -> tuple:
        condition = self.assignment_or_or(allow_greater)
        if self.at("?"):
            self.take()
            yes = self.ternary(allow_greater)
            self.expect(":")
            return ("?", condition, yes, self.ternary(allow_greater))
        return condition

    def assignment_or_or(self, allow_greater: bool) -> tuple:
        left = self.logical_or(allow_greater)
        if self.at("=", "+=", "-=", "*=", "/=", "%=", "^=") and left[0] in ("var", "field", "index"):
            operator = self.take().text
            return ("assign", operator, left, self.ternary(allow_greater))
        return left

    def logical_or(self, allow_greater: bool) -> tuple:
        left = self.logical_and(allow_greater)
        while self.at("||"):
            self.take()
            self.skip_newlines()
            left = ("||", left, self.logical_and(allow_greater))
        return left

    def logical_and(self, allow_greater: bool) -> tuple:
        left = self.membership(allow_greater)
        while self.at("&&"):
            self.take()
            self.skip_newlines()
            left = ("&&", left, self.membership(allow_greater))
        return left

    def membership(self, allow_greater: bool) -> tuple:
        left = self.matching(allow_greater)
        while self.at("in") and self.peek(1).kind == "name":
            self.take()
            left = ("in", left, self.take().text)
        return left

    def matching(self, allow_greater: bool) -> tuple:
        left = self.comparison(allow_greater)
        while self.at("~", "!~"):
            operator = self.take().text
            left = (operator, left, self.comparison(allow_greater))
        return left

    def comparison(self, allow_greater: bool) -> tuple:
        left = self.concatenation()
        operators = ("<", "<=", "==", "!=", ">=") + ((">",) if allow_greater else ())
        if self.at(*operators):
            operator = self.take().text
            return ("compare", operator, left, self.concatenation())
        return left

    def concatenation(self) -> tuple:
        left = self.additive()
        while self._starts_operand():
            left = ("concat", left, self.additive())
        return left

    def _starts_operand(self) -> bool:
        token = self.peek()
        if token.kind in ("number", "string", "regex", "name", "builtin"):
            return True
        return token.kind == "op" and token.text in ("$", "(", "++", "--")

    def additive(self) -> tuple:
        left = self.multiplicative()
        while self.at("+", "-"):
            operator = self.take().text
            left = ("arith", operator, left, self.multiplicative())
        return left

    def multiplicative(self) -> tuple:
        left = self.unary()
        while self.at("*", "/", "%"):
            operator = self.take().text
            left = ("arith", operator, left, self.unary())
        return left

    def unary(self) -> tuple:
        if self.at("!"):
            self.take()
            return ("not", self.unary())
        if self.at("-", "+"):
            operator = self.take().text
            return ("negate" if operator == "-" else "plus", self.unary())
        return self.power()

    def power(self) -> tuple:
        base = self.postfix()
        if self.at("^"):
            self.take()
            return ("arith", "^", base, self.unary())
        return base

    def postfix(self) -> tuple:
        if self.at("++", "--"):
            operator = self.take().text
            return ("preincrement", operator, self.postfix())
        operand = self.primary()
        if self.at("++", "--") and operand[0] in ("var", "field", "index"):
            return ("postincrement", self.take().text, operand)
        return operand

    def primary(self) -> tuple:
        token = self.take()
        if token.kind == "number":
            return ("number", token.value)
        if token.kind == "string":
            return ("string", token.value)
        if token.kind == "regex":
            return ("regex", token.text)
        if token.kind == "op" and token.text == "$":
            return ("field", self.postfix_operand())
        if token.kind == "op" and token.text == "(":
            items = self.expression_list(")")
            return items[0] if len(items) == 1 else ("group", items)
        if token.kind == "builtin":
            arguments = []
            if self.at("("):
                self.take()
                arguments = [] if self.at(")") else self.expression_list(None)
                self.expect(")")
            return ("call", token.text, arguments)
        if token.kind == "name":
            if self.at("["):
                self.take()
                return ("index", token.text, self.expression_list("]"))
            return ("var", token.text)
        self.position -= 1
        self.syntax_error()

    def postfix_operand(self) -> tuple:
        if self.at("++", "--", "-"):
            return self.unary()
        return self.primary()


# -- running -------------------------------------------------------------------------------------

class Interpreter:
    def __init__(self, items: list[tuple], separator: str | None, assignments: dict[str, str]):
        self.items = items
        self.variables: dict[str, object] = {"FS": " " if separator is None else _separator(separator),
                                             "OFS": " ", "ORS": "\n", "NR": 0.0, "NF": 0.0,
                                             "FNR": 0.0, "SUBSEP": "\x1c", "RSTART": 0.0,
                                             "FILENAME": "",
                                             "RLENGTH": -1.0}
        self.variables.update({name: StrNum(value) for name, value in assignments.items()})
        self.arrays: dict[str, dict[str, object]] = {}
        self.fields: list[str] = [""]
        self.out: list[str] = []
        self._regexes: dict[str, re.Pattern] = {}

    def regex(self, source: str) -> re.Pattern:
        if source not in self._regexes:
            from .text import RegexError, posix_regex
            try:
                self._regexes[source] = re.compile(posix_regex(source, extended=True))
            except (RegexError, re.error):
                raise AwkFatal(f"invalid regexp: /{source}/") from None
        return self._regexes[source]

    def set_record(self, line: str) -> None:
        self.fields = [line] + self.split(line, self.variables["FS"])
        self.variables["NF"] = float(len(self.fields) - 1)

    def split(self, text: str, separator) -> list[str]:
        separator = to_string(separator)
        if separator == " ":
            return text.split()
        if len(separator) == 1 and separator != "\\":
            return text.split(separator) if text else []
        return re.split(self.regex(separator).pattern, text) if text else []

    def rebuild(self) -> None:
        self.fields[0] = to_string(self.variables["OFS"]).join(self.fields[1:])

    def run(self, sources: list[tuple[str, list[str]]]) -> tuple[str, int, str | None]:
        """Output, exit status, and gawk's message if a fatal error stopped the program."""
        where = ""
        try:
            status = self._run(sources)
            error = None
        except AwkFatal as fatal:
            status = 2
            if self.variables["NR"]:
                name = self.variables["FILENAME"] or "-"
                where = f"(FILENAME={name} FNR={to_string(self.variables['FNR'])}) "
            error = f"cmd. line:1: {where}fatal: {fatal}"
        return "".join(self.out), status, error

    def _run(self, sources: list[tuple[str, list[str]]]) -> int:
        status = 0
        try:
            for kind, _, action in self.items:
                if kind == "BEGIN":
                    self.execute(action)
            if any(kind in ("main", "END") for kind, _, _ in self.items):
                for name, records in sources:
                    self.variables["FILENAME"] = "" if name == "-" else name
                    self.variables["FNR"] = 0.0
                    for record in records:
                        self._record(record)
        except _Exit as exit_:
            status = exit_.status
        try:
            for kind, _, action in self.items:
                if kind == "END":
                    self.execute(action)
        except _Exit as exit_:
            status = exit_.status
        return status

    def _record(self, record: str) -> None:
        self.variables["NR"] = to_number(self.variables["NR"]) + 1
        self.variables["FNR"] = to_number(self.variables["FNR"]) + 1
        self.set_record(record)
        try:
            for kind, pattern, action in self.items:
                if kind != "main" or (pattern is not None and not truth(self.evaluate(pattern))):
                    continue
                if action is None:
                    self.out.append(self.fields[0] + to_string(self.variables["ORS"]))
                else:
                    self.execute(action)
        except _Next:
            pass

    def execute(self, statements: list[tuple]) -> None:
        for statement in statements:
            self.statement(statement)

    def statement(self, node: tuple) -> None:
        kind = node[0]
        if kind == "expr":
            self.evaluate(node[1])
        elif kind == "print":
            values = [self.evaluate(argument) for argument in node[1]] or [self.fields[0]]
            self.out.append(to_string(self.variables["OFS"]).join(map(self.output_string, values))
                            + to_string(self.variables["ORS"]))
        elif kind == "printf":
            if not node[1]:
                raise AwkFatal("printf: no format")
            values = [self.evaluate(argument) for argument in node[1]]
            self.out.append(self.sprintf(to_string(values[0]), values[1:]))
        elif kind == "block":
            self.execute(node[1])
        elif kind == "if":
            if truth(self.evaluate(node[1])):
                self.statement(node[2])
            elif node[3] is not None:
                self.statement(node[3])
        elif kind == "while":
            guard = 0
            while truth(self.evaluate(node[1])):
                guard = self._guard(guard)
                self.statement(node[2])
        elif kind == "for":
            _, init, condition, step, body = node
            if init is not None:
                self.evaluate(init)
            guard = 0
            while condition is None or truth(self.evaluate(condition)):
                guard = self._guard(guard)
                self.statement(body)
                if step is not None:
                    self.evaluate(step)
        elif kind == "forin":
            _, variable, array, body = node
            for key in list(self.arrays.get(array, {})):
                self.variables[variable] = key
                self.statement(body)
        elif kind == "next":
            raise _Next()
        elif kind == "exit":
            raise _Exit(int(to_number(self.evaluate(node[1]))) if node[1] is not None else 0)
        elif kind == "delete":
            if node[2] is None:
                self.arrays.pop(node[1], None)
            else:
                self.arrays.get(node[1], {}).pop(self.subscript(node[2]), None)

    @staticmethod
    def _guard(count: int) -> int:
        if count > 1_000_000:
            raise AwkFatal("loop ran too long")
        return count + 1

    def output_string(self, value) -> str:
        if isinstance(value, float) and value != int(value):
            return f"{value:.6g}"
        return to_string(value)

    def subscript(self, expressions: list[tuple]) -> str:
        return to_string(self.variables["SUBSEP"]).join(
            to_string(self.evaluate(expression)) for expression in expressions)

    def get(self, target: tuple):
        kind = target[0]
        if kind == "var":
            if target[1] in self.arrays:
                raise AwkFatal(f"attempt to use array `{target[1]}' in a scalar context")
            return self.variables.get(target[1], StrNum(""))
        if kind == "field":
            index = int(to_number(self.evaluate(target[1])))
            if index < 0:
                raise AwkFatal(f"attempt to access field {index}")
            return StrNum(self.fields[index]) if index < len(self.fields) else StrNum("")
        return self.arrays.setdefault(target[1], {}).setdefault(self.subscript(target[2]), StrNum(""))

    def put(self, target: tuple, value) -> None:
        kind = target[0]
        if kind == "var":
            self.variables[target[1]] = value
            if target[1] == "NF":
                count = int(to_number(value))
                self.fields = (self.fields + [""] * count)[:count + 1]
                self.rebuild()
        elif kind == "field":
            index = int(to_number(self.evaluate(target[1])))
            if index == 0:
                self.set_record(to_string(value))
                return
            while len(self.fields) <= index:
                self.fields.append("")
            self.fields[index] = to_string(value)
            self.variables["NF"] = float(len(self.fields) - 1)
            self.rebuild()
        else:
            self.arrays.setdefault(target[1], {})[self.subscript(target[2])] = value

    def evaluate(self, node: tuple):
        kind = node[0]
        if kind == "number":
            return node[1]
        if kind == "string":
            return node[1]
        if kind == "regex":
            return 1.0 if self.regex(node[1]).search(self.fields[0]) else 0.0
        if kind in ("var", "field", "index"):
            return self.get(node)
        if kind == "group":
            return self.subscript(node[1])
        if kind == "assign":
            _, operator, target, value_node = node
            value = self.evaluate(value_node)
            if operator != "=":
                value = _arithmetic(operator[0], self.get(target), value)
            elif isinstance(value, StrNum):
                value = StrNum(value)
            self.put(target, value)
            return value
        if kind in ("preincrement", "postincrement"):
            _, operator, target = node
            old = to_number(self.get(target))
            new = old + (1 if operator == "++" else -1)
            self.put(target, new)
            return new if kind == "preincrement" else old
        if kind == "arith":
            return _arithmetic(node[1], self.evaluate(node[2]), self.evaluate(node[3]))
        if kind == "negate":
            return -to_number(self.evaluate(node[1]))
        if kind == "plus":
            return to_number(self.evaluate(node[1]))
        if kind == "not":
            return 0.0 if truth(self.evaluate(node[1])) else 1.0
        if kind == "concat":
            return to_string(self.evaluate(node[1])) + to_string(self.evaluate(node[2]))
        if kind == "compare":
            return 1.0 if _compare(node[1], self.evaluate(node[2]), self.evaluate(node[3])) else 0.0
        if kind in ("~", "!~"):
            subject = to_string(self.evaluate(node[1]))
            pattern = node[2][1] if node[2][0] == "regex" else to_string(self.evaluate(node[2]))
            found = bool(self.regex(pattern).search(subject))
            return 1.0 if found == (kind == "~") else 0.0
        if kind == "&&":
            return 1.0 if truth(self.evaluate(node[1])) and truth(self.evaluate(node[2])) else 0.0
        if kind == "||":
            return 1.0 if truth(self.evaluate(node[1])) or truth(self.evaluate(node[2])) else 0.0
        if kind == "?":
            return self.evaluate(node[2]) if truth(self.evaluate(node[1])) else self.evaluate(node[3])
        if kind == "in":
            key = to_string(self.evaluate(node[1]))
            return 1.0 if key in self.arrays.get(node[2], {}) else 0.0
        if kind == "call":
            return self.call(node[1], node[2])
        raise AwkFatal(f"unsupported expression {kind}")

    def call(self, name: str, arguments: list[tuple]):
        values = lambda: [self.evaluate(argument) for argument in arguments]  # noqa: E731
        if name == "length":
            if not arguments:
                return float(len(self.fields[0]))
            if arguments[0][0] == "var" and arguments[0][1] in self.arrays:
                return float(len(self.arrays[arguments[0][1]]))
            return float(len(to_string(self.evaluate(arguments[0]))))
        if name in ("toupper", "tolower"):
            text = to_string(values()[0])
            return text.upper() if name == "toupper" else text.lower()
        if name == "substr":
            args = values()
            text = to_string(args[0])
            first = max(math.trunc(to_number(args[1])), 1)
            if len(args) < 3:
                return text[first - 1:]
            return text[first - 1:first - 1 + max(math.trunc(to_number(args[2])), 0)]
        if name == "index":
            text, part = map(to_string, values())
            return float(text.find(part) + 1)
        if name == "int":
            return float(math.trunc(to_number(values()[0])))
        if name in ("sqrt", "log", "exp", "sin", "cos"):
            return float(getattr(math, name)(to_number(values()[0])))
        if name == "sprintf":
            args = values()
            return self.sprintf(to_string(args[0]), args[1:])
        if name == "split":
            text = to_string(self.evaluate(arguments[0]))
            separator = self.evaluate(arguments[2]) if len(arguments) > 2 else self.variables["FS"]
            pieces = self.split(text, separator)
            self.arrays[arguments[1][1]] = {str(index): StrNum(piece)
                                            for index, piece in enumerate(pieces, start=1)}
            return float(len(pieces))
        if name in ("sub", "gsub"):
            first = arguments[0]
            pattern = first[1] if first[0] == "regex" else to_string(self.evaluate(first))
            replacement = to_string(self.evaluate(arguments[1]))
            target = arguments[2] if len(arguments) > 2 else ("field", ("number", 0.0))
            text = to_string(self.get(target))
            count = 0

            def replace(match: re.Match) -> str:
                nonlocal count
                count += 1
                return re.sub(r"\\&|&", lambda amp: "&" if amp.group() == "\\&" else match.group(),
                              replacement)
            result = self.regex(pattern).sub(replace, text, count=0 if name == "gsub" else 1)
            if count:
                self.put(target, result)
            return float(count)
        if name == "match":
            text, pattern = to_string(self.evaluate(arguments[0])), arguments[1]
            source = pattern[1] if pattern[0] == "regex" else to_string(self.evaluate(pattern))
            found = self.regex(source).search(text)
            self.variables["RSTART"] = float(found.start() + 1) if found else 0.0
            self.variables["RLENGTH"] = float(len(found.group())) if found else -1.0
            return self.variables["RSTART"]
        raise AwkFatal(f"function `{name}' is not supported here")

    def sprintf(self, template: str, values: list) -> str:
        out, index, position = [], 0, 0
        for match in re.finditer(r"%([-+ 0#]*)(\*|\d+)?(?:\.(\d+))?([diouxXeEfgGcs%])", template):
            out.append(template[position:match.start()])
            position = match.end()
            flags, width, precision, conversion = match.groups()
            if conversion == "%":
                out.append("%")
                continue
            if width == "*":
                width = str(int(to_number(values[index]))) if index < len(values) else ""
                index += 1
            value = values[index] if index < len(values) else StrNum("")
            index += 1
            spec = "%" + flags + (width or "") + (f".{precision}" if precision is not None else "")
            if conversion in "dioxXu":
                letter = "d" if conversion in "diu" else conversion
                out.append((spec + letter) % math.trunc(to_number(value)))
            elif conversion in "eEfgG":
                out.append((spec + conversion) % to_number(value))
            elif conversion == "c":
                text = chr(int(to_number(value))) if isinstance(value, float) else to_string(value)[:1]
                out.append((spec + "s") % text)
            else:
                out.append((spec + "s") % to_string(value))
        out.append(template[position:])
        return "".join(out)


def _separator(text: str) -> str:
    return "\t" if text == "t" else text.replace("\\t", "\t")


def _arithmetic(operator: str, left, right) -> float:
    a, b = to_number(left), to_number(right)
    if operator == "+":
        return a + b
    if operator == "-":
        return a - b
    if operator == "*":
        return a * b
    if operator in "/%":
        if b == 0:
            raise AwkFatal("division by zero attempted"
                           + (" in `%'" if operator == "%" else ""))
        return a / b if operator == "/" else math.fmod(a, b)
    if operator == "^":
        return a ** b
    raise AwkFatal(f"unsupported operator {operator}")


def _compare(operator: str, left, right) -> bool:
    if _looks_numeric(left) and _looks_numeric(right):
        a, b = to_number(left), to_number(right)
    else:
        a, b = to_string(left), to_string(right)
    return {"<": a < b, "<=": a <= b, "==": a == b, "!=": a != b, ">=": a >= b, ">": a > b}[operator]


def run_awk(program: str, sources: list[tuple[str, list[str]]], separator: str | None,
            assignments: dict[str, str]) -> tuple[str, int, str | None]:
    """``awk [-F separator] [-v name=value] program`` over ``sources`` (file name, its lines):
    the output, the exit status, and the fatal error that ended it, if one did.

    Raises AwkError, before reading anything, when the program does not parse."""
    items = Parser(program).program()
    return Interpreter(items, separator, assignments).run(sources)
