"""Frozen and mutable records without generated dataclass methods.

Records are dataclasses (``dataclasses.fields``, ``replace`` and the JSON export work on them)
declared ``@dataclass(init=False, repr=False, eq=False)`` over :class:`Record` (or
:class:`MutableRecord`), with a written ``__init__`` that sets each field with :func:`set_field`.
:class:`Record` gives them what ``frozen=True`` and the default ``eq`` and ``repr`` generate.
Generating those methods compiles code for every class on every start, about 0.5 ms a class,
and a `pm lint FILE` process creates some 20 of them. ``tests/lint/test_records.py`` checks each
record against the dataclass ``@dataclass(frozen=True)`` would make of it.
"""

from __future__ import annotations

import reprlib
from dataclasses import FrozenInstanceError, fields


class _Fields:
    """The field names a record's generic methods use (computed once a class)."""

    __slots__ = ("compare", "hash", "repr")

    def __init__(self, cls: type) -> None:
        found = fields(cls)
        self.compare = tuple(f.name for f in found if f.compare)
        self.hash = tuple(f.name for f in found if (f.compare if f.hash is None else f.hash))
        self.repr = tuple(f.name for f in found if f.repr)


def _fields_of(cls: type) -> _Fields:
    spec = cls.__dict__.get("__record_fields__")
    if spec is None:
        spec = _Fields(cls)
        type.__setattr__(cls, "__record_fields__", spec)
    return spec


class MutableRecord:
    """``__eq__`` and ``__repr__`` as ``@dataclass`` generates them (defining ``__eq__`` makes
    a mutable record unhashable, as with ``@dataclass``). Subclasses: ``@dataclass(init=False,
    repr=False, eq=False)`` and an ``__init__`` that sets every field."""

    __slots__ = ()

    def __eq__(self, other: object) -> bool:
        if other.__class__ is not self.__class__:
            return NotImplemented
        names = _fields_of(self.__class__).compare
        return tuple(getattr(self, n) for n in names) == tuple(getattr(other, n) for n in names)

    @reprlib.recursive_repr()
    def __repr__(self) -> str:
        names = _fields_of(self.__class__).repr
        inner = ", ".join(f"{n}={getattr(self, n)!r}" for n in names)
        return f"{self.__class__.__qualname__}({inner})"


class Record(MutableRecord):
    """A frozen record: assigning or deleting a field raises ``FrozenInstanceError``, and it
    hashes its compared fields, as ``@dataclass(frozen=True)`` does. ``__init__`` sets fields
    with :func:`set_field` (``object.__setattr__``)."""

    __slots__ = ()

    def __setattr__(self, name: str, value: object) -> None:
        raise FrozenInstanceError(f"cannot assign to field {name!r}")

    def __delattr__(self, name: str) -> None:
        raise FrozenInstanceError(f"cannot delete field {name!r}")

    def __hash__(self) -> int:
        return hash(tuple(getattr(self, n) for n in _fields_of(self.__class__).hash))


set_field = object.__setattr__
