"""Verification of a pack folder or zip that survives hostile input.

:func:`verify_pack` re-checks every hash: every file listed in ``SHA256SUMS`` present with
the right hash, nothing added, the manifest agreeing with ``SHA256SUMS``. It never extracts
anything and never holds a member in memory: members are hashed in 1 MiB chunks straight
from the zip. Before reading anything it refuses, one line each,

- a member not listed in ``SHA256SUMS`` (never read),
- an absolute path or one with ``..`` (reported as such, never as "missing"),
- a symbolic link, a member outside the pack's folder, a name present twice,
- a member whose declared size, or whose size as read, takes the pack over the size bound
  (default 2 GB per pack; ``max_bytes`` raises it).

So a small zip that inflates to gigabytes costs neither memory nor time: its declared sizes
are refused up front, and a member that lies about its size is cut off where it lied
(zipfile reads no more than the declared size, then the CRC check fails).
"""

from __future__ import annotations

import hashlib
import json
import stat
import zipfile
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Callable

from ringgraph.evidence.manifest import FORMAT, MANIFEST, SUMS, _SUM_LINE, sha256_bytes

DEFAULT_MAX_BYTES = 2 * 1000 ** 3  # per pack; real packs are a few MB
_CHUNK = 1 << 20
_SMALL = 16 << 20  # SHA256SUMS and manifest.json are read whole: bounded far lower


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
        One line each; empty when ``ok``.
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


@dataclass
class _Member:
    """One file of the pack as found: its name inside the pack, declared size, how to open
    it, or why it is refused without being read."""

    name: str
    size: int = 0
    opener: Callable[[], IO[bytes]] | None = None
    refused: str = ""


class _Unreadable(Exception):
    """The zip itself is damaged (its directory cannot be read)."""


def _unsafe(name: str) -> bool:
    parts = name.replace("\\", "/").split("/")
    return name.startswith(("/", "\\")) or (len(name) > 1 and name[1] == ":") or ".." in parts


def _zip_members(z: zipfile.ZipFile) -> list[_Member]:
    infos = [i for i in z.infolist()]
    safe = [i for i in infos if not _unsafe(i.filename)]
    # The pack's folder: where SHA256SUMS sits, else the most common top folder.
    tops = [i.filename.split("/", 1)[0] for i in safe if i.filename.count("/") == 1
            and i.filename.endswith("/" + SUMS)]
    top = tops[0] if len(tops) == 1 else (Counter(i.filename.split("/", 1)[0] for i in safe)
                                           .most_common(1) or [("", 0)])[0][0]
    out, seen = [], set()
    for info in infos:
        name = info.filename
        if name in seen:
            # Which copy an unzip tool keeps differs between tools: refuse both readings.
            out.append(_Member(name, refused="duplicate entry, refused"))
            continue
        seen.add(name)
        if _unsafe(name):
            out.append(_Member(name, refused="absolute or '..' path, refused (never extracted)"))
            continue
        if info.is_dir():
            continue
        if stat.S_ISLNK(info.external_attr >> 16):
            out.append(_Member(name, refused="symbolic link, refused"))
            continue
        parts = name.split("/")
        if len(parts) != 2 or parts[0] != top:
            out.append(_Member(name, refused=f"outside the pack folder {top}/, refused"))
            continue
        out.append(_Member(parts[1], info.file_size, lambda info=info: z.open(info)))
    return out


def _folder_members(folder: Path) -> list[_Member]:
    out = []
    for p in sorted(folder.iterdir()):
        if p.is_symlink():
            out.append(_Member(p.name, refused="symbolic link, refused"))
        elif p.is_dir():
            out.append(_Member(p.name + "/", refused=""))
        else:
            try:
                size = p.stat().st_size
            except OSError:
                size = 0
            out.append(_Member(p.name, size, lambda p=p: open(p, "rb")))
    return out


