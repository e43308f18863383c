"""Which files an ingest reads: folders walked (unreadable parts reported, not skipped
silently) and zip archives opened with bounds, so a zip bomb is refused, not unpacked."""

from __future__ import annotations

import os
import shutil
import zipfile
from dataclasses import dataclass
from pathlib import Path

from etl.errors import ExportError

ARCHIVE_SUFFIXES = (".zip",)
# Bounds of one archive: total bytes unpacked, members, and unpacked/packed ratio.
MAX_UNPACKED = 8 << 30
MAX_MEMBERS = 10_000
MAX_RATIO = 200


@dataclass(frozen=True)
class Unreadable:
    """A file or folder that could not be opened: reported with its path and reason."""

    name: str
    reason: str


def _walk(root: Path, suffixes: tuple[str, ...]) -> tuple[list[Path], list[Unreadable]]:
    files: list[Path] = []
    bad: list[Unreadable] = []

    def onerror(exc: OSError) -> None:
        rel = Path(exc.filename).relative_to(root).as_posix() if exc.filename else str(root)
        bad.append(Unreadable(rel + "/", f"folder cannot be read ({exc.strerror or exc})"))

    for dirpath, dirnames, filenames in os.walk(root, onerror=onerror):
        dirnames.sort()
        for fn in sorted(filenames):
            if Path(fn).suffix.lower() in suffixes:
                files.append(Path(dirpath) / fn)
    return files, bad


def discover(paths: list[Path], suffixes: tuple[str, ...]
             ) -> tuple[list[tuple[Path, str]], list[Unreadable]]:
    """Files to ingest with their source names, in a stable order, and what was unreadable.

    A folder is searched recursively; source names are paths relative to it. A simulated
    scenario folder (``scenario.json`` + ``exports/``) means its exports.
    """
    suffixes = tuple(suffixes) + ARCHIVE_SUFFIXES
    found: list[tuple[Path, str]] = []
    bad: list[Unreadable] = []
    for p in paths:
        p = Path(p)
        if not p.exists() and not p.is_symlink():
            raise ExportError(f"{p}: no such file or folder")
        if p.is_dir():
            if (p / "scenario.json").is_file() and (p / "exports").is_dir():
                p = p / "exports"
            files, unreadable = _walk(p, suffixes)
            bad += unreadable
            if not files and not unreadable:
                raise ExportError(f"{p}: folder holds no {'/'.join(suffixes)} files")
            found += [(f, f.relative_to(p).as_posix()) for f in files]
        else:
            found.append((p, p.name))
    names = [n for _, n in found]
    dup = sorted({n for n in names if names.count(n) > 1})
    if dup:
        raise ExportError(f"two inputs share the source name {dup[0]}; ingest them separately")
    return sorted(found, key=lambda t: t[1]), bad


def unpack(path: Path, name: str, dest: Path, suffixes: tuple[str, ...]
           ) -> list[tuple[Path, str]]:
    """Unpack the supported members of a zip into ``dest`` (a folder the caller owns).

    Refuses the archive when its declared sizes exceed the bounds, and stops unpacking
    when the bytes actually written do (a header can lie about sizes).
    """
    try:
        zf = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as exc:
        raise ExportError(f"{name}: not a readable zip archive ({exc})") from None
    with zf:
        infos = [i for i in zf.infolist() if not i.is_dir()
                 and Path(i.filename).suffix.lower() in suffixes]
        declared = sum(i.file_size for i in infos)
        packed = sum(i.compress_size for i in infos) or 1
        if len(infos) > MAX_MEMBERS or declared > MAX_UNPACKED or (
                declared > (1 << 20) and declared / packed > MAX_RATIO):
            raise ExportError(f"{name}: archive refused: {len(infos)} members declaring "
                              f"{declared} bytes from {packed} (looks like a zip bomb)")
        out: list[tuple[Path, str]] = []
        written = 0
        for k, info in enumerate(sorted(infos, key=lambda i: i.filename)):
            # Member names are labels only: never used as paths (no ../ escapes).
            target = dest / f"{k:05d}{Path(info.filename).suffix.lower()}"
            try:
                with zf.open(info) as src, open(target, "wb") as dst:
                    while block := src.read(1 << 20):
                        written += len(block)
                        if written > min(MAX_UNPACKED, declared + (1 << 20)):
                            raise ExportError(f"{name}: archive refused: members unpack to "
                                              f"more than the {declared} bytes declared")
                        dst.write(block)
            except (zipfile.BadZipFile, RuntimeError, OSError) as exc:
                raise ExportError(f"{name}: member {info.filename} cannot be read ({exc})"
                                  ) from None
            out.append((target, f"{name}/{info.filename}"))
        return out


def remove_tree(folder: Path) -> None:
    """Remove a temporary folder this process created (and only such)."""
    shutil.rmtree(folder, ignore_errors=True)
