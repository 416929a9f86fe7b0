"""Server settings, declared once: each setting has a name, a type, a default and a help text.

Values come from, in order of precedence: command-line flags, environment variables
(``PM_<NAME>``, plus ``DATABASE_URL``), a TOML file (``--config`` / ``PM_CONFIG``, else
``<data-dir>/server.toml``) and the defaults below. ``docs/settings.md`` documents every entry and a
test fails when one is missing there.
"""

from __future__ import annotations

import difflib
import secrets
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any, TypeVar

from postmortems.document.model import Severity
from postmortems.errors import PostmortemsError

T = TypeVar("T")


class SettingsError(PostmortemsError):
    """A setting has a bad value, is unknown, or a required one is missing."""


KINDS: dict[str, type] = {"str": str, "int": int, "bool": bool, "tuple[str, ...]": list}


def setting(
    default: T,
    help: str,
    *,
    env: str = "",
    secret: bool = False,
    low: int | None = None,
    high: int | None = None,
) -> T:
    """One setting: its default and help text (``env``: its variable when not ``PM_<NAME>``;
    ``secret``: left out of the settings' repr, which Django's debug page and logs print;
    ``low``/``high``: the range of a number, outside which the settings are refused)."""
    metadata = {"help": help, "env": env, "low": low, "high": high}
    return field(default=default, repr=not secret, metadata=metadata)


