"""Run the WSGI app under gunicorn with the worker count from the settings.

Measured choices (docs/benchmarks.md, "Server"): threaded workers (8 threads each; sync workers
were no faster within the noise and a slow client would hold a whole worker), the app loaded once
in the master and its objects frozen out of the garbage collector's scans before the workers
fork, the workers' heartbeat files in memory rather than on disk, and a listening socket for
each worker (``SO_REUSEPORT``): the kernel spreads new connections over the workers, where on
one shared socket a worker could take every kept-alive connection and serve them all on one core.
"""

from __future__ import annotations

import errno
import gc
import os
import socket
import sys
from typing import Any

from gunicorn.app.base import BaseApplication  # type: ignore[import-untyped]

from postmortems.server.config import ServerSettings, SettingsError

THREADS = 8  # a few slow clients each hold one; the rest keep serving (docs/deploying.md)
SHM = "/dev/shm"


def freeze_loaded_objects() -> None:
    """Move everything the app allocated at start-up out of the collector's reach.

    Called in the master after the app is loaded, before the workers fork: their full collections
    then skip the ~80,000 objects of start-up, and do not write to (and so copy) the memory pages
    shared with the master. The thresholds stay at Python's defaults: collection took ~1.4% of a
    page's CPU time, and larger thresholds gave longer pauses (2-9 ms instead of 0.2 ms) for no
    saving.
    """
    gc.collect()
    gc.freeze()


class PostmortemsServer(BaseApplication):  # type: ignore[misc]
    def __init__(self, settings: ServerSettings) -> None:
        self.settings = settings
        super().__init__()

    def load_config(self) -> None:
        s = self.settings
        options: dict[str, Any] = {
            "bind": f"[{s.host}]:{s.port}" if ":" in s.host else f"{s.host}:{s.port}",
            "workers": s.workers,  # 1 to 256: the settings refuse others
            "worker_class": "gthread",
            "threads": THREADS,
            "keepalive": 5,
            "accesslog": None,
            "errorlog": "-",
            "loglevel": "warning",
            "preload_app": True,
            "timeout": 60,
            "graceful_timeout": 5,
            # Linux balances connections over the sockets of a port; BSD and macOS give them all
            # to the last one bound, which would leave one worker serving everything.
            "reuse_port": sys.platform.startswith("linux"),
            # The scheme is Django's to decide, from PM_HTTPS alone (SECURE_PROXY_SSL_HEADER):
            # gunicorn would otherwise take X-Forwarded-Proto (and SCRIPT_NAME, PATH_INFO
            # headers) from any client on 127.0.0.1, or on the addresses FORWARDED_ALLOW_IPS
            # names, and make a plain-HTTP request https without PM_HTTPS.
            "forwarded_allow_ips": "",
            "secure_scheme_headers": {},
            "forwarder_headers": "",
        }
        if os.path.isdir(SHM) and os.access(SHM, os.W_OK):
            options["worker_tmp_dir"] = SHM
        for key, value in options.items():
            self.cfg.set(key, value)

    def load(self) -> Any:
        from postmortems.server.wsgi import application

        freeze_loaded_objects()
        return application


def check_port_free(host: str, port: int) -> None:
    """Refuse a port that is not a TCP port, or that another server listens on.

    The workers bind with ``SO_REUSEPORT``, which would let a second ``pm serve`` on the same port
    share the connections of the first instead of failing; a plain bind here fails on any
    listener, with or without the option. (Two servers started in the same instant could both
    pass; the check is for the usual mistake, a server left running.) Port 0 is refused too:
    each worker would listen on a port of its own.
    """
    if not 1 <= port <= 65535:
        raise SettingsError(
            f"port {port} is not a port to listen on",
            hint="give --port or PM_PORT a number from 1 to 65535",
        )
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    try:
        with socket.socket(family, socket.SOCK_STREAM) as probe:
            # As gunicorn binds: the closed connections of a server just stopped do not count.
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            probe.bind((host, port))
    except OSError as exc:
        if exc.errno != errno.EADDRINUSE:
            raise SettingsError(
                f"cannot listen on {host}:{port}: {exc.strerror or exc}",
                hint="check PM_HOST/--host (an address of this machine) and PM_PORT/--port",
            ) from exc
        raise SettingsError(
            f"port {port} on {host} is in use by another server",
            hint="stop that server, or choose another port with --port or PM_PORT",
        ) from exc


def serve(settings: ServerSettings) -> None:
    PostmortemsServer(settings).run()
