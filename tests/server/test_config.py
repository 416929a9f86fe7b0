"""Settings: flag > environment > file > default, a secret outside demo mode, database URLs."""

from __future__ import annotations

from pathlib import Path

import pytest

from postmortems.server.config import (
    SETTINGS,
    ServerSettings,
    SettingsError,
    exposed_secrets,
    load,
    misspelled_variables,
    require_secret,
)
from postmortems.server.djangoconf import database

DOCS = Path(__file__).resolve().parents[2] / "docs" / "settings.md"


def test_flag_beats_env_beats_file_beats_default(tmp_path: Path) -> None:
    (tmp_path / "server.toml").write_text('port = 7000\nhost = "0.0.0.0"\nworkers = 3\n')
    env = {"PM_PORT": "7100", "PM_HOST": "10.0.0.1", "PM_DATA_DIR": str(tmp_path)}
    s = load({"port": 7200}, env)
    assert (s.port, s.host, s.workers, s.debug) == (7200, "10.0.0.1", 3, False)


def test_bad_values_name_the_setting(tmp_path: Path) -> None:
    with pytest.raises(SettingsError, match="PM_PORT"):
        load({}, {"PM_PORT": "eighty"})
    (tmp_path / "x.toml").write_text("colour = 1\n")
    with pytest.raises(SettingsError, match="unknown setting 'colour'"):
        load({}, {}, str(tmp_path / "x.toml"))


def test_secret_key_required_outside_demo(tmp_path: Path) -> None:
    with pytest.raises(SettingsError, match="no secret key"):
        require_secret(ServerSettings(data_dir=str(tmp_path)))
    key = require_secret(ServerSettings(data_dir=str(tmp_path), demo=True))
    assert len(key) > 40
    assert require_secret(ServerSettings(data_dir=str(tmp_path), demo=True)) == key
    # the demo's data folder keeps its key for the other commands (pm admin, pm import)
    assert require_secret(ServerSettings(data_dir=str(tmp_path))) == key


def test_database_url_selects_postgresql() -> None:
    db = database(ServerSettings(database_url="postgresql://pm:s%40cret@db.local:6432/pmdb"))
    assert db["ENGINE"] == "django.db.backends.postgresql"
    assert (db["USER"], db["PASSWORD"], db["HOST"], db["PORT"], db["NAME"]) == (
        "pm",
        "s@cret",
        "db.local",
        "6432",
        "pmdb",
    )
    assert database(ServerSettings(data_dir="/srv/pm"))["NAME"] == "/srv/pm/postmortems.sqlite3"
    with pytest.raises(SettingsError, match="mysql"):
        database(ServerSettings(database_url="mysql://x/y"))


def test_a_database_url_that_cannot_be_read_says_why_without_its_password() -> None:
    from postmortems.server.djangoconf import database_label

    slash = "postgresql://pm:4821/Zq9xSecretTail@127.0.0.1:5432/pmdb"
    with pytest.raises(SettingsError, match="percent-encoded") as refused:
        database(ServerSettings(database_url=slash))
    assert "Zq9x" not in str(refused.value) + (refused.value.hint or "")
    assert "Zq9x" not in database_label(slash)
    with pytest.raises(SettingsError, match='invalid connection option "connect_timout"'):
        database(ServerSettings(database_url="postgresql://pm@db/pmdb?connect_timout=5"))
    ok = database(ServerSettings(database_url="postgresql://pm@db/pmdb?sslmode=require"))
    assert ok["OPTIONS"] == {"sslmode": "require"}
    for fine in (  # an '@' in the query is the query's
        "postgresql://u:p@host/db?application_name=me@laptop",
        "postgresql:///db?host=/var/run/postgresql&user=app@corp",
        "postgresql://u:p%2Fq@[::1]:5432/db",
    ):
        database(ServerSettings(database_url=fine))


def test_settings_round_trip_through_the_environment() -> None:
    s = ServerSettings(port=9, demo=True, allowed_hosts=("a", "b"), workers=2)
    assert load({}, s.to_env()) == s


