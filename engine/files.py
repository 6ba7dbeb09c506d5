"""``write_atomically``: the one way pathgrad writes a file, so no file is ever half-written.

    write the bytes to a temporary file beside the target → fsync(file)
    → rename over the target → fsync(folder)

A reader sees the old file or the new one, never a mix, and after a power cut the
rename is on disk only once the content is. Every exception, Ctrl-C included, removes
the temporary file. A process killed outright (``kill -9``) cannot clean up, so each
write first removes the temporaries earlier writes of the same target left behind;
a writer holds an exclusive lock on its temporary file while it works, so only the
files of dead writers are removed, never one that another writer is still filling.
"""

from __future__ import annotations

import contextlib
import errno
import os
import re
import secrets
from pathlib import Path

try:
    import fcntl
except ImportError:  # Windows: an open file cannot be deleted there, which protects a live writer's file
    fcntl = None

__all__ = ["write_atomically", "temporary_files"]

_TOKEN_DIGITS = 12
"""Hex digits of the random part of a temporary file's name."""

_NOT_SUPPORTED = {errno.EINVAL, errno.ENOTSUP, errno.EBADF, errno.EACCES, errno.EPERM}
"""Errors of a file system that cannot lock a file or fsync a folder; the write goes on without."""


def temporary_files(target: str | os.PathLike) -> list[Path]:
    """The temporary files beside ``target`` that writes of it made (``.name.<hex>.tmp``)."""
    target = Path(target)
    pattern = re.compile(rf"\.{re.escape(target.name)}\.[0-9a-f]{{{_TOKEN_DIGITS}}}\.tmp")
    try:
        entries = list(os.scandir(target.parent))
    except FileNotFoundError:
        return []
    return sorted(target.parent / entry.name for entry in entries if pattern.fullmatch(entry.name))


def _lock(descriptor: int, *, wait: bool) -> bool:
    """Take an exclusive lock on an open file; False if another process holds it or locks are unsupported."""
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
    except BlockingIOError:
        return False
    except OSError as error:
        if error.errno in _NOT_SUPPORTED:
            return False
        raise
    return True


def _remove_stale(target: Path) -> None:
    """Delete the temporary files of ``target`` whose writer has died (no one holds their lock)."""
    for stale in temporary_files(target):
        if fcntl is None:  # Windows refuses to delete a file a live writer has open
            with contextlib.suppress(OSError):
                stale.unlink()
            continue
        try:
            descriptor = os.open(stale, os.O_RDONLY)
        except OSError:  # gone already, or not ours to open
            continue
        try:
            if _lock(descriptor, wait=False):
                stale.unlink(missing_ok=True)
        finally:
            os.close(descriptor)


def _create_locked(target: Path) -> tuple[Path, int]:
    """A new temporary file beside ``target``, opened and locked by us.

    Between creating the file and locking it, another writer's clean-up may take the
    lock and delete it; then the file we hold has no name any more, and we make another.
    """
    while True:
        temporary = target.with_name(f".{target.name}.{secrets.token_hex(_TOKEN_DIGITS // 2)}.tmp")
        # 0o666 before the umask: the usual permissions of a new file (mkstemp would give 0o600,
        # and a web server or a colleague could not read the figure, page or model)
        descriptor = os.open(
            temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o666
        )
        try:
            if fcntl is not None:
                _lock(descriptor, wait=True)
            if os.path.samestat(os.fstat(descriptor), os.stat(temporary)):
                return temporary, descriptor
        except FileNotFoundError:
            pass
        except BaseException:
            os.close(descriptor)
            temporary.unlink(missing_ok=True)
            raise
        os.close(descriptor)


def _sync_folder(folder: Path) -> None:
    """fsync a folder, so a rename inside it survives a power cut (a no-op where folders cannot be opened)."""
    if not hasattr(os, "O_DIRECTORY"):
        return
    descriptor = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(descriptor)
    except OSError as error:
        if error.errno not in _NOT_SUPPORTED:
            raise
    finally:
        os.close(descriptor)


def write_atomically(target: str | os.PathLike, content: bytes) -> Path:
    """Replace ``target`` with ``content``: complete, durable, or not at all.

    Creates the target's folder if needed. Returns the target's path.
    """
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    _remove_stale(target)
    temporary, descriptor = _create_locked(target)
    try:
        try:
            view = memoryview(content)
            while view:
                view = view[os.write(descriptor, view) :]
            os.fsync(descriptor)
        finally:
            if fcntl is None:  # Windows renames only closed files
                os.close(descriptor)
        os.replace(temporary, target)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    finally:
        if fcntl is not None:  # the lock goes with the descriptor, after the rename
            os.close(descriptor)
    _sync_folder(target.parent)
    return target
