"""The sandbox shell: a small bash of our own, from lexer to executor."""