def test_every_setting_is_documented() -> None:
    text = DOCS.read_text(encoding="utf-8")
    missing = [s.name for s in SETTINGS if f"`{s.env_name}`" not in text]
    assert missing == []


def test_an_unknown_setting_is_an_error_that_names_it(tmp_path: Path) -> None:
    with pytest.raises(SettingsError, match=r"unknown setting 'wokers'.*did you mean 'workers'"):
        load({"wokers": 2}, {})
    (tmp_path / "server.toml").write_text("prot = 80\n")
    with pytest.raises(SettingsError, match=r"unknown setting 'prot'.*did you mean 'port'"):
        load({}, {"PM_DATA_DIR": str(tmp_path)})
    with pytest.raises(TypeError):
        ServerSettings(colour="red")  # type: ignore[call-arg]


def test_a_misspelled_variable_is_warned_of_and_others_of_the_family_are_not() -> None:
    env = {"PM_SECRETKEY": "k", "PM_ALLOWED_HOST": "pm.example", "PM_PROXY": "1"}
    env |= {"PM_TOKEN": "t", "PM_URL": "u", "PM_CONFIG": "c", "PM_PORT": "80", "PATH": "/bin"}
    assert misspelled_variables(env) == {
        "PM_ALLOWED_HOST": "PM_ALLOWED_HOSTS",
        "PM_PROXY": "PM_PROXIES",
        "PM_SECRETKEY": "PM_SECRET_KEY",
    }
    env.pop("PM_CONFIG")
    assert load({}, env).allowed_hosts == ServerSettings().allowed_hosts  # ignored, as it says


def test_each_setting_is_declared_once() -> None:
    """The loader's table is derived from the settings object: same names, defaults, types."""
    defaults = ServerSettings()
    assert [s.name for s in SETTINGS] == list(defaults.__dataclass_fields__)
    for spec in SETTINGS:
        assert getattr(defaults, spec.name) == (
            tuple(spec.default) if spec.kind is list else spec.default
        )
        assert spec.help
    assert load({}, {}) == defaults


def test_a_sub_path_mount_prefixes_every_url_django_makes() -> None:
    from postmortems.server.djangoconf import django_settings

    for given in ("/pm", "pm/", "/pm/"):
        derived = django_settings(ServerSettings(script_name=given, secret_key="x"))
        assert (derived["FORCE_SCRIPT_NAME"], derived["STATIC_URL"]) == ("/pm", "/pm/static/")
    root = django_settings(ServerSettings(secret_key="x"))
    assert (root["FORCE_SCRIPT_NAME"], root["STATIC_URL"]) == (None, "/static/")
    with pytest.raises(SettingsError, match="not a path"):
        django_settings(ServerSettings(script_name="/a/../b", secret_key="x"))


@pytest.mark.parametrize(
    ("name", "value", "words"),
    [("check_seconds", "0", "at least 1"), ("check_memory_mib", "64", "at least 256")],
)
def test_the_check_limits_refuse_values_that_cannot_work(name: str, value: str, words: str) -> None:
    with pytest.raises(SettingsError, match=words):
        load(env={f"PM_{name.upper()}": value})
    assert getattr(load(), name) == {"check_seconds": 10, "check_memory_mib": 1024}[name]


@pytest.mark.parametrize(
    ("variable", "value"),
    [("PM_WORKERS", "0"), ("PM_WORKERS", "-1"), ("PM_WORKERS", "257"), ("PM_PROXIES", "-1")],
)
def test_a_number_out_of_its_range_is_refused_with_the_range(variable: str, value: str) -> None:
    with pytest.raises(SettingsError, match=r"is out of range — give \w+ \(PM_\w+\) a number"):
        load(env={variable: value})


