"""The one place lcllm touches files it writes: atomic replacement, reads that cannot hang, and the list's lock.

* :func:`write_atomic` replaces a file in one step (a crash leaves the old bytes or the new ones). A symbolic link
  is written through: its target is replaced and the link stays. A target that is not a regular file (a device
  such as ``/dev/null``, a FIFO, a terminal, ``/proc/self/fd/1``) is written into, never replaced by a file, and a
  FIFO nobody reads is an error instead of a hang. The new bytes go to ``.NAME.PID-N.tmp`` beside the target,
  renamed over it when complete; such a file that a killed process left is removed by the next write (once it is
  older than :data:`STALE_TMP_SECONDS`, so that no write still in progress loses its file). (Anonymous
  ``O_TMPFILE`` files would leave nothing at all, but linking one into place needs /proc, which sandboxes often
  lack.)
* :func:`read_regular` reads a file only if it is a regular one (a FIFO in place of a list or a cache record would
  wait forever for a writer), at most ``limit`` bytes.
* :func:`locked` holds the exclusive lock of a list for a read-modify-write: an ``flock`` on the directory that
  holds the list's real file. A directory stays the same inode while files in it are replaced, every process
  finds it whatever its environment, and no lock file appears in the user's repository. (Lists in one directory
  share the lock, which a write spanning several of them wants anyway.)
"""

from __future__ import annotations

import contextlib
import errno
import itertools
import os
import stat
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

from lcllm_cli.errors import LockTimeout, StoreError

STALE_TMP_SECONDS = 300.0  # a temporary older than this is a leftover of a killed process (writes take seconds)


def cache_dir() -> Path:
    """lcllm's directory in the user cache (``$XDG_CACHE_HOME/lcllm`` on Linux)."""
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("lcllm"))


def os_error_message(prefix: str, exc: OSError) -> str:
    return f"{prefix}: {exc.strerror or exc}; the file was left as it was"


def os_error_hint(exc: OSError) -> str | None:
    if exc.errno == errno.ENOSPC:
        return "free some disk space and run the command again"
    if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return "check that you may write to the file and its directory"
    if exc.errno == errno.ENXIO:
        return "start the program that reads the pipe first, or write to a file"
    return None


def same_file(a: Path, b: Path) -> bool:
    """``a`` and ``b`` name one file (through links, relative paths, hard links)."""
    try:
        return os.path.samefile(a, b)
    except OSError:
        return os.path.realpath(a) == os.path.realpath(b)


def write_atomic(path: Path, data: str | bytes) -> None:
    """Replace ``path`` with ``data`` (a str is written as UTF-8), durably; see the module docstring. Raises
    :class:`StoreError` with what went wrong and what to do."""
    try:
        replace_file(path, data)
    except OSError as exc:
        raise StoreError(os_error_message(f"cannot write {path}", exc), hint=os_error_hint(exc)) from None


def replace_file(path: Path, data: str | bytes, *, durable: bool = True) -> None:
    """:func:`write_atomic`'s work, raising the ``OSError``; ``durable=False`` skips the flushes to disk (for the
    cache, which may be lost and is written hundreds of times a run)."""
    blob = data if isinstance(data, bytes) else data.encode("utf-8")
    try:
        st: os.stat_result | None = path.stat()  # through links
    except OSError:
        st = None
    if st is not None and not stat.S_ISREG(st.st_mode):
        _write_into(path, blob)  # opened through the link: /proc/self/fd/1 is no path realpath could name
    else:
        target = Path(os.path.realpath(path)) if path.is_symlink() else path
        _replace(target, blob, st.st_mode & 0o7777 if st is not None else 0o644, durable)


def _write_into(target: Path, blob: bytes) -> None:
    """Write into a device, FIFO or terminal: opened without waiting (a FIFO without a reader fails at once)."""
    fd = os.open(target, os.O_WRONLY | os.O_NONBLOCK | getattr(os, "O_NOCTTY", 0))
    os.set_blocking(fd, True)
    with os.fdopen(fd, "wb") as fh:
        fh.write(blob)


