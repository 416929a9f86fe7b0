"""Schedules as code: on-call YAML files read into a :class:`Config`, and written back.

The YAML is composed into nodes (never constructed), so every value keeps its line and no
scalar is guessed into a number, a boolean or a sexagesimal time (``07:00`` stays "07:00").
Every problem in every file is collected as ``file:line:col: what is wrong — how to fix it``;
nothing is returned unless all of it is valid. The format is described in docs/oncall.md.
"""

from __future__ import annotations

import contextlib
import ntpath
import os
from collections.abc import Collection, Mapping, Sequence
from dataclasses import replace
from pathlib import Path

from postmortems.errors import ExitCode, PostmortemsError
from postmortems.oncall import specvalues as values
from postmortems.oncall.model import (
    Config,
    EscalationPolicy,
    Schedule,
    Service,
    service_key,
)
from postmortems.oncall.specdump import dump
from postmortems.oncall.specreader import Problem, _Reader
from postmortems.sources import read_text


def problems_of(count: int) -> str:
    """``1 problem``, ``2 problems``: how the on-call commands and the API count problems."""
    return f"{count} problem{'' if count == 1 else 's'}"


class OncallSpecError(PostmortemsError):
    """On-call YAML that is not valid; ``problems`` holds every problem found."""

    exit_code = ExitCode.FINDINGS

    def __init__(self, problems: Sequence[Problem]) -> None:
        super().__init__(f"{problems_of(len(problems))} in the on-call files")
        self.problems = list(problems)

    def __str__(self) -> str:
        return "\n".join(str(p) for p in self.problems)


def read_files(paths: Sequence[Path]) -> tuple[list[tuple[str, str]], list[Problem]]:
    """Each readable file's (name, text), as ``load_texts`` takes them, and a problem for each
    file that cannot be read."""
    problems: list[Problem] = []
    texts: list[tuple[str, str]] = []
    for path in paths:
        name = file_name(path)
        try:
            if os.path.isdir(path):
                raise PostmortemsError("is a directory", hint="pass the YAML files in it")
            texts.append((name, read_text(name)))
        except PostmortemsError as exc:
            problems.append(Problem(name, 1, 1, exc.message, exc.hint or "check the path"))
    return texts, problems


def file_name(path: Path | str) -> str:
    """How a file is named in messages and as its objects' ``managed_by``: its path from the
    working directory, however it was typed (``./oncall/sre.yaml``, ``$PWD/oncall/sre.yaml``
    and ``../repo/oncall/sre.yaml`` from ``repo`` are ``oncall/sre.yaml``, a directory reached
    by a symbolic link too), or as typed when it is outside that directory (the server is told
    less: :func:`for_server`)."""
    try:
        full = os.path.abspath(path)
        real = os.path.join(os.path.realpath(os.path.dirname(full)), os.path.basename(full))
        here = os.path.realpath(os.getcwd())
        if os.path.commonpath([here, real]) == here and real != here:
            return os.path.relpath(real, here)
    except (OSError, ValueError):  # no working directory (deleted), another drive
        pass
    return os.path.normpath(path)


def shown_file(path: str) -> str:
    """What of a file's path the server stores and shows to everyone: a path within the
    directory it was applied from as it is (``oncall/sre.yaml``); an absolute one, or one that
    climbs out of it (``../``, ``~/``), by the file's name alone (``/home/ann/edge.yaml`` is
    ``edge.yaml``): where files lie on someone's machine is nobody else's business."""
    if not path:
        return ""  # made in the UI: no file
    path = os.path.normpath(path)
    first = path.replace("\\", "/").split("/")[0]
    if ntpath.isabs(path) or ntpath.splitdrive(path)[0] or first in ("..", "~"):
        return ntpath.basename(path)  # either separator, as a Windows path may come
    return path


def for_server(config: Config) -> Config:
    """``config`` as a server stores and shows it: each file by :func:`shown_file` (an absolute
    path by its name alone), the name it was read under kept among its aliases, so what an
    apply stored under that name before stays the file's."""
    files = {f: shown_file(f) for f in set(config.sources.values())}
    aliases = {
        name: tuple(sorted({*config.aliases.get(f, ()), f} - {name})) for f, name in files.items()
    }
    sources = {key: files[f] for key, f in config.sources.items()}
    return replace(config, sources=sources, aliases=aliases)


def file_aliases(paths: Sequence[Path]) -> dict[str, tuple[str, ...]]:
    """Each file's other names (:attr:`Config.aliases`): as typed and its absolute path, the
    names an apply before :func:`file_name` gave it (``str(path)``)."""
    found: dict[str, tuple[str, ...]] = {}
    for path in paths:
        name = file_name(path)
        others = {os.path.normpath(path)}
        with contextlib.suppress(OSError):  # no working directory: no absolute path
            others.add(os.path.abspath(path))
        others.discard(name)
        found[name] = tuple(sorted(set(found.get(name, ())) | others))
    return found


