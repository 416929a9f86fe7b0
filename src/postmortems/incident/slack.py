"""Chat into the timeline: the messages of one channel of a Slack export, as events.

A Slack export is a zip holding ``channels.json`` (and ``groups.json`` for private channels),
``users.json``, and a folder per channel with one ``YYYY-MM-DD.json`` file per day: a list of
messages, each with its ``ts`` (seconds since the epoch, the message's id in the channel), its
``user`` and ``text``, and for a thread reply the ``thread_ts`` of the thread's first message.

Each message becomes a ``chat-message`` event whose external id is ``slack:<channel>:<ts>``, so
importing the same export twice adds nothing. The archive is read in memory, never extracted.
"""

from __future__ import annotations

import datetime as dt
import html
import json
import re
import zipfile
import zlib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

from postmortems.incident.model import Event, IncidentError

MAX_MEMBER_BYTES = 64 * 1024 * 1024  # one day of one channel; a bigger file is not a day file
# What one import reads in all, uncompressed: a zip of a few kB can hold gigabytes of JSON, and
# each byte of JSON read costs Python tens of bytes of memory.
MAX_READ_BYTES = 64 * 1024 * 1024
# Files in the zip at most: one a channel a day with messages, so a year of 130 busy channels.
# Each listed file costs the reading of the zip's index, even an empty one.
MAX_MEMBERS = 50_000
_DAY_FILE = re.compile(r"^(?P<day>\d{4}-\d{2}-\d{2})\.json$")
# Slack's markup: <@U123>, <#C123|name>, <!here>, <https://x|label>, <https://x>
_MARKUP = re.compile(r"<(?P<target>[^<>|]+)(?:\|(?P<label>[^<>]*))?>")
# Messages that say nothing about the incident.
SKIPPED_SUBTYPES = frozenset(
    {"channel_join", "channel_leave", "group_join", "group_leave", "message_deleted"}
)
HOW_TO_EXPORT = (
    "export the workspace again (Workspace settings → Import/Export data → Export) "
    "and pass the .zip it gives"
)


@dataclass(slots=True)
class _Archive:
    """The open zip, its name for messages, and how much of it was read."""

    zip: zipfile.ZipFile
    name: str
    read: int = 0

    def where(self, member: str) -> str:
        return f"{self.name}/{member}"

    def json(self, member: str) -> Any:
        """A JSON file of the export; errors name the file and say how to fix it."""
        try:
            info = self.zip.getinfo(member)
        except KeyError:
            raise IncidentError(
                f"{self.name} has no {member}",
                hint=f"this is not a whole Slack export: {HOW_TO_EXPORT}",
            ) from None
        if info.file_size > MAX_MEMBER_BYTES:
            raise IncidentError(
                f"{member} is {info.file_size} bytes, too big for a Slack export file",
                path=self.name,
                hint=f"{HOW_TO_EXPORT}, or remove that file from the zip",
            )
        self.read += info.file_size
        if self.read > MAX_READ_BYTES:
            raise IncidentError(
                f"the files of this export needed hold more than {MAX_READ_BYTES} bytes",
                path=self.name,
                hint="export only the incident's channel and the days of the incident",
            )
        try:
            raw = self.zip.read(member)
        except (zipfile.BadZipFile, OSError, RuntimeError, zlib.error, EOFError) as exc:
            raise IncidentError(  # corrupt or encrypted
                f"cannot read {member}: {exc}", path=self.name, hint=HOW_TO_EXPORT
            ) from None
        try:
            return json.loads(raw.decode("utf-8"))
        except UnicodeDecodeError:
            raise IncidentError(
                "not UTF-8 text", path=self.where(member), hint=f"{HOW_TO_EXPORT}"
            ) from None
        except json.JSONDecodeError as exc:
            raise IncidentError(
                f"not valid JSON: {exc.msg}",
                path=self.where(member),
                line=exc.lineno,
                column=exc.colno,
                hint=f"fix or delete that file in the zip, or {HOW_TO_EXPORT}",
            ) from None
        except (RecursionError, ValueError):  # nested too deeply, a number of 5,000 digits
            raise IncidentError(
                "not JSON a Slack export writes", path=self.where(member), hint=HOW_TO_EXPORT
            ) from None


def _open(source: Path | BinaryIO) -> _Archive:
    name = source.name if isinstance(source, Path) else str(getattr(source, "name", "export.zip"))
    try:
        archive = zipfile.ZipFile(source)
    except FileNotFoundError:
        raise IncidentError(f"{name}: no such file", hint="check the path to the export") from None
    except (zipfile.BadZipFile, OSError) as exc:
        raise IncidentError(
            f"{name} is not a zip file ({exc})",
            hint=f"give the .zip Slack's export produced: {HOW_TO_EXPORT}",
        ) from None
    count = len(archive.infolist())
    if count > MAX_MEMBERS:
        raise IncidentError(
            f"{name} holds {count} files, more than the {MAX_MEMBERS} a Slack import reads",
            hint="export a shorter date range (Slack's export asks for one), or only the "
            "incident's days",
        )
    return _Archive(archive, Path(name).name)


