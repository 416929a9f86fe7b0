"""Hostile-request bench: does a normal reader stay fast while the server is attacked?

    python bench/hostile_bench.py                       # SQLite, 20 s per phase
    python bench/hostile_bench.py --db postgres --seconds 30

Starts `pm serve --workers 2 --demo` on 127.0.0.1 (a temporary data folder; the examples as
demo data) and, while one normal client reads pages one after another, replays in turn the
requests of issue 13: a bracket flood and a YAML alias bomb posted to /api/lint by two accounts
at one request per second each, four connections sending a request body one byte a second, and
ten bad logins per second. It prints a Markdown table of the normal client's latencies in each
phase against the quiet phase (goal: p95 under 2x quiet, no request over 5 s). Every request
goes to 127.0.0.1; the run is bounded by --seconds per phase (five phases).
"""

from __future__ import annotations

import argparse
import contextlib
import http.cookiejar
import json
import os
import re
import socket
import statistics
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from demo_server import demo_server

ROOT = Path(__file__).resolve().parents[1]
HEAD = (ROOT / "examples" / "checkout-502.md").read_text(encoding="utf-8")
FLOOD = HEAD + "[" * 55_000
ALIAS_BOMB = (ROOT / "tests" / "server" / "hostile" / "alias-bomb.md").read_text(encoding="utf-8")
PAGES = ["/", "/p/PM-2024-007/", "/?q=certificate", "/p/PM-2024-007/"]


class Session:
    """A signed-in browser: cookies and the CSRF token."""

    def __init__(self, base: str, user: str, password: str) -> None:
        self.base = base
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))
        page = self.opener.open(f"{base}/login/", timeout=30).read().decode()
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
        assert token is not None
        data = {"username": user, "password": password, "csrfmiddlewaretoken": token.group(1)}
        self.opener.open(self._request("/login/", urllib.parse.urlencode(data).encode()))
        if "sessionid" not in self.cookies():
            raise SystemExit(f"login as {user} failed")

    def cookies(self) -> dict[str, str]:
        return {c.name: c.value or "" for c in self.jar}

    def _request(
        self, path: str, data: bytes | None = None, **headers: str
    ) -> urllib.request.Request:
        return urllib.request.Request(
            self.base + path, data=data, headers={"Referer": self.base + "/", **headers}
        )

    def get(self, path: str) -> int:
        return self._send(self._request(path))

    def lint(self, text: str) -> int:
        body = json.dumps({"text": text}).encode()
        csrf = self.cookies().get("csrftoken", "")
        request = self._request(
            "/api/lint", body, **{"Content-Type": "application/json", "X-CSRFToken": csrf}
        )
        return self._send(request)

    def _send(self, request: urllib.request.Request) -> int:
        try:
            with self.opener.open(request, timeout=60) as response:
                response.read()
                return int(response.status)
        except urllib.error.HTTPError as exc:
            return exc.code
        except (urllib.error.URLError, OSError):
            return 0


@dataclass
class Phase:
    name: str
    latencies: list[float] = field(default_factory=list)
    normal_errors: int = 0
    hostile: Counter[int] = field(default_factory=Counter)
    hostile_slowest: float = 0.0
    server_cpu: float = 0.0  # CPU seconds of the server's processes during the phase


def reader(session: Session, phase: Callable[[], Phase | None], stop: threading.Event) -> None:
    """The normal client: one page after another, latencies recorded in the current phase."""
    i = 0
    while not stop.is_set():
        current = phase()
        start = time.monotonic()
        status = session.get(PAGES[i % len(PAGES)])
        took = time.monotonic() - start
        if current is not None:  # a request counts in the phase it started in
            current.latencies.append(took)
            current.normal_errors += status != 200
        i += 1
        time.sleep(0.05)


def every_second(stop: threading.Event, rate: float, action: Callable[[], None]) -> None:
    """Call ``action`` ``rate`` times a second (each in its own thread) until ``stop``."""
    threads = []
    while not stop.wait(1 / rate):
        t = threading.Thread(target=action, daemon=True)
        t.start()
        threads.append(t)
    for t in threads:
        t.join(timeout=90)


def hostile_lint(sessions: list[Session], text: str, phase: Phase, stop: threading.Event) -> None:
    def one(session: Session) -> Callable[[], None]:
        def post() -> None:
            start = time.monotonic()
            status = session.lint(text)
            phase.hostile[status] += 1
            phase.hostile_slowest = max(phase.hostile_slowest, time.monotonic() - start)

        return post

    runners = [
        threading.Thread(target=every_second, args=(stop, 1.0, one(s)), daemon=True)
        for s in sessions
    ]
    for r in runners:
        r.start()
    for r in runners:
        r.join()


def slow_bodies(port: int, phase: Phase, stop: threading.Event, count: int = 4) -> None:
    """``count`` connections each sending a POST body one byte a second."""
    socks = []
    for _ in range(count):
        s = socket.create_connection(("127.0.0.1", port))
        s.sendall(
            b"POST /login/ HTTP/1.1\r\nHost: 127.0.0.1\r\n"
            b"Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 100000\r\n\r\n"
        )
        socks.append(s)
    while not stop.wait(1):
        for s in socks:
            with contextlib.suppress(OSError):
                s.sendall(b"a")
    phase.hostile[0] += count
    for s in socks:
        s.close()