_SEQUENCE = itertools.count()


def _replace(target: Path, blob: bytes, mode: int, durable: bool = True) -> None:
    directory = target.parent if str(target.parent) else Path(".")
    _remove_stale_temporaries(directory, target.name)
    tmp = f"{directory}/.{target.name}.{os.getpid()}-{time.monotonic_ns()}-{next(_SEQUENCE)}.tmp"  # threads too
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, mode)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(blob)
            fh.flush()
            if durable:
                os.fsync(fh.fileno())
            os.fchmod(fh.fileno(), mode)  # the umask narrowed the mode given at creation
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    if not durable:
        return
    with contextlib.suppress(OSError):  # make the rename durable
        dir_fd = os.open(directory, os.O_RDONLY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)


def _remove_stale_temporaries(directory: Path, name: str) -> None:
    """Remove ``.NAME.*.tmp`` files a killed lcllm left (only those old enough that no live write owns them)."""
    prefix = f".{name}."
    now = time.time()
    try:
        candidates = [e for e in os.scandir(directory) if e.name.startswith(prefix) and e.name.endswith(".tmp")]
    except OSError:
        return
    for entry in candidates:
        with contextlib.suppress(OSError):
            if entry.is_file(follow_symlinks=False) and now - entry.stat().st_mtime > STALE_TMP_SECONDS:
                os.unlink(entry.path)


class NotRegular(OSError):
    """The path names a device, FIFO or socket, not a regular file."""


def read_regular(path: Path, limit: int | None = None) -> bytes:
    """The bytes of the regular file ``path`` (at most ``limit`` + 1, so that a caller can tell it is too big).

    Raises :class:`NotRegular` for anything else, without opening it in a way that could wait; other problems are
    the usual ``OSError`` subclasses (``FileNotFoundError``, ``IsADirectoryError`` ...).
    """
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOCTTY", 0))
    try:
        st = os.fstat(fd)
        if stat.S_ISDIR(st.st_mode):
            raise IsADirectoryError(errno.EISDIR, "Is a directory", str(path))
        if not stat.S_ISREG(st.st_mode):
            raise NotRegular(errno.EINVAL, "not a regular file (a device, pipe or socket)", str(path))
        with open(fd, "rb", closefd=False) as fh:
            return fh.read() if limit is None else fh.read(limit + 1)
    finally:
        os.close(fd)


# --------------------------------------------------------------------------------------------- locking


def lock_timeout() -> float:
    from lcllm_cli.config import env_number

    return env_number("LCLLM_LOCK_TIMEOUT", 60.0, minimum=0.0)


@contextlib.contextmanager
def locked(path: Path, timeout: float | None = None, notify: Callable[[str], None] | None = None) -> Iterator[None]:
    """Hold the exclusive lock of the list at ``path`` (see the module docstring) for a read-modify-write.

    Waits up to ``timeout`` seconds (``$LCLLM_LOCK_TIMEOUT``, default 60) while another lcllm process holds it,
    telling the user once that it waits; then raises :class:`LockTimeout`.
    """
    import fcntl

    if timeout is None:
        timeout = lock_timeout()
    directory = Path(os.path.realpath(path)).parent
    try:
        fd = os.open(directory, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    except OSError as exc:
        raise StoreError(os_error_message(f"cannot lock {path}", exc), hint=os_error_hint(exc)) from None
    try:
        deadline = time.monotonic() + timeout
        told = False
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise LockTimeout(
                        f"another lcllm process has held {path} for {timeout:g} s",
                        hint="wait for it to finish, or raise LCLLM_LOCK_TIMEOUT",
                    ) from None
                if not told:
                    (notify or _stderr)(f"waiting for another lcllm process to finish with {path} ...")
                    told = True
                time.sleep(0.05)
        yield
    finally:
        os.close(fd)  # closing releases the lock


def _stderr(message: str) -> None:
    print(message, file=sys.stderr)