@dataclass(frozen=True)
class ServerSettings:
    """Every server setting, each declared once: name, type, default and help text."""

    host: str = setting("127.0.0.1", "Address to listen on.")
    port: int = setting(8000, "TCP port to listen on.")
    data_dir: str = setting("pm-data", "Folder for the SQLite database and the demo secret.")
    database_url: str = setting(
        "",
        "postgresql://user:password@host:port/name to use PostgreSQL; empty: SQLite in data_dir.",
        env="DATABASE_URL",
        secret=True,
    )
    secret_key: str = setting("", "Django secret key; required unless demo is on.", secret=True)
    demo: bool = setting(False, "Load the example postmortems and demo accounts on start.")
    workers: int = setting(1, "gunicorn worker processes (8 threads each).", low=1, high=256)
    debug: bool = setting(False, "Django debug pages. Never in production.")
    allowed_hosts: tuple[str, ...] = setting(
        ("localhost", "127.0.0.1", "[::1]"),
        "Host names the server answers to (comma-separated in the environment).",
    )
    csrf_trusted_origins: tuple[str, ...] = setting(
        (), "Origins allowed to post forms, e.g. https://pm.example.com behind a proxy."
    )
    demo_corpus: str = setting(
        "", "Folder of Markdown files --demo imports beside its written library (default: none)."
    )
    # Review workflow (postmortems.server.workflow); see docs/workflow.md.
    review_approvals: tuple[str, ...] = setting(
        ("SEV1:2", "SEV2:2", "SEV3:1", "SEV4:1"),
        "Approvals needed before a postmortem is approved, per severity (SEVERITY:N, `*:N` for "
        "the others); an entry that is not SEVERITY:N is refused at start.",
    )
    review_not_required_below: str = setting(
        "SEV3",
        "Incidents less severe than this severity may be marked not-required (no review); "
        "SEV1 to SEV4.",
    )
    staff_review_team: str = setting("", "Team assigned when no peer accepts a review in time.")
    staff_fallback_days: int = setting(3, "Days to wait for a peer before the staff team.", low=0)
    script_name: str = setting(
        "",
        "Sub-path the server is mounted under behind a proxy, e.g. /pm (empty: the root); "
        "the proxy passes the path without it.",
    )
    public_url: str = setting(
        "",
        "Base URL people open, used in notification links (with the sub-path, if any). Empty: "
        "http://host:port plus script_name, which is where `pm serve` listens but not what "
        "`pm worker` and `pm remind` (which send the notifications) can know: set it on a "
        "team's server; they warn when it is empty.",
    )
    email_backend: str = setting(
        "django.core.mail.backends.console.EmailBackend",
        "Django email backend for notifications (console: printed, for demos).",
    )
    email_from: str = setting("postmortems@localhost", "Sender address of notification emails.")
    # The mail server of the smtp backend (Django's EMAIL_HOST, EMAIL_PORT, …).
    email_host: str = setting("localhost", "Mail server (SMTP) the smtp email backend sends to.")
    email_port: int = setting(
        25,
        "Port of the mail server: 25, 587 with email_tls, 465 with email_ssl.",
        low=1,
        high=65535,
    )
    email_user: str = setting("", "User name to sign in to the mail server (empty: no sign-in).")
    email_password: str = setting(
        "", "Password to sign in to the mail server; never logged or shown.", secret=True
    )
    email_tls: bool = setting(
        False, "Upgrade the connection to the mail server with STARTTLS (usually port 587)."
    )
    email_ssl: bool = setting(
        False, "Connect to the mail server over TLS from the start (usually port 465)."
    )
    invite_days: int = setting(
        7,
        "Days an invitation's set-your-password link works (it works once); a new link from "
        "/teams/ replaces it.",
        low=1,
        high=90,
    )
    invites_per_hour: int = setting(
        20,
        "Invitations (new links included) one person may make on /teams/ in an hour; more are "
        "refused, saying when they may invite again.",
        low=1,
        high=1000,
    )
    webhook_urls: tuple[str, ...] = setting(
        (), "URLs that receive Slack-compatible JSON notifications.", secret=True
    )
    webhook_secret: str = setting(
        "", "Key of the X-PM-Signature HMAC-SHA256 webhook header.", secret=True
    )
    github_token: str = setting("", "Token to open GitHub issues for action items.", secret=True)
    github_repo: str = setting("", "owner/name of the repository for action-item issues.")
    github_api_url: str = setting("https://api.github.com", "GitHub REST API base URL.")
    jira_url: str = setting("", "Jira base URL, e.g. https://example.atlassian.net.")
    jira_token: str = setting(
        "", "Jira API token (Bearer) to open tickets for action items.", secret=True
    )
    jira_project: str = setting("", "Jira project key for action-item tickets.")
    https: bool = setting(
        False,
        "Served over HTTPS (behind a TLS proxy): Secure cookies, HSTS, redirect to https, trust "
        "X-Forwarded-Proto. Never guessed: plain `pm serve` on localhost stays plain HTTP.",
    )
    proxies: int = setting(
        0,
        "Reverse proxies in front of the server: login throttling takes the client address "
        "from X-Forwarded-For this many hops back (0: the connection's own address).",
        low=0,
    )
    # The child process that parses and lints a person's text (library/sandbox.py).
    check_seconds: int = setting(
        10,
        "Seconds one parse or lint of a person's text may run (in a child process) before it is "
        "stopped and the request answers 422 'too large or too complex'.",
        low=1,
    )
    check_memory_mib: int = setting(
        1024,
        "Memory (MiB of address space) that parse or lint child process may use (less than 256 "
        "cannot check a large postmortem).",
        low=256,
    )

    def __post_init__(self) -> None:
        for spec in SETTINGS:
            spec.check_range(getattr(self, spec.name))
        self._check_review_rules()
        if self.email_tls and self.email_ssl:
            raise SettingsError(
                "email_tls and email_ssl are both on",
                hint="choose one: email_tls (STARTTLS, port 587) or email_ssl (TLS, port 465)",
            )

    def _check_review_rules(self) -> None:
        """A misspelled severity or count would quietly ask for one approval: refused."""
        severities = [s.value for s in Severity]
        for entry in self.review_approvals:
            severity, _, count = (part.strip() for part in entry.partition(":"))
            number = int(count) if count.isascii() and count.isdigit() else 0  # "SEV1: 2" is 2
            if severity not in [*severities, "*"] or number < 1:
                raise SettingsError(
                    f"review_approvals: {entry!r} is not SEVERITY:N",
                    hint=f"write each entry as {'|'.join(severities)} or *, a colon and a "
                    "number of approvals of at least 1: SEV1:2,SEV2:2,*:1",
                )
        if self.review_not_required_below not in severities:
            raise SettingsError(
                f"review_not_required_below: {self.review_not_required_below!r} is no severity",
                hint=f"one of {', '.join(severities)}",
            )

    @property
    def data_path(self) -> Path:
        return Path(self.data_dir).expanduser().resolve()

    def to_env(self) -> dict[str, str]:
        """The settings as environment variables, to hand over to worker processes."""
        out: dict[str, str] = {}
        for spec in SETTINGS:
            value = getattr(self, spec.name)
            if spec.kind is list:
                out[spec.env_name] = ",".join(value)
            elif spec.kind is bool:
                out[spec.env_name] = "1" if value else "0"
            else:
                out[spec.env_name] = str(value)
        return out


