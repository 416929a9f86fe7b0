"""Turn :class:`ServerSettings` into the module-level names Django expects."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

import psycopg
from psycopg.conninfo import make_conninfo

from postmortems.server.config import ServerSettings, SettingsError, require_secret

HERE = Path(__file__).resolve().parent
SQLITE_NAME = "postmortems.sqlite3"  # the database's file in the data folder


def database(settings: ServerSettings) -> dict[str, Any]:
    """SQLite in the data dir, or PostgreSQL (psycopg 3) when ``database_url`` names one."""
    url = settings.database_url
    if not url:
        path = settings.data_path / SQLITE_NAME
        return {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": str(path),
            # Keep the connection between requests: opening one (and its PRAGMAs) per request
            # was ~0.3 ms of every page.
            "CONN_MAX_AGE": 60,
            "CONN_HEALTH_CHECKS": True,
            "OPTIONS": {
                "timeout": 20,
                "transaction_mode": "IMMEDIATE",
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            },
        }
    parts = urlsplit(url)
    if _unescaped_userinfo(url):
        raise SettingsError(
            "the user name or password in DATABASE_URL holds a '/', '?' or '#' that is not "
            "percent-encoded, so the URL cannot be read",
            hint="write '/' as %2F, '?' as %3F, '#' as %23 and '@' as %40 in the password",
        )
    if parts.scheme not in {"postgres", "postgresql"}:
        raise SettingsError(
            f"DATABASE_URL scheme {parts.scheme!r} is not supported",
            hint="use postgresql://user:password@host:5432/name, or leave it empty for SQLite",
        )
    try:
        port = parts.port
    except ValueError:
        raise SettingsError(
            "the port in DATABASE_URL is not a number from 0 to 65535",
            hint="use postgresql://user:password@host:5432/name (percent-encode a ':' of the "
            "password as %3A)",
        ) from None
    options = {k: v[-1] for k, v in parse_qs(parts.query).items()}
    try:  # libpq's own check of its option names, without connecting
        make_conninfo("", **{k: v for k, v in options.items() if k not in DJANGO_ONLY_OPTIONS})
    except psycopg.ProgrammingError as exc:
        raise SettingsError(
            f"DATABASE_URL: {str(exc).strip()}",
            hint="the options after '?' are libpq's: connect_timeout, sslmode, application_name…",
        ) from None
    return {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": unquote(parts.path.lstrip("/")) or "postgres",
        "USER": unquote(parts.username or ""),
        "PASSWORD": unquote(parts.password or ""),
        "HOST": parts.hostname or "",
        "PORT": str(port or ""),
        "CONN_MAX_AGE": 60,
        "CONN_HEALTH_CHECKS": True,
        "OPTIONS": options,
    }


_QUERY = re.compile(r"\?(?=[A-Za-z_]+=)")  # where a query of name=value pairs starts
# OPTIONS of Django's PostgreSQL backend that are not libpq's.
DJANGO_ONLY_OPTIONS = {"isolation_level", "server_side_binding", "pool", "assume_role"}


def _unescaped_userinfo(url: str) -> bool:
    """Whether a '/', '?' or '#' stands before the last '@' of the URL's part before its query
    (``?name=value``): a password that needed percent-encoding, which would be read as the host
    and the path (and printed as them). An '@' in the query (``?user=app@corp``) is the query's."""
    rest = _QUERY.split(url.partition("://")[2], maxsplit=1)[0]
    return "@" in rest and any(c in rest[: rest.rfind("@")] for c in "/?#")


def database_label(url: str) -> str:
    """Where the database is, for messages and logs: host, port and name, never the user, the
    password or the options (libpq also takes ``?password=``)."""
    if not url:
        return "SQLite"
    if _unescaped_userinfo(url):
        return "the server DATABASE_URL names"
    try:
        parts = urlsplit(url)
        port = f":{parts.port}" if parts.port else ""
    except ValueError:
        return "the server DATABASE_URL names"
    name = unquote(parts.path.lstrip("/")) or "postgres"
    return f"{parts.hostname or 'the local socket'}{port}/{name}"


