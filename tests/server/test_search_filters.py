"""The search page's filters on a phone: folded into a "Filters" disclosure beside the words,
as on the library's list, so the first screen shows the results; open when a filter is set
(or refused) and on a wide screen (in the browser: ``test_list_filters_browser``).
"""

from __future__ import annotations

from typing import Any

import pytest
from bs4 import BeautifulSoup
from django.test import Client


def _page(client: Client, query: str) -> Any:
    return BeautifulSoup(client.get("/search/" + query).content, "html.parser")


@pytest.mark.django_db
def test_the_search_filters_fold_and_open_when_one_is_set(make_user: Any, make_pm: Any) -> None:
    """Without a script too: the page says open or folded, and how many filters are set; the
    words and the Search button stay outside the fold."""
    make_pm("PM-S-1")
    me = Client()
    me.force_login(make_user("carol", "viewer"))
    page = _page(me, "?q=certificate")
    box = page.select_one("form.search-page details.filter-box")
    assert box is not None
    assert not box.has_attr("open")
    assert box.summary.get_text(" ", strip=True) == "Filters"
    assert box.select_one("select[name=status]") is not None  # the filters are in it
    assert box.select_one("input[name=q]") is None  # the words are not
    assert page.select_one("form.search-page > label.q input[name=q]") is not None
    assert page.select_one("form.search-page > button[type=submit]") is not None
    assert page.select(".found-postmortems .search-results > li h3 a")  # the results are there
    set_two = _page(me, "?q=certificate&severity=SEV2&tag=tls").select_one("details.filter-box")
    assert set_two.has_attr("open")
    assert set_two.summary.get_text(" ", strip=True) == "Filters (2 set)"
    refused = me.get("/search/?q=certificate&since=not-a-date")
    assert refused.status_code == 400
    box = BeautifulSoup(refused.content, "html.parser").select_one("details.filter-box")
    assert box.has_attr("open")  # the refused field is shown, beside its message
    assert not _page(me, "").select_one("details.filter-box").has_attr("open")  # no words yet
