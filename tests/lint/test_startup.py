"""`pm lint` as a whole process: one file, the rule list, and a usage error."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "checkout-502.md"


def pm(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "postmortems", *args], capture_output=True, text=True, check=False
    )


def test_linting_one_file_in_a_new_process() -> None:
    done = pm("lint", "--isolated", "-q", "-f", "text", str(EXAMPLE))
    assert done.returncode in (0, 1)
    assert "Traceback" not in done.stderr


def test_rule_list_and_usage_errors_in_a_new_process() -> None:
    rules = pm("lint", "--list-rules")
    assert rules.returncode == 0
    assert rules.stdout.startswith("PM100\t")
    bad = pm("lint", "-j", "0", str(EXAMPLE))
    assert bad.returncode == 2
    assert "Invalid value for '-j' / '--jobs'" in bad.stderr


# What `pm lint` and `pm parse` of one file must not import: the server and Django, the other
# commands' modules (click's lazy subcommands), the search package (only `--library`), and the
# on-call, incident and rendering packages.
NOT_ON_THE_ONE_FILE_PATH = (
    "django",
    "postmortems.server",
    "postmortems.search",
    "postmortems.oncall",
    "postmortems.incident",
    "postmortems.render",
    "postmortems.commands.serve",
    "postmortems.commands.admin",
    "postmortems.commands.export",
    "postmortems.commands.incident",
    "rich",
)
MODULES_AFTER = """
import sys
from postmortems.cli import main
try:
    main(sys.argv[1:])
except SystemExit:
    pass
sys.stderr.write("\\n".join(sorted(sys.modules)))
"""


def modules_after(*args: str) -> set[str]:
    done = subprocess.run(
        [sys.executable, "-c", MODULES_AFTER, *args], capture_output=True, text=True, check=False
    )
    assert "Traceback" not in done.stderr
    return set(done.stderr.split("\n"))


def test_one_file_imports_only_what_it_needs() -> None:
    for args in (
        ("lint", "--isolated", "-q", str(EXAMPLE)),
        ("parse", "--format", "extract", str(EXAMPLE)),
    ):
        loaded = modules_after(*args)
        assert "postmortems.document.parser" in loaded
        unwanted = {m for m in loaded if m.startswith(NOT_ON_THE_ONE_FILE_PATH)}
        assert unwanted == set(), args
