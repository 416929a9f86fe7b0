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
