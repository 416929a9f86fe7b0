"""Records (model and lint classes with a written ``__init__``) behave as the dataclasses
``@dataclass(frozen=True)`` (``@dataclass`` for mutable ones) would make of the same fields:
same constructor, equality, hash, repr, frozenness, and ``dataclasses`` helpers still work."""

from __future__ import annotations

import dataclasses
import inspect
from dataclasses import MISSING, FrozenInstanceError
from typing import Any

import pytest

import postmortems.commands.lint
import postmortems.lint.formatters.text
import postmortems.lint.rules
import postmortems.lint.suppress  # noqa: F401  (imported for their records)
from postmortems.record import MutableRecord, Record


def subclasses(cls: type) -> list[type]:
    out = []
    for sub in cls.__subclasses__():
        out += [sub, *subclasses(sub)]
    return out


RECORDS = [
    *sorted(
        {c for c in subclasses(MutableRecord) if c is not Record and c.__module__ != __name__},
        key=lambda c: (c.__module__, c.__qualname__),
    ),
]


def is_frozen(cls: type) -> bool:
    return issubclass(cls, Record)


def test_the_records_are_found() -> None:
    names = {c.__qualname__ for c in RECORDS}
    assert {
        "Document",
        "Meta",
        "Violation",
        "LintConfig",
        "LintOptions",
        "Context",
        "Zone",
    } <= names


def reference(cls: type) -> type:
    """The dataclass that ``@dataclass`` would have generated for ``cls``'s fields."""
    namespace: dict[str, Any] = {
        "__annotations__": {f.name: f.type for f in dataclasses.fields(cls)},
        "__module__": cls.__module__,
        "__qualname__": cls.__qualname__,
    }
    for f in dataclasses.fields(cls):
        spec: dict[str, Any] = {"compare": f.compare, "repr": f.repr, "hash": f.hash}
        if f.default is not MISSING:
            spec["default"] = f.default
        elif f.default_factory is not MISSING:
            spec["default_factory"] = f.default_factory
        namespace[f.name] = dataclasses.field(**spec)
    return dataclasses.dataclass(frozen=is_frozen(cls))(type(cls.__name__, (), namespace))


def has_factory(cls: type, name: str) -> bool:
    return next(f for f in dataclasses.fields(cls) if f.name == name).default_factory is not MISSING


def hash_of(obj: object) -> object:
    """The hash, or the type of error hashing raises (a field holding a dict)."""
    try:
        return hash(obj)
    except TypeError as exc:
        return type(exc)


def sample(cls: type, marker: str) -> dict[str, Any]:
    """Keyword arguments for every field: distinct strings for the required ones."""
    return {
        f.name: f"{marker}-{f.name}"
        for f in dataclasses.fields(cls)
        if f.default is MISSING and f.default_factory is MISSING
    }


@pytest.mark.parametrize("cls", RECORDS, ids=lambda c: f"{c.__module__}.{c.__qualname__}")
def test_record_behaves_as_the_generated_dataclass(cls: type) -> None:
    ref = reference(cls)
    ours_sig = inspect.signature(cls)
    ref_sig = inspect.signature(ref)
    assert list(ours_sig.parameters) == list(ref_sig.parameters)
    for name, param in ref_sig.parameters.items():
        mine = ours_sig.parameters[name]
        assert mine.kind == param.kind, name
        if has_factory(cls, name):
            assert mine.default is None, name  # None stands for "a new one"
        else:
            assert mine.default == param.default, name

    args = sample(cls, "a")
    ours, theirs = cls(**args), ref(**args)
    for f in dataclasses.fields(cls):
        assert getattr(ours, f.name) == getattr(theirs, f.name), f.name
    assert repr(ours) == repr(theirs)
    assert ours == cls(**args)
    assert ours != theirs  # another class, as with dataclasses
    assert dataclasses.replace(ours) == ours
    assert dataclasses.asdict(ours) == dataclasses.asdict(theirs)

    # Changing one field changes equality (and the hash) exactly when it does for the dataclass.
    for f in dataclasses.fields(cls):
        changed = {**args, f.name: "changed"}
        assert (cls(**changed) == ours) == (ref(**changed) == theirs), f.name
        if is_frozen(cls) and f.name in args:
            assert (hash_of(cls(**changed)) == hash_of(ours)) == (
                hash_of(ref(**changed)) == hash_of(theirs)
            ), f.name

    if is_frozen(cls):
        assert hash_of(ours) == hash_of(theirs)
        name = dataclasses.fields(cls)[0].name
        with pytest.raises(FrozenInstanceError):
            setattr(ours, name, "x")
        with pytest.raises(FrozenInstanceError):
            delattr(ours, name)
    else:
        assert cls.__hash__ is None
        name = dataclasses.fields(cls)[0].name
        setattr(ours, name, "x")
        assert getattr(ours, name) == "x"


def test_factory_defaults_are_not_shared() -> None:
    from postmortems.lint.config import LintConfig
    from postmortems.lint.runner import FileResult

    assert LintConfig().options == {}
    assert LintConfig().options is not LintConfig().options
    assert FileResult("a").source_lines is not FileResult("a").source_lines
