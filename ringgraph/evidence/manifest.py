"""Hashes, manifest, ``SHA256SUMS``, a reproducible zip, and verification.

A pack folder holds its files, ``manifest.json`` (what made the pack and the SHA-256 of
every other file) and ``SHA256SUMS`` (the SHA-256 of every file including the manifest, in
the format ``sha256sum -c`` reads). The zip holds the folder under its own name, entries in
name order, every timestamp fixed, so the same folder always gives the same zip.

:func:`verify_pack` re-checks a folder or a zip: every file listed with the right hash,
nothing missing, nothing added, and the manifest's hashes agreeing with ``SHA256SUMS``.
Integrity against a careless or naive change only: whoever can rewrite the files can
rewrite the hashes too, so the **pack fingerprint** (SHA-256 of ``SHA256SUMS``) is printed
on export, to be written on the hand-over form or sent separately.
"""

from __future__ import annotations

import hashlib
import json
import re
import subprocess
import zipfile
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from ringgraph.evidence.pii_modes import EvidenceError

FORMAT = "ringgraph-evidence-pack"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
SUMS = "SHA256SUMS"
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


def write_manifest(folder: Path, manifest: dict) -> tuple[str, str]:
    """Hash every file of ``folder``, write ``manifest.json`` (with those hashes) and
    ``SHA256SUMS``; returns ``(pack fingerprint, generated_at)``."""
    files = {}
    for p in sorted(folder.iterdir()):
        if p.is_file() and p.name not in (MANIFEST, SUMS):
            files[p.name] = {"sha256": sha256_file(p), "bytes": p.stat().st_size}
    manifest = dict(manifest, files=files)
    (folder / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=1,
                                              sort_keys=True) + "\n", encoding="utf-8")
    hashes = {name: f["sha256"] for name, f in files.items()}
    hashes[MANIFEST] = sha256_file(folder / MANIFEST)
    text = sums_text(hashes)
    (folder / SUMS).write_text(text, encoding="utf-8")
    return sha256_bytes(text.encode("utf-8")), manifest.get("generated_at", "")


def write_zip(folder: Path, zip_path: Path) -> Path:
    """Zip ``folder`` reproducibly: entries ``<folder name>/<file>`` in name order, fixed
    timestamps and permissions, deflate level 9."""
    tmp = zip_path.with_name(zip_path.name + ".part")
    with zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        for p in sorted(folder.iterdir(), key=lambda x: x.name):
            if not p.is_file():
                continue
            info = zipfile.ZipInfo(f"{folder.name}/{p.name}", date_time=ZIP_DATE)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o100644 << 16
            info.create_system = 3  # Unix, whatever machine made it
            z.writestr(info, p.read_bytes(), compresslevel=9)
    tmp.replace(zip_path)
    return zip_path


@dataclass
class VerifyResult:
    """Outcome of :func:`verify_pack`.

    Attributes
    ----------
    ok : bool
        Every file present with its recorded hash, nothing extra.
    path : str
    checked : int
        Files whose hash was checked.
    problems : list of str
        One line each, in file-name order; empty when ``ok``.
    fingerprint : str
        SHA-256 of ``SHA256SUMS`` (compare with the one recorded at hand-over).
    ring_id, pii_mode, generated_at : str
        From the manifest (empty when it cannot be read).
    """

    ok: bool
    path: str
    checked: int = 0
    problems: list[str] = field(default_factory=list)
    fingerprint: str = ""
    ring_id: str = ""
    pii_mode: str = ""
    generated_at: str = ""

    @property
    def first_problem(self) -> str | None:
        return self.problems[0] if self.problems else None

    def __bool__(self) -> bool:
        return self.ok


class _Unreadable(Exception):
    """The zip itself is damaged (its directory cannot be read)."""