@pytest.mark.parametrize(
    ("variable", "value", "said"),
    [
        ("PM_REVIEW_APPROVALS", "SEV1:x", "'SEV1:x' is not SEVERITY:N"),
        ("PM_REVIEW_APPROVALS", "sev1:2", "'sev1:2' is not SEVERITY:N"),
        ("PM_REVIEW_APPROVALS", "SEV1:0,*:1", "'SEV1:0' is not SEVERITY:N"),
        ("PM_REVIEW_NOT_REQUIRED_BELOW", "SEVX", "'SEVX' is no severity"),
        ("PM_REVIEW_APPROVALS", "SEV1:²", "'SEV1:²' is not SEVERITY:N"),
    ],
)
def test_a_review_rule_that_would_quietly_ask_for_one_approval_is_refused(
    variable: str, value: str, said: str
) -> None:
    with pytest.raises(SettingsError, match=said):
        load(env={variable: value})
    assert load(env={"PM_REVIEW_APPROVALS": "SEV1:3,*:1"}).review_approvals == ("SEV1:3", "*:1")
    assert load(env={"PM_REVIEW_APPROVALS": "SEV1: 2"}).review_approvals == ("SEV1: 2",)


def test_workers_out_of_range_stops_serve_in_one_line(tmp_path: Path) -> None:
    from tests.server.conftest import run_pm

    for args, env in ((["--workers", "0"], {}), ([], {"PM_WORKERS": "-1"})):
        done = run_pm("serve", "--data-dir", str(tmp_path), "--port", "1", *args, env=env)
        assert done.returncode == 3
        assert done.stderr.strip().splitlines() == [
            f"pm: workers={args[1] if args else '-1'} is out of range — give workers "
            "(PM_WORKERS) a number from 1 to 256; the default is 1"
        ], done.stderr


@pytest.mark.parametrize("text", ["port = 18512.9", "port = 18512.0", "workers = true"])
def test_a_toml_number_that_is_not_a_whole_number_is_not_truncated(
    tmp_path: Path, text: str
) -> None:
    (tmp_path / "f.toml").write_text(text + "\n")
    name, raw = (part.strip() for part in text.split("="))
    with pytest.raises(
        SettingsError, match=f"{name}={raw.title() if raw == 'true' else raw} is not a valid int"
    ):
        load({}, {}, str(tmp_path / "f.toml"))
    (tmp_path / "f.toml").write_text("port = 18512\n")
    assert load({}, {}, str(tmp_path / "f.toml")).port == 18512


def test_a_bad_value_in_the_file_is_refused_even_where_a_flag_overrides_it(tmp_path: Path) -> None:
    """The next start without the flag would fail: the file is wrong now, so say so now."""
    (tmp_path / "server.toml").write_text('port = "eighty"\n')
    with pytest.raises(SettingsError, match=r"server\.toml: port='eighty' is not a valid int"):
        load({"port": 8080}, {"PM_DATA_DIR": str(tmp_path)})


def test_a_settings_file_others_may_read_is_warned_of_when_it_holds_a_secret(
    tmp_path: Path,
) -> None:
    from tests.server.conftest import run_pm

    srv = tmp_path / "srv"
    toml = srv / "server.toml"  # the data folder's own, which names another data folder
    (tmp_path / "docs").mkdir()
    env = {"PM_DATA_DIR": str(srv)}
    local = ("DATABASE_URL",)  # a SQLite folder in the PostgreSQL run too
    assert run_pm("import", str(tmp_path / "docs"), env=env, without=local).returncode == 0
    toml.write_text(
        'secret_key = "' + "k3y-" * 15 + '"\nemail_password = "hunter2"\n'
        f'data_dir = "{tmp_path / "elsewhere"}"\n'
    )  # the worker then finds no database there: the warning comes first
    toml.chmod(0o644)
    assert exposed_secrets(toml) == ["email_password", "secret_key"]
    done = run_pm("worker", "--batch", env=env, without=local)
    warning = (
        f"warning: {toml} holds email_password, secret_key and every account on this machine "
        "may read it: make it readable by the service's account only (chmod 600, or 640 with "
        "the service's group)"
    )
    assert warning in done.stderr.splitlines(), done.stderr
    assert "hunter2" not in done.stderr
    for private in (0o600, 0o640):  # the owner's, or the service's group's too
        toml.chmod(private)
        assert exposed_secrets(toml) == []
    assert warning not in run_pm("worker", "--batch", env=env, without=local).stderr
    toml.write_text("port = 8\n")
    toml.chmod(0o644)  # nothing secret in it: readable is fine
    assert exposed_secrets(toml) == []