def _hash(member: _Member, budget: int) -> tuple[str | None, int, str]:
    """``(sha256, bytes read, problem)``: streams the member in chunks, stops once more
    than ``budget`` bytes (or more than the declared size) come out."""
    h, n = hashlib.sha256(), 0
    limit = min(budget, member.size)
    try:
        with member.opener() as fh:
            while chunk := fh.read(_CHUNK):
                n += len(chunk)
                if n > limit:
                    what = "the size bound" if n > budget else f"its declared {member.size} bytes"
                    return None, n, f"actual size exceeds {what}, refused"
                h.update(chunk)
    except OSError as exc:
        return None, n, f"unreadable ({exc.strerror or type(exc).__name__})"
    except (zipfile.BadZipFile, EOFError, ValueError) as exc:
        # zipfile checks each entry's CRC-32 while reading it.
        return None, n, f"corrupted zip entry ({exc})"
    except Exception as exc:  # noqa: BLE001 - zlib errors and the like
        return None, n, f"corrupted zip entry ({type(exc).__name__})"
    return h.hexdigest(), n, ""


def _read_small(member: _Member) -> bytes | str:
    """The whole content of SHA256SUMS or manifest.json, or the problem reading it."""
    if member.refused:
        return member.refused
    if member.size > _SMALL:
        return f"declared size {member.size} bytes is not that of a {member.name}, refused"
    chunks, n = [], 0
    try:
        with member.opener() as fh:
            while chunk := fh.read(_CHUNK):
                n += len(chunk)
                if n > min(_SMALL, member.size):
                    return "larger than declared, refused"
                chunks.append(chunk)
    except (OSError, zipfile.BadZipFile, EOFError, ValueError) as exc:
        return f"unreadable ({exc})"
    except Exception as exc:  # noqa: BLE001 - zlib errors and the like
        return f"corrupted zip entry ({type(exc).__name__})"
    return b"".join(chunks)


def _parse_sums(data: bytes, res: VerifyResult) -> dict[str, str]:
    listed: dict[str, str] = {}
    for i, line in enumerate(data.decode("utf-8", "replace").splitlines(), start=1):
        mt = _SUM_LINE.match(line)
        if not mt:
            res.problems.append(f"{SUMS}: line {i} is not '<sha256>  <file>'")
            continue
        listed[mt.group(2)] = mt.group(1)
    return listed


def _check_members(members: dict[str, _Member], listed: dict[str, str], res: VerifyResult,
                   max_bytes: int) -> None:
    """Hash every listed member within the size bound; one line per problem."""
    used = 0
    for name in sorted(listed):
        mem = members.get(name)
        if mem is None:
            res.problems.append(f"{name}: missing (listed in {SUMS})")
            continue
        if mem.refused:
            continue  # reported with the refusals
        if mem.opener is None:
            res.problems.append(f"{name}: is a folder, not a file")
            continue
        if used + mem.size > max_bytes:
            res.problems.append(f"{name}: declared size {mem.size} bytes exceeds the bound of "
                                f"{max_bytes} bytes per pack, refused (not read)")
            continue
        got, n, problem = _hash(mem, max_bytes - used)
        used += n
        if problem:
            res.problems.append(f"{name}: {problem}")
            continue
        res.checked += 1
        if got != listed[name]:
            res.problems.append(f"{name}: SHA-256 mismatch (expected {listed[name][:16]}…, "
                                f"got {got[:16]}…)")


def _check_manifest(man: bytes | str | None, listed: dict[str, str], res: VerifyResult) -> None:
    if man is None:
        if MANIFEST not in listed:
            res.problems.append(f"{MANIFEST}: missing")
        return
    if isinstance(man, str):
        return  # already reported (refused or unreadable)
    try:
        manifest = json.loads(man.decode("utf-8"))
        res.ring_id = str(manifest.get("case", {}).get("ring_id", ""))
        res.pii_mode = str(manifest.get("pii", {}).get("mode", ""))
        res.generated_at = str(manifest.get("generated_at", ""))
        if manifest.get("format") != FORMAT:
            res.problems.append(f"{MANIFEST}: not a ringgraph evidence pack manifest")
        files = manifest.get("files") or {}
        for name, f in sorted(files.items()):
            if listed.get(name) != f.get("sha256"):
                res.problems.append(f"{MANIFEST}: hash of {name} disagrees with {SUMS}")
        for name in sorted(set(listed) - set(files) - {MANIFEST}):
            res.problems.append(f"{MANIFEST}: {name} is not listed")
    except (ValueError, AttributeError, TypeError):
        res.problems.append(f"{MANIFEST}: not valid JSON")


