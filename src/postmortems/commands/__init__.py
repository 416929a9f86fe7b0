"""One module per `pm` command: its click options and a thin call into the library.

The library is imported inside the commands, when they run, so that `pm --help` and the
commands that do not need a layer do not pay for importing it.
"""