def script_name(settings: ServerSettings) -> str:
    """The sub-path as ``/name`` (no trailing slash), or '' at the root."""
    name = settings.script_name.strip().strip("/")
    if name and not all(part and part not in {".", ".."} for part in name.split("/")):
        raise SettingsError(
            f"script_name {settings.script_name!r} is not a path",
            hint="give the sub-path the proxy serves the server under, e.g. /pm",
        )
    return f"/{name}" if name else ""


def https_settings(on: bool) -> dict[str, Any]:
    """What ``PM_HTTPS=1`` turns on (docs/deploying.md): the TLS proxy in front terminates
    HTTPS and sets ``X-Forwarded-Proto``; the server sends Secure cookies and HSTS and
    redirects plain HTTP. Off, nothing here applies (``pm serve`` on localhost, tests)."""
    return {
        "SECURE_SSL_REDIRECT": on,
        "SESSION_COOKIE_SECURE": on,
        "CSRF_COOKIE_SECURE": on,
        "SECURE_HSTS_SECONDS": 31_536_000 if on else 0,
        "SECURE_HSTS_INCLUDE_SUBDOMAINS": on,
        "SECURE_HSTS_PRELOAD": on,
        "SECURE_PROXY_SSL_HEADER": ("HTTP_X_FORWARDED_PROTO", "https") if on else None,
        # (/healthz answers the proxy's plain-HTTP probe before the redirect: health.HealthCheck.)
    }


def email_settings(settings: ServerSettings) -> dict[str, Any]:
    """The mail server of Django's smtp backend (the console backend ignores them)."""
    return {
        "EMAIL_HOST": settings.email_host,
        "EMAIL_PORT": settings.email_port,
        "EMAIL_HOST_USER": settings.email_user,
        "EMAIL_HOST_PASSWORD": settings.email_password,
        "EMAIL_USE_TLS": settings.email_tls,
        "EMAIL_USE_SSL": settings.email_ssl,
        # A mail server that accepts and never answers holds a worker's task, not for ever.
        "EMAIL_TIMEOUT": 30,
    }


