"""Hashes, manifest, ``SHA256SUMS``, a reproducible zip, and verification.

A pack folder holds its files, ``manifest.json`` (what made the pack and the SHA-256 of
every other file) and ``SHA256SUMS`` (the SHA-256 of every file including the manifest, in
the format ``sha256sum -c`` reads). The zip holds the folder under its own name, entries in
name order, every timestamp fixed, so the same folder always gives the same zip.

:func:`ringgraph.evidence.verify.verify_pack` re-checks a folder or a zip: every file
listed with the right hash, nothing missing, nothing added, and the manifest's hashes
agreeing with ``SHA256SUMS``. Integrity against a careless or naive change only: whoever can rewrite the files can
rewrite the hashes too, so the **pack fingerprint** (SHA-256 of ``SHA256SUMS``) is printed
on export, to be written on the hand-over form or sent separately.
"""

from __future__ import annotations

import hashlib
import json
import re
import shutil
import subprocess
import zipfile
from functools import lru_cache
from pathlib import Path

from ringgraph.core.atomic import atomic_write, write_text

FORMAT = "ringgraph-evidence-pack"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
SUMS = "SHA256SUMS"
MANIFEST_DESCRIPTIONS = {
    MANIFEST: "清单：工具、数据快照、检测参数、文件哈希 manifest",
    SUMS: "文件哈希 file hashes (sha256sum -c)",
}
ZIP_DATE = (1980, 1, 1, 0, 0, 0)  # the earliest date a zip can hold: fixed for every entry
_SUM_LINE = re.compile(r"^([0-9a-f]{64}) [ *](.+)$")


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


@lru_cache(maxsize=1)
def git_commit() -> tuple[str | None, bool | None]:
    """``(commit, dirty)`` of the git checkout ringgraph runs from, or ``(None, None)``.

    Read once per process: the code that runs is the code imported at start, and every pack
    a process writes must name the same version (a commit made meanwhile by someone else
    must not make two exports of one session differ).
    """
    root = Path(__file__).resolve().parents[2]
    if not (root / ".git").exists():
        return None, None
    try:
        commit = subprocess.run(["git", "-C", str(root), "rev-parse", "HEAD"],
                                capture_output=True, text=True, timeout=10, check=True
                                ).stdout.strip()
        status = subprocess.run(["git", "-C", str(root), "status", "--porcelain",
                                 "--untracked-files=no", "--", "ringgraph", "etl"],
                                capture_output=True, text=True, timeout=20, check=True
                                ).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return None, None
    return commit or None, bool(status)


def sums_text(hashes: dict[str, str]) -> str:
    """``SHA256SUMS`` content: ``<hex>  <name>`` per file, sorted by name."""
    return "".join(f"{h}  {name}\n" for name, h in sorted(hashes.items()))


def write_manifest(folder: Path, manifest: dict, names: list[str] | None = None
                   ) -> tuple[str, str]:
    """Hash the pack's files of ``folder`` (``names``; default every file but the manifest
    and ``SHA256SUMS``), write ``manifest.json`` (with those hashes) and ``SHA256SUMS``
    atomically; returns ``(pack fingerprint, generated_at)``."""
    if names is None:
        names = [p.name for p in folder.iterdir() if p.is_file()]
    files = {}
    for name in sorted(set(names) - {MANIFEST, SUMS}):
        p = folder / name
        files[name] = {"sha256": sha256_file(p), "bytes": p.stat().st_size}
    manifest = dict(manifest, files=files)
    write_text(folder / MANIFEST, json.dumps(manifest, ensure_ascii=False, indent=1,
                                             sort_keys=True) + "\n")
    hashes = {name: f["sha256"] for name, f in files.items()}
    hashes[MANIFEST] = sha256_file(folder / MANIFEST)
    text = sums_text(hashes)
    write_text(folder / SUMS, text)
    return sha256_bytes(text.encode("utf-8")), manifest.get("generated_at", "")


def listed_files(folder: Path) -> list[str] | None:
    """The files ``SHA256SUMS`` of a pack folder lists (the pack's own files, manifest
    included, SHA256SUMS itself added; plain file names only), or ``None`` when there is no
    readable list."""
    try:
        text = (folder / SUMS).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None
    names = [mt.group(2) for mt in map(_SUM_LINE.match, text.splitlines()) if mt]
    # Only plain names of files in the folder: a doctored list naming "../x" or "a/b" must
    # never make a re-export replace or remove anything outside the pack's own files.
    plain = {n for n in names if n not in ("", ".", "..") and "/" not in n and "\\" not in n}
    return sorted(plain | {SUMS})


def write_zip(folder: Path, zip_path: Path, names: list[str] | None = None) -> Path:
    """Zip the pack's files of ``folder`` reproducibly: entries ``<folder name>/<file>`` in
    name order, fixed timestamps and permissions, deflate level 9. Only ``names`` (default:
    the files ``SHA256SUMS`` lists) go in: an analyst's own files in the folder never do.
    Written atomically."""
    if names is None:
        names = listed_files(folder) or sorted(p.name for p in folder.iterdir() if p.is_file())
    with atomic_write(zip_path, "wb") as fh:
        with zipfile.ZipFile(fh, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as z:
            for name in sorted(names):
                info = zipfile.ZipInfo(f"{folder.name}/{name}", date_time=ZIP_DATE)
                info.compress_type = zipfile.ZIP_DEFLATED
                info.external_attr = 0o100644 << 16
                info.create_system = 3  # Unix, whatever machine made it
                info.file_size = (folder / name).stat().st_size
                with open(folder / name, "rb") as src, z.open(info, "w") as dst:
                    shutil.copyfileobj(src, dst, 1 << 20)
    return zip_path