def _read_pack(path: Path) -> dict[str, bytes | Exception]:
    """File name → bytes (or the error reading it) of a pack folder or zip."""
    if path.is_dir():
        out: dict[str, bytes | Exception] = {}
        for p in sorted(path.iterdir()):
            if p.is_dir():
                out[p.name + "/"] = b""
            else:
                try:
                    out[p.name] = p.read_bytes()
                except OSError as exc:
                    out[p.name] = exc
        return out
    if not zipfile.is_zipfile(path):
        raise EvidenceError(f"{path}: not a folder or a zip file")
    out = {}
    try:
        z = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise _Unreadable(f"{path.name}: unreadable zip ({exc})") from None
    with z:
        tops = {n.split("/", 1)[0] for n in z.namelist()}
        for info in z.infolist():
            name = info.filename
            parts = name.split("/")
            if info.is_dir():
                continue
            # Entries are read, never extracted: a name with ".." cannot write anywhere,
            # but it is still not one of ours.
            if len(tops) != 1 or len(parts) != 2 or name.startswith("/") or ".." in parts:
                out[name] = EvidenceError("unexpected entry in the zip")
                continue
            try:
                out[parts[1]] = z.read(info)
            except (zipfile.BadZipFile, OSError, EOFError, ValueError) as exc:
                # zipfile checks each entry's CRC-32 while reading it.
                out[parts[1]] = EvidenceError(f"corrupted zip entry ({exc})")
            except Exception as exc:  # noqa: BLE001 - zlib errors and the like
                out[parts[1]] = EvidenceError(f"corrupted zip entry ({type(exc).__name__})")
    return out


def verify_pack(path: str | Path) -> VerifyResult:
    """Re-check every hash of a pack folder or zip.

    Parameters
    ----------
    path : str or Path
        The case folder or its zip.

    Returns
    -------
    VerifyResult
        ``ok`` false with one line per problem (the first is what ``ringgraph verify``
        reports): a file missing, changed (hash mismatch), added, unreadable, or the
        manifest disagreeing with ``SHA256SUMS``.

    Raises
    ------
    EvidenceError
        ``path`` is neither a folder nor a zip.
    """
    p = Path(path)
    if not p.exists():
        raise EvidenceError(f"{p}: no such folder or file")
    res = VerifyResult(ok=False, path=str(p))
    try:
        files = _read_pack(p)
    except _Unreadable as exc:
        res.problems.append(str(exc))
        return res
    sums = files.get(SUMS)
    if not isinstance(sums, bytes):
        res.problems.append(f"{SUMS}: missing" if sums is None else f"{SUMS}: {sums}")
        return res
    res.fingerprint = sha256_bytes(sums)
    listed: dict[str, str] = {}
    for i, line in enumerate(sums.decode("utf-8", "replace").splitlines(), start=1):
        mt = _SUM_LINE.match(line)
        if not mt:
            res.problems.append(f"{SUMS}: line {i} is not '<sha256>  <file>'")
            continue
        listed[mt.group(2)] = mt.group(1)
    for name in sorted(listed):
        data = files.get(name)
        if data is None:
            res.problems.append(f"{name}: missing (listed in {SUMS})")
            continue
        if isinstance(data, Exception):
            res.problems.append(f"{name}: {data}")
            continue
        got = sha256_bytes(data)
        res.checked += 1
        if got != listed[name]:
            res.problems.append(f"{name}: SHA-256 mismatch (expected {listed[name][:16]}…, "
                                f"got {got[:16]}…)")
    for name in sorted(set(files) - set(listed) - {SUMS}):
        res.problems.append(f"{name}: not listed in {SUMS} (added after export?)")
    man = files.get(MANIFEST)
    if isinstance(man, bytes):
        try:
            manifest = json.loads(man.decode("utf-8"))
            res.ring_id = str(manifest.get("case", {}).get("ring_id", ""))
            res.pii_mode = str(manifest.get("pii", {}).get("mode", ""))
            res.generated_at = str(manifest.get("generated_at", ""))
            if manifest.get("format") != FORMAT:
                res.problems.append(f"{MANIFEST}: not a ringgraph evidence pack manifest")
            for name, f in sorted((manifest.get("files") or {}).items()):
                if listed.get(name) != f.get("sha256"):
                    res.problems.append(f"{MANIFEST}: hash of {name} disagrees with {SUMS}")
            for name in sorted(set(listed) - set(manifest.get("files") or {}) - {MANIFEST}):
                res.problems.append(f"{MANIFEST}: {name} is not listed")
        except (ValueError, AttributeError, TypeError):
            res.problems.append(f"{MANIFEST}: not valid JSON")
    elif MANIFEST not in listed:
        res.problems.append(f"{MANIFEST}: missing")
    res.ok = not res.problems
    return res