def bad_logins(base: str, phase: Phase, stop: threading.Event) -> None:
    opener = urllib.request.build_opener(
        urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
    )
    page = opener.open(f"{base}/login/", timeout=30).read().decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    assert token is not None
    n = 0

    def attempt() -> None:
        nonlocal n
        n += 1
        data = urllib.parse.urlencode(
            {"username": "admin", "password": f"guess-{n}", "csrfmiddlewaretoken": token.group(1)}
        ).encode()
        request = urllib.request.Request(f"{base}/login/", data=data, headers={"Referer": base})
        try:
            with opener.open(request, timeout=30) as response:
                phase.hostile[int(response.status)] += 1
        except urllib.error.HTTPError as exc:
            phase.hostile[exc.code] += 1
        except OSError:
            phase.hostile[0] += 1

    every_second(stop, 10.0, attempt)


@contextlib.contextmanager
def server(db: str, workers: int) -> Iterator[tuple[str, int]]:
    env = {"PM_DEMO_CORPUS": str(ROOT / "examples")}
    with demo_server(db, workers, database="pm_hostile_bench", env=env) as running:
        yield running.base, running.pid


def server_cpu(pid: int) -> float:
    """CPU seconds (user + system, with finished children) of ``pid`` and its descendants."""
    todo, total = [pid], 0
    while todo:
        p = todo.pop()
        try:
            fields = Path(f"/proc/{p}/stat").read_text().rsplit(")", 1)[1].split()
            for task in Path(f"/proc/{p}/task").iterdir():
                todo += [int(c) for c in (task / "children").read_text().split()]
        except OSError:
            continue
        total += sum(int(f) for f in fields[11:15])  # utime, stime, cutime, cstime
    return total / os.sysconf("SC_CLK_TCK")


def quiet(stop: threading.Event) -> None:
    """No attack: wait for the end of the phase."""
    stop.wait()


def p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20)[-1] if len(values) >= 2 else max(values, default=0)


def table(phases: list[Phase]) -> str:
    quiet = p95(phases[0].latencies)
    lines = [
        "| phase | normal requests | p50 ms | p95 ms | max ms | p95 / quiet | "
        "normal errors | hostile answers | slowest hostile s | server CPU s |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- | ---: | ---: |",
    ]
    for ph in phases:
        lat = ph.latencies
        answers = ", ".join(f"{k or 'open'}: {v}" for k, v in sorted(ph.hostile.items())) or "-"
        lines.append(
            f"| {ph.name} | {len(lat)} | {statistics.median(lat) * 1000:.0f} | "
            f"{p95(lat) * 1000:.0f} | {max(lat) * 1000:.0f} | {p95(lat) / quiet:.2f} | "
            f"{ph.normal_errors} | {answers} | {ph.hostile_slowest:.1f} | {ph.server_cpu:.1f} |"
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--seconds", type=int, default=20, help="length of each phase")
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    with server(args.db, args.workers) as (base, pid):
        normal = Session(base, "demo", "demo-postmortems")
        attackers = [
            Session(base, "viewer", "viewer-postmortems"),
            Session(base, "security", "security-postmortems"),
        ]
        port = int(base.rsplit(":", 1)[1])
        current: list[Phase | None] = [None]
        stop_reader = threading.Event()
        threading.Thread(
            target=reader, args=(normal, lambda: current[0], stop_reader), daemon=True
        ).start()
        attacks: list[tuple[str, Callable[[Phase, threading.Event], None]]] = [
            ("quiet", lambda ph, stop: quiet(stop)),
            (
                "bracket flood, 2 accounts x 1/s",
                lambda ph, s: hostile_lint(attackers, FLOOD, ph, s),
            ),
            (
                "alias bomb, 2 accounts x 1/s",
                lambda ph, s: hostile_lint(attackers, ALIAS_BOMB, ph, s),
            ),
            ("4 slow-body connections", lambda ph, s: slow_bodies(port, ph, s)),
            ("10 bad logins/s", lambda ph, s: bad_logins(base, ph, s)),
        ]
        phases = []
        for name, attack in attacks:
            phase = Phase(name)
            stop = threading.Event()
            attacker = threading.Thread(target=attack, args=(phase, stop), daemon=True)
            current[0] = phase
            cpu = server_cpu(pid)
            attacker.start()
            time.sleep(args.seconds)
            current[0] = None
            stop.set()
            attacker.join(timeout=120)
            phase.server_cpu = server_cpu(pid) - cpu
            phases.append(phase)
            print(f"{name}: {len(phase.latencies)} reads", file=sys.stderr)
        stop_reader.set()
    print(f"`python bench/hostile_bench.py --db {args.db} --seconds {args.seconds}`\n")
    print(table(phases))


if __name__ == "__main__":
    main()
