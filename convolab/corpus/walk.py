"""Find the inputs under a corpus folder and account for every entry on the way.

``os.scandir`` is walked by hand rather than with ``Path.rglob`` because ``rglob`` silently
passes over symbolic links to folders, and neither it nor ``os.walk`` says what it did not
read. Here every entry ends in exactly one place:

* ``files`` — regular files to read as documents (symbolic links followed while they stay
  inside the corpus folder);
* ``metadata`` — ``metadata.csv`` files, in any folder, to read as metadata;
* ``excluded`` — entries that cannot be read: broken links, link loops, unreadable folders,
  FIFOs, sockets and devices (reading a FIFO would block forever, so only regular files are
  opened), and anything under ``/proc``, ``/sys`` or ``/dev``: the kernel calls some of those
  files regular, yet reading one can block forever (``/proc/kmsg``) or leak the machine's state;
* ``skipped`` — entries deliberately not read: hidden files and folders (unless
  ``include_hidden``), symbolic links that leave the corpus folder (unless ``follow_links``: a
  shared report must not publish ``/etc/passwd`` or another project's notes because a link
  pointed there), links to a folder already read, and the metadata files themselves.
"""

from __future__ import annotations

import errno
import os
import stat
from dataclasses import dataclass, field
from pathlib import Path

METADATA_FILE = "metadata.csv"

#: Kernel and device file systems: never documents, and a read there may block.
SYSTEM_FOLDERS = ("/proc", "/sys", "/dev")

_SPECIAL = [(stat.S_ISFIFO, "a FIFO (named pipe)"), (stat.S_ISSOCK, "a socket"),
            (stat.S_ISCHR, "a character device"), (stat.S_ISBLK, "a block device")]


def display_path(path: str | os.PathLike) -> str:
    """The path as printable text: bytes that are not UTF-8 are shown as ``\\xNN`` escapes.

    File names on Linux are bytes; Python keeps undecodable ones as lone surrogates, which
    Parquet, JSON and HTML refuse. The escape keeps the name unambiguous and printable. A URL
    (an ``upath.UPath`` of an object store, which is no ``os.PathLike``) is text already.
    """
    if not isinstance(path, (str, bytes, os.PathLike)):
        return str(path)
    return os.fsencode(path).decode("utf-8", "backslashreplace")


@dataclass
class Walk:
    """What a folder holds, in four lists (see the module docstring)."""

    root: Path
    files: list[Path] = field(default_factory=list)
    metadata: list[Path] = field(default_factory=list)
    excluded: list[dict] = field(default_factory=list)
    skipped: list[dict] = field(default_factory=list)

    def exclude(self, path, reason: str) -> None:
        self.excluded.append({"path": display_path(path), "doc_id": None, "reason": reason})

    def skip(self, path, reason: str) -> None:
        self.skipped.append({"path": display_path(path), "reason": reason})


def walk(root: Path, *, include_hidden: bool = False, follow_links: bool = False) -> Walk:
    """Every entry under ``root``, sorted by name within each folder, each in one list."""
    found = Walk(root)
    real_root = os.path.realpath(root)
    if system_path(real_root):
        raise ValueError(f"'{display_path(root)}' is a system folder ({display_path(real_root)}), "
                         "not a corpus; pass a folder of essays")
    _walk(root, found, include_hidden, {real_root}, None if follow_links else real_root)
    return found


def system_path(real: str) -> bool:
    """Whether a resolved path lies in a kernel or device file system (:data:`SYSTEM_FOLDERS`)."""
    return any(real == top or real.startswith(top + os.sep) for top in SYSTEM_FOLDERS)


def outside(real: str, root: str) -> bool:
    """Whether the resolved path ``real`` lies outside the resolved folder ``root``."""
    return os.path.commonpath([real, root]) != root


def _walk(folder: Path, found: Walk, include_hidden: bool, ancestors: set[str],
          inside: str | None) -> None:
    try:
        with os.scandir(folder) as scan:
            entries = sorted(scan, key=lambda e: e.name)
    except OSError as exc:
        found.exclude(folder, f"folder cannot be read ({_why(exc)}); fix its permissions or "
                              "remove it")
        return
    for entry in entries:
        path = Path(entry.path)
        if entry.name.startswith(".") and not include_hidden:
            kind = "folder" if entry.is_dir(follow_symlinks=False) else "file"
            found.skip(path, f"hidden {kind}, not read (pass include_hidden=True to read it)")
            continue
        try:
            info = os.stat(path)  # follows symbolic links
        except OSError as exc:
            found.exclude(path, _link_problem(path, exc))
            continue
        real = os.path.realpath(path)
        if system_path(real):
            found.exclude(path, f"points into a system folder ('{display_path(real)}'), which "
                                "holds no essays and may block a read; remove the link")
            continue
        if inside is not None and entry.is_symlink() and outside(real, inside):
            found.skip(path, f"link to outside the corpus folder, not read ('{display_path(real)}'"
                             "); pass follow_links=True (--follow-links) to read it")
            continue
        if stat.S_ISDIR(info.st_mode):
            if real in ancestors:
                found.skip(path, f"symbolic link to a folder it is inside ('{display_path(real)}')"
                                 "; not followed, to avoid reading it forever")
                continue
            _walk(path, found, include_hidden, ancestors | {real}, inside)
        elif stat.S_ISREG(info.st_mode):
            if entry.name.lower() == METADATA_FILE:
                found.metadata.append(path)
                found.skip(path, "metadata file, read as the metadata of the files beside it")
            else:
                found.files.append(path)
        else:
            found.exclude(path, f"not a regular file ({special_kind(path)}); convolab reads "
                                "only regular files: copy the text into a .txt file")


def special_kind(path) -> str:
    """What a path that is neither a regular file nor a folder is: "a FIFO (named pipe)"..."""
    mode = os.stat(path).st_mode
    return next((name for test, name in _SPECIAL if test(mode)), "a special file")


def _link_problem(path: Path, exc: OSError) -> str:
    if exc.errno == errno.ELOOP:
        return "symbolic link loop (the link points back to itself); remove or fix the link"
    if path.is_symlink() and exc.errno == errno.ENOENT:
        return (f"broken symbolic link (to '{display_path(os.readlink(path))}', which does "
                "not exist); fix or remove the link")
    return f"cannot be read ({_why(exc)}); fix its permissions or remove it"


def _why(exc: OSError) -> str:
    return exc.strerror.lower() if exc.strerror else type(exc).__name__
