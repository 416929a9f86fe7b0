"""`pm import` of a folder into a fresh PostgreSQL database, with where the CPU goes.

    chrt -f 10 python bench/import_profile.py FOLDER [--db pm_import_profile] [--boost]

Creates (and leaves) the database, runs :func:`transfer.import_dir` in this process and prints
the rate, the CPU per postmortem of this process, of the parsing worker processes and of the
PostgreSQL backend, and the wall time spent in the write transactions. ``--boost`` puts the
backend under ``chrt -f 10`` as well (root only), as bench/server_bench.py does.
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import time
from pathlib import Path
from typing import Any

PSQL = ["psql", "-h", "127.0.0.1", "-U", "postgres", "-qc"]


def _children_cpu() -> float:
    used = resource.getrusage(resource.RUSAGE_CHILDREN)
    return used.ru_utime + used.ru_stime


def _backend_cpu(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("folder", type=Path)
    parser.add_argument("--db", default="pm_import_profile")
    parser.add_argument("--boost", action="store_true")
    args = parser.parse_args()
    subprocess.run([*PSQL, f"DROP DATABASE IF EXISTS {args.db} WITH (FORCE)"], check=True)
    subprocess.run([*PSQL, f"CREATE DATABASE {args.db}"], check=True)
    os.environ.update(
        PM_SECRET_KEY="import-profile-only",
        DATABASE_URL=f"postgresql://postgres@127.0.0.1:5432/{args.db}",
        PM_DATA_DIR=f"/tmp/{args.db}",
    )
    from postmortems.server.bootstrap import boot
    from postmortems.server.config import load

    boot(load(env=os.environ))
    from django.db import connection

    from postmortems.server.library import store
    from postmortems.server.library.transfer import import_dir

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        backend = int(cursor.fetchone()[0])
    if args.boost:
        subprocess.run(["chrt", "-f", "-p", "10", str(backend)], check=True)
    writing = [0.0]
    write_batch = store._write_batch

    def timed(*a: Any, **k: Any) -> Any:
        start = time.perf_counter()
        try:
            return write_batch(*a, **k)
        finally:
            writing[0] += time.perf_counter() - start

    store._write_batch = timed
    wall, cpu, kids, pg = time.perf_counter(), time.process_time(), _children_cpu(), 0.0
    pg = _backend_cpu(backend)
    report = import_dir(args.folder)
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    kids, pg = _children_cpu() - kids, _backend_cpu(backend) - pg
    n = len(report.created) + len(report.updated)
    print(
        f"{n} imported in {wall:.1f} s ({n / wall:.0f}/s); CPU per postmortem: this process "
        f"{cpu * 1000 / n:.2f} ms, parsing processes {kids * 1000 / n:.2f} ms, PostgreSQL "
        f"backend {pg * 1000 / n:.2f} ms; {writing[0]:.1f} s in write transactions; "
        f"load {os.getloadavg()[0]:.1f}"
    )


if __name__ == "__main__":
    main()