def _verify_members(found: list[_Member], res: VerifyResult, max_bytes: int) -> None:
    members = {m.name: m for m in found if not m.refused or m.name in (SUMS, MANIFEST)}
    refusals = [m for m in found if m.refused and m.name not in (SUMS, MANIFEST)]
    dup = {m.name.split("/", 1)[-1] for m in refusals if m.refused.startswith("duplicate")}
    for name in dup & set(members):  # neither copy is hashed; the refusal is the report
        members[name] = _Member(name, refused="duplicate entry, refused")
    sums = members.get(SUMS)
    if sums is None:
        res.problems.append(f"{SUMS}: missing")
    else:
        data = _read_small(sums)
        if isinstance(data, str):
            res.problems.append(f"{SUMS}: {data}")
            sums = None
        else:
            res.fingerprint = sha256_bytes(data)
    if sums is None:
        res.problems += [f"{m.name}: {m.refused}" for m in refusals]
        return
    listed = _parse_sums(data, res)
    _check_members(members, listed, res, max_bytes)
    for m in sorted(refusals, key=lambda m: m.name):
        res.problems.append(f"{m.name}: {m.refused}")
    for name in sorted(set(members) - set(listed) - {SUMS}):
        res.problems.append(f"{name}: not listed in {SUMS} (added after export?), not read")
    man = members.get(MANIFEST)
    if man is not None and MANIFEST in listed:
        man_data = _read_small(man)
        if isinstance(man_data, str) and not man.refused:
            res.problems.append(f"{MANIFEST}: {man_data}")
        _check_manifest(man_data, listed, res)
    else:
        _check_manifest(None, listed, res)


def verify_pack(path: str | Path, max_bytes: int = DEFAULT_MAX_BYTES) -> VerifyResult:
    """Re-check every hash of a pack folder or zip, streaming, within a size bound.

    Parameters
    ----------
    path : str or Path
        The case folder or its zip.
    max_bytes : int
        Bound on the bytes of all listed members together (declared and as read); default
        2 GB.

    Returns
    -------
    VerifyResult
        ``ok`` false with one line per problem (the first is what ``ringgraph verify``
        reports): a file missing, changed (hash mismatch), added, unreadable, refused
        (unsafe path, symbolic link, over the size bound), or the manifest disagreeing with
        ``SHA256SUMS``.

    Raises
    ------
    EvidenceError
        ``path`` is neither a folder nor a zip.
    """
    p = Path(path)
    if not p.exists():
        raise _evidence_error(f"{p}: no such folder or file")
    res = VerifyResult(ok=False, path=str(p))
    if p.is_dir():
        _verify_members(_folder_members(p), res, max_bytes)
    else:
        if not zipfile.is_zipfile(p):
            raise _evidence_error(f"{p}: not a folder or a zip file")
        try:
            z = zipfile.ZipFile(p)
        except (zipfile.BadZipFile, OSError, ValueError) as exc:
            res.problems.append(f"{p.name}: unreadable zip ({exc})")
            return res
        with z:
            _verify_members(_zip_members(z), res, max_bytes)
    res.ok = not res.problems
    return res


def _evidence_error(message: str) -> Exception:
    # Imported only when raised: the PII modes pull in pandas, which verifying never needs.
    from ringgraph.evidence.pii_modes import EvidenceError

    return EvidenceError(message)


def parse_size(text: str) -> int:
    """``"2G"``, ``"500M"``, ``"64k"`` or plain bytes → bytes (powers of 1000).

    >>> parse_size("2G"), parse_size("1500")
    (2000000000, 1500)
    """
    t = str(text).strip().upper().removesuffix("B")
    mult = {"K": 1000, "M": 1000 ** 2, "G": 1000 ** 3, "T": 1000 ** 4}.get(t[-1:], 1)
    num = t[:-1] if mult > 1 else t
    try:
        value = float(num)
    except ValueError:
        raise ValueError(f"not a size: {text!r} (e.g. 2G, 500M, 1000000)") from None
    if value <= 0:
        raise ValueError(f"not a size: {text!r} (must be positive)")
    return int(value * mult)


__all__ = ["verify_pack", "VerifyResult", "DEFAULT_MAX_BYTES", "parse_size"]
