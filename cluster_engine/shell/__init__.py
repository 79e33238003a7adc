"""The sandbox shell: a small bash of our own, from lexer to executor."""

from .executor import Shell

__all__ = ["Shell"]