@dataclass(frozen=True)
class Setting:
    """A setting as the loader and the docs see it, derived from a field of ServerSettings."""

    name: str
    kind: type
    default: Any
    help: str
    env: str = ""
    low: int | None = None
    high: int | None = None

    @property
    def env_name(self) -> str:
        return self.env or f"PM_{self.name.upper()}"

    def check_range(self, value: Any) -> None:
        """Refuse a number outside the setting's range, naming where to give another."""
        if (self.low is None or value >= self.low) and (self.high is None or value <= self.high):
            return
        limits = f"of at least {self.low}"
        if self.high is not None:
            limits = f"from {self.low} to {self.high}"
        raise SettingsError(
            f"{self.name}={value} is out of range",
            hint=f"give {self.name} ({self.env_name}) a number {limits}; "
            f"the default is {self.default}",
        )


SETTINGS: tuple[Setting, ...] = tuple(
    Setting(
        f.name,
        KINDS[str(f.type)],
        f.default,
        f.metadata["help"],
        f.metadata["env"],
        f.metadata["low"],
        f.metadata["high"],
    )
    for f in fields(ServerSettings)
)
SETTING_BY_NAME = {s.name: s for s in SETTINGS}


def _unknown(name: str, origin: str) -> SettingsError:
    close = difflib.get_close_matches(name, SETTING_BY_NAME, n=1)
    hint = f"did you mean {close[0]!r}? " if close else ""
    return SettingsError(
        f"{origin}: unknown setting {name!r}",
        hint=hint + f"known settings: {', '.join(SETTING_BY_NAME)}",
    )


# Variables of the ``PM_`` family that are not settings: the client's, and the file's name.
OTHER_VARIABLES = frozenset({"PM_CONFIG", "PM_TOKEN", "PM_URL"})


def misspelled_variables(env: Mapping[str, str]) -> dict[str, str]:
    """{``PM_`` variable that is no setting: the setting's variable it is close to}. Such a
    variable is ignored, and ``PM_SECRETKEY`` or ``PM_ALLOWED_HOST`` would go unnoticed."""
    names = {s.env_name: s for s in SETTINGS}
    found = {}
    for variable in sorted(env):
        if not variable.startswith("PM_") or variable in names or variable in OTHER_VARIABLES:
            continue
        close = difflib.get_close_matches(variable, names, n=1, cutoff=0.75)
        if close:
            found[variable] = close[0]
    return found


def _convert(spec: Setting, value: Any, origin: str) -> Any:
    try:
        if spec.kind is bool:
            if isinstance(value, bool):
                return value
            text = str(value).strip().lower()
            if text in {"1", "true", "yes", "on"}:
                return True
            if text in {"0", "false", "no", "off", ""}:
                return False
            raise ValueError(text)
        if spec.kind is int:
            if isinstance(value, bool | float):  # TOML's 18512.9 or true: not truncated to 1
                raise ValueError(value)
            return int(value)
        if spec.kind is list:
            items = value if isinstance(value, list) else str(value).split(",")
            return tuple(str(i).strip() for i in items if str(i).strip())
        return str(value)
    except ValueError:
        raise SettingsError(
            f"{origin}: {spec.name}={value!r} is not a valid {spec.kind.__name__}",
            hint=spec.help,
        ) from None


def _read_file(path: Path) -> dict[str, Any]:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise SettingsError(f"cannot read: {exc.strerror}", path=str(path)) from None
    except tomllib.TOMLDecodeError as exc:
        raise SettingsError(f"not valid TOML: {exc}", path=str(path)) from None
    unknown = sorted(set(data) - set(SETTING_BY_NAME))
    if unknown:
        raise _unknown(unknown[0], str(path))
    return data


