"""Implementations of the CLI commands, imported only when a command runs."""
