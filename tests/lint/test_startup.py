"""`pm lint` starts fast: linting one file imports nothing heavy it does not need."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "checkout-502.md"
NOT_AT_START = {
    "rich",  # only for the progress bar on a terminal
    "django",
    "jsonschema",
    "concurrent.futures",  # only when many files are linted
    "multiprocessing",
    "tomllib",  # only when a config file exists
    "difflib",  # only for --diff
    "postmortems.lint.formatters.sarif",
    "postmortems.lint.docs",
}


def test_linting_one_file_imports_nothing_heavy() -> None:
    result = subprocess.run(
        [
            sys.executable,
            "-X",
            "importtime",
            "-m",
            "postmortems",
            "lint",
            "--isolated",
            str(EXAMPLE),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode in (0, 1), result.stderr[-2000:]
    imported = {
        line.rsplit("|", 1)[-1].strip()
        for line in result.stderr.splitlines()
        if line.startswith("import time:")
    }
    assert "postmortems.lint.engine" in imported
    heavy = {m for m in imported if m.split(".")[0] in NOT_AT_START or m in NOT_AT_START}
    assert not heavy
