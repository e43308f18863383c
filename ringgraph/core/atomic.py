"""Atomic file writes: a file is either the old one or the complete new one, never half.

Every file the tool writes goes through :func:`atomic_write` (or the ``write_*`` helpers):
the content goes to a temporary file in the same folder, is flushed and fsync'ed, then
renamed over the target with :func:`os.replace` (atomic on POSIX and Windows within one
file system). A failure (disk full, file size limit, permission) removes the temporary file,
leaves the target untouched and raises :class:`~ringgraph.core.errors.OutputError` naming
the cause and the path.
"""

from __future__ import annotations

import contextlib
import errno
import json
import os
import tempfile
from pathlib import Path
from typing import IO, Iterator

from ringgraph.core.errors import OutputError

_CAUSES = {
    errno.ENOSPC: "no space left on device",
    errno.EFBIG: "file too large (file size limit reached)",
    errno.EDQUOT: "disk quota exceeded",
    errno.EACCES: "permission denied",
    errno.EPERM: "operation not permitted",
    errno.EROFS: "read-only file system",
    errno.ENOENT: "folder does not exist",
    errno.ENOTDIR: "a parent is not a folder",
    errno.EISDIR: "is a folder",
}


def describe_os_error(exc: OSError) -> str:
    """A short cause for an OS error, e.g. ``"no space left on device (ENOSPC)"``."""
    code = exc.errno
    name = errno.errorcode.get(code, "") if code is not None else ""
    cause = _CAUSES.get(code) or (exc.strerror or type(exc).__name__).lower()
    return f"{cause} ({name})" if name else cause


def output_error(exc: OSError, path: str | os.PathLike) -> OutputError:
    """The one-line :class:`OutputError` for ``exc`` raised while writing ``path``."""
    return OutputError(f"cannot write {path}: {describe_os_error(exc)}")


@contextlib.contextmanager
def atomic_write(path: str | os.PathLike, mode: str = "wb", encoding: str | None = None,
                 newline: str | None = None) -> Iterator[IO]:
    """Open a temporary file beside ``path`` for writing; on success rename it to ``path``.

    Parameters
    ----------
    path : str or path-like
        The final file. Its folder must exist (it is not created: a missing folder is the
        caller's decision).
    mode : {"wb", "w"}
        Binary or text.
    encoding, newline : str, optional
        As for :func:`open` in text mode (``encoding`` defaults to UTF-8).

    Yields
    ------
    file object
        Write the whole content to it.

    Raises
    ------
    OutputError
        The folder is missing or not writable, the disk is full, a size limit is reached:
        one line naming the cause and ``path``. The target is left as it was.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> d = pathlib.Path(tempfile.mkdtemp())
    >>> with atomic_write(d / "a.txt", "w") as fh:
    ...     _ = fh.write("done")
    >>> (d / "a.txt").read_text()
    'done'
    """
    if mode not in ("wb", "w"):
        raise ValueError(f"atomic_write: mode must be 'wb' or 'w', not {mode!r}")
    target = Path(path)
    try:
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.",
                                   suffix=".tmp")
    except OSError as exc:
        raise output_error(exc, target) from None
    try:
        with os.fdopen(fd, mode, **({} if mode == "wb" else
                                    {"encoding": encoding or "utf-8", "newline": newline})) as fh:
            yield fh
            fh.flush()
            os.fsync(fh.fileno())
        default_mode(tmp)  # mkstemp makes 0600; a result is a normal file
        os.replace(tmp, target)
    except OSError as exc:
        _discard(tmp)
        raise output_error(exc, target) from None
    except BaseException:
        _discard(tmp)
        raise
    _fsync_dir(target.parent)


def write_bytes(path: str | os.PathLike, data: bytes) -> Path:
    """Write ``data`` to ``path`` atomically; returns the path."""
    with atomic_write(path, "wb") as fh:
        fh.write(data)
    return Path(path)


def write_text(path: str | os.PathLike, text: str, encoding: str = "utf-8") -> Path:
    """Write ``text`` to ``path`` atomically (no newline translation); returns the path."""
    return write_bytes(path, text.encode(encoding))


def write_json(path: str | os.PathLike, obj, indent: int | None = 1) -> Path:
    """Write ``obj`` as UTF-8 JSON (keys sorted, non-ASCII kept, final newline)."""
    return write_text(path, json.dumps(obj, ensure_ascii=False, sort_keys=True,
                                       indent=indent) + "\n")


def write_many(files: dict[str | os.PathLike, bytes]) -> list[Path]:
    """Write several files that belong together (e.g. ``rings.csv`` and ``rings.json``):
    every content is first written and fsync'ed to a temporary file, and only when all
    succeeded are they renamed into place, so a full disk leaves the old set whole.

    Raises
    ------
    OutputError
        As :func:`atomic_write`; no target was changed.
    """
    staged: list[tuple[str, Path]] = []
    try:
        for path, data in files.items():
            target = Path(path)
            try:
                fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.",
                                           suffix=".tmp")
            except OSError as exc:
                raise output_error(exc, target) from None
            staged.append((tmp, target))
            try:
                with os.fdopen(fd, "wb") as fh:
                    fh.write(data)
                    fh.flush()
                    os.fsync(fh.fileno())
                os.chmod(tmp, 0o666 & ~_UMASK)
            except OSError as exc:
                raise output_error(exc, target) from None
        for tmp, target in staged:
            try:
                os.replace(tmp, target)
            except OSError as exc:
                raise output_error(exc, target) from None
    except BaseException:
        for tmp, _ in staged:
            _discard(tmp)
        raise
    for folder in {t.parent for _, t in staged}:
        _fsync_dir(folder)
    return [t for _, t in staged]


def default_mode(path: str | os.PathLike) -> None:
    """Give a file or folder made by :mod:`tempfile` (private, 0600/0700) the mode a plain
    ``open``/``mkdir`` would have given it under the process umask."""
    base = 0o777 if Path(path).is_dir() else 0o666
    os.chmod(path, base & ~_UMASK)


def _read_umask() -> int:
    # Read once at import: os.umask can only be read by setting it, which is not safe
    # to do while other threads create files.
    mask = os.umask(0)
    os.umask(mask)
    return mask


_UMASK = _read_umask()


def _discard(tmp: str) -> None:
    with contextlib.suppress(OSError):
        os.unlink(tmp)


def _fsync_dir(folder: Path) -> None:
    # Makes the rename itself durable; not possible (nor needed) on every platform.
    with contextlib.suppress(OSError, AttributeError):
        fd = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


__all__ = ["atomic_write", "write_bytes", "write_text", "write_json", "write_many", "default_mode", "output_error",
           "describe_os_error"]
