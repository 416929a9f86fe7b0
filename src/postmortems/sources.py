"""Reading postmortem files safely: every way a file can be unreadable becomes an InputError
with the path (and line/column where it helps) and a hint, never a traceback."""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Iterable, Iterator
from typing import BinaryIO

from postmortems.errors import InputError, OutputError, cannot_write

MAX_BYTES = 5 * 1024 * 1024
MARKDOWN_SUFFIXES = (".md", ".markdown", ".mdown", ".txt")


def read_text(path: str, *, max_bytes: int = MAX_BYTES) -> str:
    """The file's text, or an InputError saying what is wrong with it."""
    if path == "-":
        return _decode(sys.stdin.buffer.read(max_bytes + 1), "<stdin>", max_bytes)
    if os.path.isdir(path) and markdown_files(path):  # a command that takes one file
        raise InputError(
            "is a directory, and this command takes one file",
            path=path,
            hint="pass one of its Markdown files",
        )
    if os.path.isdir(path):
        raise no_markdown(path)
    try:
        size = os.stat(path).st_size
    except FileNotFoundError:
        raise InputError("no such file", path=path, hint="check the path") from None
    except OSError as exc:
        raise InputError(
            f"cannot read: {exc.strerror}", path=path, hint="check the path and its permissions"
        ) from None
    if size > max_bytes:
        raise InputError(
            f"file is {size:,} bytes, over the {max_bytes:,}-byte ({max_bytes // 1024 // 1024} MB) "
            "limit",
            path=path,
            hint="a postmortem is a few pages of text: split it or pass the right file",
        )
    try:
        with open(path, "rb") as fh:
            data = read_capped(fh, size, max_bytes)
    except OSError as exc:
        raise InputError(
            f"cannot read: {exc.strerror}", path=path, hint="check the path and its permissions"
        ) from None
    return _decode(data, path, max_bytes)


def no_markdown(folder: str) -> InputError:
    """The error for a folder that holds no file to read."""
    suffixes = ", ".join(MARKDOWN_SUFFIXES)
    return InputError(
        f"is a directory with no Markdown files ({suffixes} or no extension) in it",
        path=folder,
        hint="pass Markdown files, or a directory that holds some",
    )


def read_capped(fh: BinaryIO, size: int | None = None, max_bytes: int = MAX_BYTES) -> bytes:
    """The file's bytes, at most ``max_bytes + 1`` (one more says it is too large). Asking for
    the cap itself would allocate 5 MB for every 3 kB file; a regular file's size is known (pass
    it when the caller has it), and a device or a pipe (size 0) is read up to the cap, never on."""
    if size is None:
        size = os.fstat(fh.fileno()).st_size
    return fh.read(size + 1 if 0 < size <= max_bytes else max_bytes + 1)


def decode(data: bytes, path: str, *, max_bytes: int = MAX_BYTES) -> str:
    """The text of a file's bytes already read, or the InputError ``read_text`` would raise."""
    return _decode(data, path, max_bytes)


def _decode(data: bytes, path: str, max_bytes: int) -> str:
    if len(data) > max_bytes:
        raise InputError(
            f"input is over the {max_bytes // 1024 // 1024} MB limit",
            path=path,
            hint="a postmortem is a few pages of text",
        )
    if data[:2] in (b"\xff\xfe", b"\xfe\xff") or _utf16_without_mark(data[:8192]):
        raise InputError(
            "UTF-16 text, not UTF-8",
            path=path,
            hint="save the file as UTF-8 (e.g. `iconv -f utf-16 -t utf-8`)",
        )
    if b"\x00" in data[:8192]:
        raise InputError(
            "binary file (it contains NUL bytes), not Markdown",
            path=path,
            hint="pass a Markdown text file",
        )
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        column = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        raise InputError(
            f"not UTF-8 text (byte 0x{data[exc.start]:02x})",
            path=path,
            line=line,
            column=column,
            hint="save the file as UTF-8 (e.g. `iconv -f latin1 -t utf-8`)",
        ) from None


def _utf16_without_mark(head: bytes) -> bool:
    """ASCII text saved as UTF-16 with no byte-order mark: every other byte is NUL."""
    return len(head) >= 8 and (
        head[1::2].count(0) > len(head) * 0.45 or head[::2].count(0) > len(head) * 0.45
    )


def is_markdown_name(name: str) -> bool:
    """Whether a directory walk may take a file of this name: not hidden, and a Markdown suffix
    (any case) or none at all (many real postmortems are a `README` or a `postmortem` file);
    :func:`is_markdown_file` looks into one with no extension."""
    suffix = os.path.splitext(name)[1].lower()
    if name.startswith(".") or name.lower() in _BUILD_AND_LEGAL:
        return False
    return not suffix or suffix in MARKDOWN_SUFFIXES


# Files of a repository's root with no extension that are never a postmortem: `pm lint .` in a
# repository reads its postmortems, not its Makefile or its licence.
_BUILD_AND_LEGAL = frozenset(
    {
        *("makefile", "gnumakefile", "dockerfile", "containerfile", "jenkinsfile", "procfile"),
        *("gemfile", "rakefile", "vagrantfile", "brewfile", "pipfile", "justfile", "tiltfile"),
        *("license", "licence", "copying", "notice", "authors", "codeowners", "owners"),
    }
)
# Folders of other people's files: installed packages and copied dependencies.
_NOT_OURS = frozenset({"node_modules", "site-packages", "__pycache__", "vendor", "venv"})


