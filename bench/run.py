"""`make bench`: run the benchmarks and print their figures (see docs/benchmarks.md).

    python bench/run.py            # the quick ones (parsing)
    python bench/run.py NAME…      # chosen ones, e.g. `parse lint`
    python bench/run.py parse -- --realtime     # options after -- go to each script
    python bench/run.py --list

Each benchmark is a script in bench/ that can also be run on its own with its own options.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent

# name: (script, run by default) — the slow ones install peers or start servers.
BENCHMARKS: dict[str, tuple[str, bool]] = {
    "parse": ("parse_bench.py", True),
    "lint": ("lint_bench.py", False),
    "build": ("build_bench.py", False),
    "server": ("server_bench.py", False),
}


def main(argv: list[str]) -> int:
    extra: list[str] = []
    if "--" in argv:
        argv, extra = argv[: argv.index("--")], argv[argv.index("--") + 1 :]
    if argv == ["--list"]:
        for name, (script, default) in BENCHMARKS.items():
            print(f"{name:8} bench/{script}{'  (default)' if default else ''}")
        return 0
    unknown = [name for name in argv if name not in BENCHMARKS]
    if unknown:
        print(f"unknown benchmark {unknown[0]!r}: try --list", file=sys.stderr)
        return 2
    names = argv or [name for name, (_, default) in BENCHMARKS.items() if default]
    status = 0
    for name in names:
        script = HERE / BENCHMARKS[name][0]
        if not script.exists():
            print(f"bench/{script.name}: missing", file=sys.stderr)
            status = 3
            continue
        done = subprocess.run([sys.executable, str(script), *extra], check=False)
        status = done.returncode or status
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