def django_settings(settings: ServerSettings) -> dict[str, Any]:
    """Every Django setting the project uses, derived from ``settings``."""
    return {
        "PM_SETTINGS": settings,
        "SECRET_KEY": require_secret(settings),
        "DEBUG": settings.debug,
        "ALLOWED_HOSTS": list(settings.allowed_hosts),
        "CSRF_TRUSTED_ORIGINS": list(settings.csrf_trusted_origins),
        "INSTALLED_APPS": [
            "django.contrib.admin",
            "django.contrib.auth",
            "django.contrib.contenttypes",
            "django.contrib.sessions",
            "django.contrib.messages",
            "django.contrib.staticfiles",
            "django_htmx",
            "ninja",
            "django_tasks",
            "django_tasks_db",
            "axes",
            "postmortems.server.accounts",
            "postmortems.server.library",
            "postmortems.server.workflow",
            "postmortems.server.incidents",
            "postmortems.server.oncall",
            "postmortems.server.insights",
        ],
        "MIDDLEWARE": [
            "postmortems.server.health.HealthCheck",
            "django.middleware.security.SecurityMiddleware",
            "postmortems.server.headers.ContentSecurityPolicy",
            "postmortems.server.inputs.RefuseBadInput",
            "whitenoise.middleware.WhiteNoiseMiddleware",
            "django.contrib.sessions.middleware.SessionMiddleware",
            "django.middleware.common.CommonMiddleware",
            "postmortems.server.api.answers.JsonAnswers",  # /api/'s 404 and 405 as JSON too
            "django.middleware.csrf.CsrfViewMiddleware",
            "django.contrib.auth.middleware.AuthenticationMiddleware",
            "django.contrib.messages.middleware.MessageMiddleware",
            "django.middleware.clickjacking.XFrameOptionsMiddleware",
            "postmortems.server.formonly.FormOnlyPages",  # a form's address opened: a page
            "django_htmx.middleware.HtmxMiddleware",
            # Last, as django-axes asks: it answers a locked-out login.
            "axes.middleware.AxesMiddleware",
        ],
        # Login throttling (django-axes): an account is locked after AXES_FAILURE_LIMIT failures
        # from one address, and an address after as many failures across accounts, for an hour.
        "AUTHENTICATION_BACKENDS": [
            "axes.backends.AxesStandaloneBackend",
            # ModelBackend that loads the user with their memberships (one query per request).
            "postmortems.server.accounts.backends.AccountBackend",
        ],
        "AXES_FAILURE_LIMIT": 5,
        "AXES_COOLOFF_TIME": 1,
        "AXES_LOCKOUT_PARAMETERS": ["ip_address", ["username", "ip_address"], "username"],
        "AXES_RESET_ON_SUCCESS": True,
        "AXES_VERBOSE": False,
        # The client behind `proxies` reverse proxies (django-ipware, axes's default reader of
        # X-Forwarded-For, is not installed).
        "AXES_CLIENT_IP_CALLABLE": "postmortems.server.accounts.backends.client_address",
        # An invitation's link (accounts/invites.py) is Django's password-reset token.
        "PASSWORD_RESET_TIMEOUT": settings.invite_days * 24 * 3600,
        "AUTH_PASSWORD_VALIDATORS": [
            {"NAME": f"django.contrib.auth.password_validation.{name}"}
            for name in (
                "UserAttributeSimilarityValidator",
                "MinimumLengthValidator",
                "CommonPasswordValidator",
                "NumericPasswordValidator",
            )
        ],
        # Notifications and webhooks run as background tasks, queued in the server's own
        # database (docs/deploying.md, "Background tasks": no setting names another backend).
        "TASKS": {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}},
        "ROOT_URLCONF": "postmortems.server.urls",
        # What other apps show on a postmortem page (postmortems.server.library.panels).
        "PM_POSTMORTEM_PANELS": [
            "postmortems.server.workflow.panel.render",
            "postmortems.server.incidents.drafting.panel",
            "postmortems.server.insights.panel.render_factors",
            "postmortems.server.insights.panel.render",
        ],
        "PM_EDITOR_PANELS": ["postmortems.server.insights.panel.render_editor"],
        "PM_INCIDENT_PANELS": [
            "postmortems.server.oncall.incidentpages.incident_panel",
            "postmortems.server.insights.panel.render_incident",
        ],
        # What other apps add at the top of the inbox: pages to acknowledge, swaps to answer,
        # postmortems due.
        "PM_INBOX_SECTIONS": [
            "postmortems.server.oncall.incidentpages.inbox_section",
            "postmortems.server.oncall.swapinbox.inbox_section",
            "postmortems.server.incidents.due.inbox_section",
        ],
        # What other apps find with the search page's words, above the postmortems found.
        "PM_SEARCH_GROUPS": ["postmortems.server.incidents.found.search_group"],
        # What a service's page shows above its postmortems: its open incidents, its on-call.
        "PM_SERVICE_PANELS": [
            "postmortems.server.incidents.servicepanel.render",
            "postmortems.server.oncall.servicepanel.render",
        ],
        # The card's incident key as a link, for a reader who may see it (library.panels).
        "PM_INCIDENT_HREF": "postmortems.server.incidents.cardlink.incident_href",
        # The action items' states, shown in the body's table (library.panels.item_states).
        "PM_ITEM_STATES": "postmortems.server.workflow.panel.item_states",
        # When each postmortem was first published, for the feed's <published> (library.feed).
        "PM_PUBLISHED_AT": "postmortems.server.workflow.published.first_published",
        # Approving a repeat of an incident with open corrective items (workflow.repeats).
        "PM_REPEAT_CHECK": "postmortems.server.insights.similar.open_repeats",
        # Who wrote the review comment a search snippet is from (library.fulltext).
        "PM_COMMENT_AUTHOR": "postmortems.server.workflow.comments.author_of_passage",
        "TEMPLATES": [
            {
                "BACKEND": "django.template.backends.django.DjangoTemplates",
                "DIRS": [],
                "APP_DIRS": True,
                "OPTIONS": {
                    "context_processors": [
                        "django.template.context_processors.request",
                        "django.contrib.auth.context_processors.auth",
                        "django.contrib.messages.context_processors.messages",
                        "postmortems.server.library.context.nav",
                        "postmortems.server.library.kept.context",
                        # The open incidents on every page (the frame's `frame_notices`).
                        "postmortems.server.incidents.context.ongoing",
                    ]
                },
            }
        ],
        "WSGI_APPLICATION": "postmortems.server.wsgi.application",
        "DATABASES": {"default": database(settings)},
        "DEFAULT_AUTO_FIELD": "django.db.models.BigAutoField",
        # Room for a 500,000-character document even when every character is JSON-escaped.
        "DATA_UPLOAD_MAX_MEMORY_SIZE": 8 * 1024 * 1024,
        "USE_TZ": True,
        "TIME_ZONE": "UTC",
        "LANGUAGE_CODE": "en-us",
        # The pages are in English only: no translation lookup for every value a template shows.
        "USE_I18N": False,
        # A server mounted under a sub-path (behind a proxy): every URL Django makes starts there.
        "FORCE_SCRIPT_NAME": script_name(settings) or None,
        "STATIC_URL": f"{script_name(settings)}/static/",
        "WHITENOISE_USE_FINDERS": True,
        "WHITENOISE_AUTOREFRESH": settings.debug,
        "LOGIN_URL": "login",
        "LOGIN_REDIRECT_URL": "library:list",
        "LOGOUT_REDIRECT_URL": "login",
        # Sessions live in the database (any app process can serve any user) and are read
        # through a per-process cache that keeps each for a minute at most, so that a log-out
        # ends the session in every process (sessioncache); rendered list tables are cached in
        # the default per-process cache.
        "SESSION_ENGINE": "django.contrib.sessions.backends.cached_db",
        "SESSION_CACHE_ALIAS": "sessions",
        "CACHES": {
            "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
            "sessions": {"BACKEND": "postmortems.server.sessioncache.BriefLocMemCache"},
        },
        "SESSION_COOKIE_HTTPONLY": True,
        "CSRF_COOKIE_HTTPONLY": False,
        # A refused token (a page older than the sign-in) gets a page of the site that shows
        # back what was written, not Django's bare 403 (library/sessionend.py).
        "CSRF_FAILURE_VIEW": "postmortems.server.library.sessionend.csrf_failure",
        # Under a sub-path the cookies are the sub-path's, under names of their own: the host's
        # other applications never receive the session, their `sessionid` never meets ours, and
        # a browser's cookie from before the move to a sub-path (path /) is not read for ours.
        "SESSION_COOKIE_PATH": f"{script_name(settings)}/",
        "CSRF_COOKIE_PATH": f"{script_name(settings)}/",
        "SESSION_COOKIE_NAME": "pm_session" if script_name(settings) else "sessionid",
        "CSRF_COOKIE_NAME": "pm_csrftoken" if script_name(settings) else "csrftoken",
        "X_FRAME_OPTIONS": "DENY",
        "SECURE_CONTENT_TYPE_NOSNIFF": True,
        "SECURE_REFERRER_POLICY": "same-origin",
        **https_settings(settings.https),
        **email_settings(settings),
        "LOGGING": {
            "version": 1,
            "disable_existing_loggers": False,
            "filters": {
                "secret_paths": {"()": "postmortems.server.logfilters.SecretPaths"},
                "one_line": {"()": "postmortems.server.logfilters.OneLine"},
            },
            "handlers": {
                "console": {
                    "class": "logging.StreamHandler",
                    "filters": ["secret_paths", "one_line"],
                }
            },
            "root": {"handlers": ["console"], "level": "WARNING"},
            # A refused or missing page is an answer, not a fault: no traceback for each 403 and
            # 404 (django.security still logs CSRF failures and bad hosts).
            "loggers": {"django.request": {"level": "ERROR"}},
        },
    }