def load(
    flags: Mapping[str, Any] | None = None,
    env: Mapping[str, str] | None = None,
    config_file: str | None = None,
) -> ServerSettings:
    """Resolve every setting: flag > environment > file > default.

    ``flags`` holds only what was given on the command line (``None`` values are ignored).
    """
    flags = {k: v for k, v in (flags or {}).items() if v is not None}
    for name in flags:
        if name not in SETTING_BY_NAME:
            raise _unknown(name, f"--{name.replace('_', '-')}")
    env = env if env is not None else {}
    values: dict[str, Any] = {}
    for spec in SETTINGS:
        if spec.name in flags:
            values[spec.name] = _convert(spec, flags[spec.name], f"--{spec.name}")
        elif spec.env_name in env:
            values[spec.name] = _convert(spec, env[spec.env_name], spec.env_name)
    path = settings_file(flags, env, config_file)
    if config_file or env.get("PM_CONFIG") or path.is_file():
        for key, raw in _read_file(path).items():  # each checked, even where a flag overrides it
            value = _convert(SETTING_BY_NAME[key], raw, str(path))
            values.setdefault(key, value)
    return ServerSettings(**values)


def settings_file(
    flags: Mapping[str, Any], env: Mapping[str, str], config_file: str | None
) -> Path:
    """The TOML settings file :func:`load` reads: ``--config``, else ``PM_CONFIG``, else
    ``server.toml`` in the data folder the flags or the environment name (not the file)."""
    file_name = config_file or env.get("PM_CONFIG")
    if file_name:
        return Path(file_name)
    spec = SETTING_BY_NAME["data_dir"]
    data_dir = flags.get("data_dir") or env.get(spec.env_name) or spec.default
    return Path(str(data_dir)).expanduser() / "server.toml"


SECRET_SETTINGS = frozenset(f.name for f in fields(ServerSettings) if not f.repr)


def exposed_secrets(path: Path) -> list[str]:
    """The secret settings (``secret_key``, ``email_password``, …) that ``path``, a settings
    file every account may read, holds; empty when it is not world-readable (0600, or 0640 for
    the service's group) or holds none."""
    try:
        if not path.stat().st_mode & 0o004:
            return []
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError):
        return []  # read again by load(), which says what is wrong
    return sorted(SECRET_SETTINGS & set(data))


DEMO_SECRET = ".demo-secret-key"


def current() -> ServerSettings:
    """The settings of the running server (Django's ``PM_SETTINGS``), else the defaults."""
    from django.conf import settings

    found = getattr(settings, "PM_SETTINGS", None)
    return found if isinstance(found, ServerSettings) else ServerSettings()


def demo_secret(data_dir: Path) -> str:
    """A random key kept in the data dir, so demo sessions survive a restart."""
    path = data_dir / DEMO_SECRET
    if path.is_file():
        return path.read_text(encoding="utf-8").strip()
    data_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
    key = secrets.token_urlsafe(48)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(key, encoding="utf-8")
    tmp.chmod(0o600)
    tmp.replace(path)
    return key


def require_secret(settings: ServerSettings) -> str:
    """The secret key to use, or an error telling how to set one (blanks are none)."""
    if settings.secret_key.strip():
        return settings.secret_key
    if settings.demo or (settings.data_path / DEMO_SECRET).is_file():
        # A data folder made by `pm serve --demo` keeps its key: `pm admin`, `pm import` and
        # `pm export` work on the demo data as the README shows, without a key to invent.
        return demo_secret(settings.data_path)
    raise SettingsError(
        "no secret key is set",
        hint="set PM_SECRET_KEY to a long random string "
        "(`python -c 'import secrets; print(secrets.token_urlsafe(48))'`) or run with --demo",
    )


def base_url(settings: ServerSettings) -> str:
    """``public_url``, or where ``pm serve`` listens (with the sub-path) when it is not set."""
    if settings.public_url:
        return settings.public_url.rstrip("/")
    return listen_url(settings, named=True)


def listen_url(settings: ServerSettings, *, named: bool = False) -> str:
    """Where ``pm serve`` listens, with the sub-path: its address, or (``named``) a name to
    open in a browser for an address of every interface."""
    host = settings.host
    if named and host in {"0.0.0.0", "::", ""}:
        host = "localhost"
    if ":" in host and not host.startswith("["):
        host = f"[{host}]"  # an IPv6 address in a URL
    name = settings.script_name.strip().strip("/")
    return f"http://{host}:{settings.port}" + (f"/{name}" if name else "")


def absolute_url(path: str) -> str:
    """``path`` (as :func:`django.urls.reverse` gives it, with any sub-path) on :func:`base_url`."""
    from django.urls import get_script_prefix

    return base_url(current()) + path.removeprefix(get_script_prefix()[:-1])
