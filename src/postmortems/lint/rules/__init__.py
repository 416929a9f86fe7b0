"""The rules, one module per family. Importing this package registers them all."""

from postmortems.lint.rules import structure

__all__ = ["structure"]