def _list_of_objects(archive: _Archive, member: str) -> list[dict[str, Any]]:
    data = archive.json(member)
    if not isinstance(data, list) or not all(isinstance(item, dict) for item in data):
        raise IncidentError(
            "expected a JSON list of objects",
            path=archive.where(member),
            hint=f"fix or delete that file in the zip, or {HOW_TO_EXPORT}",
        )
    return data


def _listed_channels(archive: _Archive) -> list[dict[str, Any]]:
    listed: list[dict[str, Any]] = []
    for member in ("channels.json", "groups.json"):  # groups.json: private channels
        if member == "groups.json" and member not in archive.zip.namelist():
            continue
        listed += _list_of_objects(archive, member)
    return listed


def _find_channel(archive: _Archive, channel: str) -> dict[str, Any]:
    """The channel named ``channel`` (its name, with or without ``#``, or its id)."""
    wanted = channel.strip().lstrip("#")
    listed = _listed_channels(archive)
    for item in listed:
        if wanted in (item.get("name"), item.get("id")):
            return item
    names = ", ".join(sorted(str(c.get("name")) for c in listed)[:20]) or "none"
    raise IncidentError(
        f"no channel {wanted!r} in the export (channels: {names})",
        path=archive.where("channels.json"),
        hint="pass the channel's name as Slack shows it, without #, or export that channel too",
    )


def _user_names(archive: _Archive) -> dict[str, str]:
    """User id → the name people know them by: real name, else display name, else handle."""
    if "users.json" not in archive.zip.namelist():
        return {}
    names = {}
    for user in _list_of_objects(archive, "users.json"):
        names[str(user.get("id"))] = _name_of(user)
    return names


def _name_of(user: Mapping[str, Any]) -> str:
    profile = user.get("profile")
    profile = profile if isinstance(profile, dict) else {}
    for value in (
        user.get("real_name"),
        profile.get("real_name"),
        profile.get("display_name"),
        user.get("name"),
    ):
        if isinstance(value, str) and value.strip():
            return value.strip()
    return str(user.get("id", ""))


def _day_files(archive: _Archive, folder: str) -> list[tuple[dt.date, str]]:
    out = []
    for member in archive.zip.namelist():
        head, _, tail = member.rpartition("/")
        m = _DAY_FILE.match(tail)
        if head == folder and m:
            try:
                out.append((dt.date.fromisoformat(m["day"]), member))
            except ValueError:
                continue  # 2026-02-30.json is no day of Slack's
    if not out:
        raise IncidentError(
            f"{archive.name} has no messages for #{folder} (no {folder}/YYYY-MM-DD.json files)",
            hint=f"include the channel's history in the export: {HOW_TO_EXPORT}",
        )
    return sorted(out)


def _moment(ts: Any) -> dt.datetime | None:
    """``"1614593400.000200"`` → an aware UTC time (None when it is no timestamp)."""
    if not isinstance(ts, str):
        return None
    seconds, _, fraction = ts.partition(".")
    if not seconds.isdigit() or (fraction and not fraction.isdigit()):
        return None
    micro = int((fraction + "000000")[:6]) if fraction else 0
    try:
        return dt.datetime.fromtimestamp(int(seconds), dt.UTC).replace(microsecond=micro)
    except (OverflowError, OSError, ValueError):  # beyond the calendar
        return None


def plain_text(text: str, users: Mapping[str, str]) -> str:
    """Slack's markup made readable: ``<@U1>`` → ``@Alice``, ``<#C1|ops>`` → ``#ops``,
    ``<https://x|label>`` → ``label (https://x)``, ``&amp;`` → ``&``."""

    def readable(m: re.Match[str]) -> str:
        target, label = m["target"], m["label"]
        label = (label or "").lstrip("@#")
        if target.startswith("@"):
            return "@" + (label or users.get(target[1:], target[1:]))
        if target.startswith("#"):
            return "#" + (label or target[1:])
        if target.startswith("!"):
            return "@" + (label or target[1:].split("^")[0])
        return f"{label} ({target})" if label and label != target else target

    return html.unescape(_MARKUP.sub(readable, text)).strip()


def _author(message: Mapping[str, Any], users: Mapping[str, str]) -> str:
    user = message.get("user")
    if isinstance(user, str) and user in users:
        return users[user]
    profile = message.get("user_profile")
    if isinstance(profile, dict):
        return _name_of({"id": user or "", **profile})
    bot = message.get("bot_profile")
    for value in (message.get("username"), bot.get("name") if isinstance(bot, dict) else None):
        if isinstance(value, str) and value:
            return value
    return str(user or "")


def _text(message: Mapping[str, Any], users: Mapping[str, str]) -> str:
    text = message.get("text")
    said = plain_text(text, users) if isinstance(text, str) else ""
    if said:
        return said
    shared = message.get("files")
    files = (
        [f.get("name") for f in shared if isinstance(f, dict)] if isinstance(shared, list) else []
    )
    return f"(shared {', '.join(str(n) for n in files)})" if files else ""


