"""One rule for what a service name is (src/postmortems/servicenames.py)."""

from __future__ import annotations

import pytest

from postmortems import servicenames


@pytest.mark.parametrize(
    "name",
    [
        "checkout-api",
        "nginx",
        "orders_db",
        "api.v2",
        "payments/checkout-api",
        "a" * 64,
        "café-api",
        "日本",
    ],
)
def test_these_are_service_names(name: str) -> None:
    assert servicenames.is_name(name)
    assert servicenames.problem(name) == ""


@pytest.mark.parametrize(
    "text",
    ["../../etc", "<b>x</b>", "a" * 65, "/etc", "a//b", "a/../b", ".hidden", "-x", "ch€ckout", ""],
)
def test_these_are_not(text: str) -> None:
    assert not servicenames.is_name(servicenames.normal(text))
    assert servicenames.from_label(text) == ""


@pytest.mark.parametrize(
    ("typed", "name"),
    [
        ("Checkout API", "checkout-api"),
        ("  Nginx ", "nginx"),
        ("Orders  DB\tEU", "orders-db-eu"),
        ("Cafe\u0301 API", "café-api"),  # an accent typed apart is the one composed é
    ],
)
def test_what_a_person_types_is_normalised(typed: str, name: str) -> None:
    assert servicenames.normal(typed) == name
    assert servicenames.from_label(typed) == name


@pytest.mark.parametrize("written", ["Checkout", "cafe\u0301", "checkout api"])
def test_a_name_written_otherwise_is_not_one_as_it_stands(written: str) -> None:
    assert not servicenames.is_name(written)
    assert servicenames.is_name(servicenames.normal(written))


def test_checked_keeps_the_names_each_once_and_says_each_refusal() -> None:
    kept, refused = servicenames.checked(
        ["Checkout API", "checkout-api", "../../etc", " ", "nginx"]
    )
    assert kept == ["checkout-api", "nginx"]
    assert refused == ["'../../etc' is not a service name"]
    _kept, (long,) = servicenames.checked(["x" * 200])
    assert "200 characters" in long
