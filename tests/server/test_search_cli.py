"""`pm search` without PATHS: the team server's library through its API, what the token's
owner may read, as the site's search finds it."""

from __future__ import annotations

import json
from typing import Any

import pytest
from tests.server.conftest import run_pm

pytestmark = pytest.mark.django_db(transaction=True)


def test_pm_search_asks_the_server_when_no_paths_are_given(
    live_server: Any, make_user: Any, make_pm: Any
) -> None:
    from postmortems.server.accounts.models import ApiToken

    make_pm("PM-OPEN", title="Checkout API returned 502s")
    make_pm("PM-HIDDEN", title="Card vault returned 502s", restricted=True, teams="red")
    _, raw = ApiToken.issue(make_user("vera", "viewer", team="sre"), "cli", scope="read")
    server = {"PM_URL": live_server.url, "PM_TOKEN": raw}
    found = run_pm("search", "502s", env=server)
    assert found.returncode == 0, found.stderr
    lines = found.stdout.splitlines()
    assert lines[0].startswith("1. PM-OPEN  (")
    assert lines[0].endswith(f"{live_server.url}/p/PM-OPEN/")
    assert lines[1] == "   Checkout API returned 502s"
    assert "502s" in lines[2]
    assert "<mark>" not in found.stdout  # the snippet as text
    assert "PM-HIDDEN" not in found.stdout  # restricted to team red
    as_json = json.loads(run_pm("search", "502s", "-f", "json", env=server).stdout)
    assert (as_json["count"], [r["key"] for r in as_json["results"]]) == (1, ["PM-OPEN"])
    none = run_pm("search", "zanzibar", env=server)
    assert none.stdout == f"no postmortem you may read on {live_server.url} matches 'zanzibar'\n"
    # Without a token, or a server, it says what to give; a file search is unchanged.
    bare = run_pm("search", "502s", env={"PM_URL": live_server.url, "PM_TOKEN": ""})
    assert bare.returncode == 2
    assert "needs a token" in bare.stderr
    nothing = run_pm("search", "502s", env={"PM_URL": "", "PM_TOKEN": ""})
    assert nothing.returncode == 2
    assert "give the files or folders to search (PATHS)" in nothing.stderr