def _events(
    messages: list[dict[str, Any]], channel: str, users: Mapping[str, str], link: str
) -> Iterator[Event]:
    for message in messages:
        at = _moment(message.get("ts"))
        if at is None or str(message.get("subtype")) in SKIPPED_SUBTYPES:
            continue
        text = _text(message, users)
        if not text:
            continue
        ts = str(message["ts"])
        thread = message.get("thread_ts")
        detail = [("channel", channel), ("ts", ts)]
        if isinstance(thread, str) and thread != ts:
            detail.append(("thread_ts", thread))
        yield Event(
            at,
            "chat-message",
            text,
            author=_author(message, users),
            link=f"{link}/p{ts.replace('.', '')}" if link else "",
            external_id=f"slack:{channel}:{ts}",
            detail=tuple(detail),
        )


def channel_names(source: Path | BinaryIO) -> list[str]:
    """The names of the channels the export lists (public, then private), as Slack shows them.

    Raises :class:`IncidentError` for an archive that is not a Slack export."""
    archive = _open(source)
    with archive.zip:
        names = [str(c.get("name") or c.get("id") or "") for c in _listed_channels(archive)]
    return [name for name in names if name]


def read_slack_export(source: Path | BinaryIO, channel: str, **window: Any) -> list[Event]:
    """The messages of ``channel`` from ``start`` to ``end`` (inclusive, to the second; None:
    open), in time order, as ``chat-message`` events named after their authors: the events of
    :func:`read_slack_window`, which takes the same arguments.

    ``workspace_url`` (``https://acme.slack.com``) gives each event a link to its message.
    Raises :class:`IncidentError` for an archive that is not a Slack export, naming the file
    inside the zip that is wrong and how to fix it.
    """
    return read_slack_window(source, channel, **window).events


@dataclass(frozen=True)
class SlackRead:
    """A channel's messages in the window, and what it holds outside it (before the start,
    after the end): why an import may add nothing."""

    events: list[Event]
    before: int = 0  # messages before the start, of the days read
    after: int = 0  # messages after the end, of the days read
    # day files more than a day away from the window, before it and after it: not read
    days_before: int = 0
    days_after: int = 0


def read_slack_window(
    source: Path | BinaryIO,
    channel: str,
    *,
    start: dt.datetime | None,
    end: dt.datetime | None,
    workspace_url: str = "",
) -> SlackRead:
    """:func:`read_slack_export`, with what the channel holds outside the window."""
    for bound in (start, end):
        if bound is not None and bound.utcoffset() is None:
            raise IncidentError(
                f"the window's bounds need a timezone, got {bound!r}",
                hint="pass aware datetimes (the incident's start and end)",
            )
    archive = _open(source)
    days_before = days_after = 0
    with archive.zip:
        found = _find_channel(archive, channel)
        name, channel_id = str(found.get("name") or channel), str(found.get("id") or "")
        users = _user_names(archive)
        link = f"{workspace_url.rstrip('/')}/archives/{channel_id}" if workspace_url else ""
        events: list[Event] = []
        for day, member in _day_files(archive, name):
            # Day files are split by date; a day more than one away from the window holds none.
            if start and day < start.date() - dt.timedelta(days=1):
                days_before += 1
                continue
            if end and day > end.date() + dt.timedelta(days=1):
                days_after += 1
                continue
            events += _events(_list_of_objects(archive, member), name, users, link)
    unique = {e.external_id: e for e in sorted(events, key=lambda e: e.at)}  # a message once
    kept, before, after = [], 0, 0
    for e in unique.values():
        # To the second: a ts's fraction is Slack's sequence number within the second.
        if start is not None and e.at < start.replace(microsecond=0):
            before += 1
        elif end is not None and e.at.replace(microsecond=0) > end:
            after += 1
        else:
            kept.append(e)
    return SlackRead(sorted(kept, key=lambda e: e.sort_key), before, after, days_before, days_after)


def outside_note(read: SlackRead, start: str, end: str) -> str:
    """What the window left out, said after an import's counts (``start``/``end``: the window's
    bounds as the reader's clock shows them, ``end`` empty while the incident is open): "; outside
    the incident's window (2026-11-10 12:00:00 CET – open): 1 message before its start", or ""
    when nothing was."""
    said = [
        _count(read.before, "message") + " before its start" if read.before else "",
        _count(read.after, "message") + " after its end" if read.after else "",
        _days(read.days_before, "before its start"),
        _days(read.days_after, "after its end"),
    ]
    if not any(said):
        return ""
    return f"; outside the incident's window ({start} – {end or 'open'}): " + ", ".join(
        s for s in said if s
    )


def _days(n: int, where: str) -> str:
    """Day files left unread, days away from the window: the messages of a whole day there."""
    return f"{_count(n, 'day')} of messages {where} (days away: not read)" if n else ""


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"