# How a file with no extension shows it is something else: a binary format's first bytes, or
# the opening of an XML, SVG or HTML page or of a script (a `diagram` saved by a drawing tool).
_OTHER_FORMATS = (b"<?xml", b"<svg", b"<!doctype", b"<html", b"#!", b"%pdf")
_BINARY_MAGIC = (b"\x89png", b"gif8", b"\xff\xd8\xff", b"pk\x03\x04", b"\x7felf")


def is_markdown_file(path: str) -> bool:
    """Whether a directory walk takes the file at ``path``: :func:`is_markdown_name`, and when
    it has no extension, its first bytes are not those of a binary file, a page or a script."""
    name = os.path.basename(path)
    if not is_markdown_name(name):
        return False
    if os.path.splitext(name)[1]:
        return True
    try:
        with open(path, "rb") as fh:
            head = fh.read(512)
    except OSError:
        return True  # reading it says what is wrong, in its turn
    opening = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    return b"\0" not in head and not opening.startswith(_OTHER_FORMATS + _BINARY_MAGIC)


def _under(entry: os.DirEntry[str], folder: str) -> bool:
    return os.path.realpath(entry.path).startswith(folder)


def markdown_files(top: str, *, confined: bool = False) -> list[str]:
    """The Markdown files under the folder ``top``, as sorted paths relative to it with ``/``
    between parts; hidden files and folders skipped. The one rule `pm parse`, `pm lint`,
    `pm build` and `pm import` find files by (a file named on the command line is read whatever
    its name).

    ``confined`` (`pm import`, which stores what it reads on a server): no symbolic link leads
    out of ``top``; a linked folder is not entered, a linked file is taken only when it resolves
    inside ``top``.

    A folder is walked once: every real folder first, then the linked ones whose files were not
    found another way (a loop, or a second way to the same files, is not entered).
    """
    inside = os.path.join(os.path.realpath(top), "")
    found: list[str] = []
    walked = {_identity(top)}
    folders = [("", top)]  # to walk now: real folders
    linked: list[tuple[str, str]] = []  # linked folders, walked after every real one
    while folders or linked:
        if not folders:
            prefix, path = linked.pop(0)
            if (linked_id := _identity(path)) in walked:
                continue  # the same files by another way: the real path (or the first) wins
            walked.add(linked_id)
            folders.append((prefix, path))
        prefix, folder = folders.pop()
        with os.scandir(folder) as listing:
            entries = sorted(listing, key=lambda e: e.name)  # the same choices on every machine
        for entry in entries:
            if entry.name.startswith(".") or (entry.name in _NOT_OURS and entry.is_dir()):
                continue
            if confined and entry.is_symlink() and (entry.is_dir() or not _under(entry, inside)):
                continue
            if entry.is_dir():
                if entry.is_symlink():
                    linked.append((f"{prefix}{entry.name}/", entry.path))
                elif (found_id := _identity(entry.path)) not in walked:
                    walked.add(found_id)
                    folders.append((f"{prefix}{entry.name}/", entry.path))
            elif entry.is_file() and is_markdown_file(entry.path):
                found.append(prefix + entry.name)
    return sorted(found)


def _identity(folder: str) -> tuple[int, int]:
    """What names a folder whatever the path to it (links followed)."""
    info = os.stat(folder)
    return info.st_dev, info.st_ino


def expand(paths: Iterable[str]) -> Iterator[str]:
    """Paths with each directory replaced by the Markdown files under it
    (:func:`markdown_files`). A directory with none is kept as it is, so that reading it reports
    the problem in its turn."""
    for path in paths:
        if path != "-" and os.path.isdir(path):
            yield from [os.path.join(path, rel) for rel in markdown_files(path)] or [path]
        else:
            yield path


def atomic_write(path: str, text: str) -> None:
    """Write ``text`` to ``path`` so that a crash leaves either the old or the new file.

    An existing file keeps what it was: a link stays a link (its target is written), the file
    keeps its permissions and its Windows line ends, and a file the user may not write is
    refused, not replaced."""
    path = os.path.realpath(path) if os.path.islink(path) else path
    folder, name = os.path.split(path)
    tmp = os.path.join(folder, f".{name}.{os.getpid()}.tmp")
    try:
        mode = os.stat(path).st_mode & 0o7777
        with open(path, "rb") as old:
            crlf = b"\r\n" in old.read(65536)
    except FileNotFoundError:
        mode, crlf = None, False
    except OSError as exc:
        raise cannot_write(path, exc) from None
    if mode is not None and (not mode & 0o222 or not os.access(path, os.W_OK)):
        raise OutputError(
            "cannot write: the file is read-only", path=path, hint="make it writable first"
        )
    try:
        with open(tmp, "w", encoding="utf-8", newline="\r\n" if crlf else "\n") as fh:
            fh.write(text.replace("\r\n", "\n") if crlf else text)
            fh.flush()
            os.fsync(fh.fileno())
        if mode is not None:
            os.chmod(tmp, mode)
        os.replace(tmp, path)
    except OSError as exc:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise cannot_write(path, exc) from None
