"""One writer per session file: a lock file next to it, held by a process.

``.<name>.lock`` holds the writer's PID and host. Where ``fcntl`` exists
(Linux, macOS) the lock is an ``flock`` on that file: the kernel drops it
when the process dies, so a killed kernel never leaves a lock behind.
Elsewhere the lock file is created with ``O_EXCL``; on POSIX a lock whose
PID no longer runs on this host is stale and taken over (on Windows the
message says to delete it).

Locks are counted per process: two Sessions (or a re-run notebook cell) in
one kernel share the lock, and their writes are merged by the Session;
a second kernel is refused with a message naming the holder.
"""

from __future__ import annotations

import atexit
import contextlib
import os
import socket
import threading
from pathlib import Path

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None

__all__ = ["FileLockedError", "acquire", "held", "hold", "release"]

_HELD: dict[Path, list] = {}  # lock path -> [fd or None, count]
_MUTEX = threading.Lock()


class FileLockedError(RuntimeError):
    """Another process writes this session file."""


def lock_path(path: Path) -> Path:
    """Where the lock of ``path`` lives."""
    return path.with_name(f".{path.name}.lock")


def _holder(lock: Path) -> str:
    try:
        return lock.read_text(encoding="utf-8", errors="replace")[:200].strip() or "unknown"
    except OSError:
        return "unknown"


def _refuse(path: Path, lock: Path) -> FileLockedError:
    return FileLockedError(
        f"{path} is being written by another process ({_holder(lock)}): two writers would lose "
        f"labels. Close the other notebook's kernel (or set its session.autosave = None), or "
        f"use another file. If no such process runs, delete {lock}."
    )


def _stamp() -> bytes:
    return f"pid {os.getpid()} on {socket.gethostname()}\n".encode()


def _alive(stamp: str) -> bool:
    parts = stamp.split()
    if len(parts) < 4 or parts[0] != "pid" or parts[3] != socket.gethostname():
        return True  # another host, or unreadable: do not guess that it is stale
    if os.name == "nt":  # pragma: no cover - os.kill(pid, 0) would end the process there
        return True
    try:
        os.kill(int(parts[1]), 0)
    except ProcessLookupError:
        return False
    except (PermissionError, ValueError):
        return True
    return True


def _take(path: Path, lock: Path):
    """Take the lock for this process; return its fd (flock) or None (O_EXCL)."""
    lock.parent.mkdir(parents=True, exist_ok=True)
    if fcntl is not None:
        while True:
            fd = os.open(lock, os.O_RDWR | os.O_CREAT, 0o644)
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                os.close(fd)
                raise _refuse(path, lock) from None
            try:
                same = os.fstat(fd).st_ino == os.stat(lock).st_ino
            except FileNotFoundError:
                same = False
            if same:  # not unlinked by a releasing holder between open and flock
                os.ftruncate(fd, 0)
                os.write(fd, _stamp())
                return fd
            os.close(fd)
    for _ in range(2):
        try:
            fd = os.open(lock, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
        except FileExistsError:
            if _alive(_holder(lock)):
                raise _refuse(path, lock) from None
            lock.unlink(missing_ok=True)  # stale: its process is gone
            continue
        os.write(fd, _stamp())
        os.close(fd)
        return None
    raise _refuse(path, lock)


def acquire(path) -> Path:
    """Hold the lock of ``path`` for this process (counted); raise if another holds it."""
    path = Path(path)
    lock = lock_path(path)
    with _MUTEX:
        entry = _HELD.get(lock)
        if entry is None:
            _HELD[lock] = [_take(path, lock), 1]
        else:
            entry[1] += 1
    return lock


def release(path) -> None:
    """Give back one hold of ``path``'s lock; the last one removes the lock file."""
    lock = lock_path(Path(path))
    with _MUTEX:
        entry = _HELD.get(lock)
        if entry is None:
            return
        entry[1] -= 1
        if entry[1] > 0:
            return
        del _HELD[lock]
        # Unlink while still holding it: a waiting process re-checks the inode.
        lock.unlink(missing_ok=True)
        if entry[0] is not None:
            os.close(entry[0])


def held(path) -> bool:
    """Whether this process holds the lock of ``path``."""
    return lock_path(Path(path)) in _HELD


@contextlib.contextmanager
def hold(path):
    """The lock of ``path`` for the duration of a ``with`` block (a save)."""
    acquire(path)
    try:
        yield
    finally:
        release(path)


@atexit.register
def _release_all() -> None:
    for lock in list(_HELD):
        lock.unlink(missing_ok=True)