def load_files(
    paths: Sequence[Path], *, on_server: bool = False, known: Collection[str] = ()
) -> Config:
    """Read on-call YAML files into one Config, or raise OncallSpecError with every problem
    (``on_server``, ``known``: see :func:`load_texts`)."""
    texts, problems = read_files(paths)
    also = file_aliases(paths)
    return load_texts(texts, problems, aliases=also, on_server=on_server, known=known)


def load_texts(
    texts: Sequence[tuple[str, str]],
    problems: Sequence[Problem] = (),
    *,
    aliases: Mapping[str, Sequence[str]] | None = None,
    on_server: bool = False,
    known: Collection[str] = (),
) -> Config:
    """Read on-call YAML texts, each (name, text), into one Config (a name is the file in
    messages and the objects' source), or raise OncallSpecError with every problem (and
    ``problems``, found before: files that could not be read). ``aliases``: the files' other
    names (:func:`file_aliases`). A policy may page a schedule the files do not define when
    it is one of ``known`` (the server's, made in the UI: :func:`schedules_elsewhere`), or any
    with ``on_server`` (``pm oncall check``, with no server to ask: applying checks it)."""
    found = list(problems)
    parts: list[_Reader] = []
    for name, text in texts:
        reader = _Reader(os.path.normpath(name))  # as :func:`file_name` names a file
        reader.document(text)
        found.extend(reader.problems)
        parts.append(reader)
    config = _combine(parts, found, known=None if on_server else known)
    if found:
        raise OncallSpecError(sorted(found, key=lambda p: (p.path, p.line, p.column)))
    also = {
        os.path.normpath(n): tuple(os.path.normpath(a) for a in names)
        for n, names in (aliases or {}).items()
    }
    return replace(config, aliases=also)


def load_text(text: str, name: str) -> Config:
    """Read one on-call YAML text (named ``name`` in messages)."""
    problems: list[Problem] = []
    reader = _Reader(name)
    reader.document(text)
    problems.extend(reader.problems)
    config = _combine([reader], problems, known=())
    if problems:
        raise OncallSpecError(sorted(problems, key=lambda p: (p.line, p.column)))
    return config


def _combine(
    parts: list[_Reader], problems: list[Problem], *, known: Collection[str] | None
) -> Config:
    """The files' objects as one Config: names unique, services' policies defined, policy
    targets defined or ``known`` (``None``: left to the server)."""
    sources: dict[str, str] = {}
    for reader in parts:
        named: list[tuple[str, Schedule | EscalationPolicy | Service]] = []
        named += [(o.name, o) for o in reader.schedules]
        named += [(o.name, o) for o in reader.policies]
        named += [(service_key(o.name), o) for o in reader.services]
        for key, obj in named:
            if key in sources:
                line, column = reader.places[id(obj)]
                what = "service" if isinstance(obj, Service) else "schedule and policy"
                message = f"the name {obj.name!r} is used twice (also in {sources[key]})"
                problems.append(
                    Problem(reader.path, line, column, message, f"give every {what} its own name")
                )
                continue
            sources[key] = reader.path
    if known is not None:
        _check_targets(parts, problems, known)
    _check_services(parts, problems)
    return Config(
        tuple(s for r in parts for s in r.schedules),
        tuple(p for r in parts for p in r.policies),
        sources,
        tuple(s for r in parts for s in r.services),
    )


def schedules_elsewhere(config: Config) -> list[tuple[str, str]]:
    """(policy, schedule) for each schedule a policy of ``config`` pages that its files do not
    define: one on the server, made in the UI (:func:`load_texts`'s ``known``)."""
    defined = {s.name for s in config.schedules}
    found = (
        (policy.name, target.name)
        for policy in config.policies
        for step in policy.steps
        for target in step.targets
        if target.kind == "schedule" and target.name not in defined
    )
    return list(dict.fromkeys(found))


def _check_services(parts: list[_Reader], problems: list[Problem]) -> None:
    known = sorted({name for reader in parts for name in reader.policy_names})
    for reader in parts:
        for service in reader.services:
            if service.policy not in known:
                line, column = reader.policy_places[id(service)]
                problems.append(
                    Problem(
                        reader.path,
                        line,
                        column,
                        f"no escalation policy named {service.policy!r}",
                        values.suggest(service.policy, known, "define it in these files"),
                    )
                )


def _check_targets(
    parts: list[_Reader], problems: list[Problem], elsewhere: Collection[str]
) -> None:
    known = {name for reader in parts for name in reader.schedule_names} | set(elsewhere)
    for reader in parts:
        path = reader.path
        for policy in reader.policies:
            for step in policy.steps:
                for target in step.targets:
                    if target.kind == "schedule" and target.name not in known:
                        line, column = reader.places[id(target)]
                        problems.append(
                            Problem(
                                path,
                                line,
                                column,
                                f"no schedule named {target.name!r}",
                                values.suggest(
                                    target.name, sorted(known), "define it in these files"
                                ),
                            )
                        )


__all__ = [
    "OncallSpecError",
    "Problem",
    "dump",
    "file_aliases",
    "file_name",
    "for_server",
    "load_files",
    "load_text",
    "load_texts",
    "read_files",
    "schedules_elsewhere",
    "shown_file",
]
