"""``ringgraph verify`` on zip bombs: time and peak memory of the verifying process.

    python benchmarks/bench_verify.py --gb 5 --work /tmp/bench-verify

Builds (once, kept in ``--work``) pack-shaped zips whose listed member inflates to ``--gb``
GB of zeros from a few MB on disk:

- ``honest.zip``: the member declares its true size;
- ``liar.zip``: the same zip with the declared size rewritten to 1 kB (the central
  directory lies; only the decompressed stream knows the truth);
- ``unlisted.zip``: the member is not listed in SHA256SUMS;
- ``raised``: ``honest.zip`` with ``--max-size 10G``, so the 5 GiB are inflated and hashed
  (streamed): the memory figure of a verify that reads everything.

Then runs ``ringgraph verify`` on each in a child process and prints exit code, wall time
and the child's peak RSS (``ru_maxrss``). Target: exit 1 in under 5 s, peak under 200 MB.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import resource
import subprocess
import sys
import time
import zipfile
from pathlib import Path

BLOCK = b"\0" * (1 << 20)


def build(path: Path, gib: float, listed: bool = True) -> Path:
    """A zip ``bomb/`` with ``big.bin`` (``gib`` × 2**30 zeros) and a SHA256SUMS."""
    if path.exists():
        return path
    tmp = path.with_suffix(".part")
    blocks = int(gib * 1024)
    with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        info = zipfile.ZipInfo("bomb/big.bin")
        info.compress_type = zipfile.ZIP_DEFLATED
        with z.open(info, "w", force_zip64=True) as fh:
            for _ in range(blocks):
                fh.write(BLOCK)
        # The listed hash is not that of big.bin (hashing 5 GB here would double the build
        # time); a verifier that reads the member would report a mismatch, not a refusal.
        name = "big.bin" if listed else "other.bin"
        z.writestr("bomb/SHA256SUMS", f"{hashlib.sha256(b'x').hexdigest()}  {name}\n")
    tmp.rename(path)
    return path


def liar(src: Path, path: Path, declared: int = 1000) -> Path:
    """``src`` with big.bin's declared size in the zip64 extra field set to ``declared``."""
    if path.exists():
        return path
    data = bytearray(src.read_bytes())
    cd = data.index(b"PK\x01\x02\x2d")  # central directory entry (made by zip64 version 45)
    name_len = int.from_bytes(data[cd + 28:cd + 30], "little")
    extra = cd + 46 + name_len
    assert data[cd + 46:extra] == b"bomb/big.bin" and data[extra:extra + 2] == b"\x01\x00"
    data[extra + 4:extra + 12] = declared.to_bytes(8, "little")
    path.write_bytes(bytes(data))
    return path


def run_verify(path: Path, *extra: str) -> tuple[int, float, float, str]:
    """``(exit code, wall seconds, peak RSS MB, last stderr line)`` of ``ringgraph verify``."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    t0 = time.perf_counter()
    # Through main() as the console script does (``python -m ringgraph.cli`` trips the
    # CLI's import cycle that the CLI package restructuring removes).
    code = ("import sys; from ringgraph.cli import main; "
            f"sys.exit(main(['verify', {str(path)!r}, *{list(extra)!r}]))")
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                       timeout=600)
    wall = time.perf_counter() - t0
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    # ru_maxrss of children is the largest child so far: run the smallest first or read it
    # from a fresh process each time (main() below does).
    last = (r.stderr.strip().splitlines() or [""])[-1]
    return r.returncode, wall, max(peak, before) / 1024, last


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--gb", type=float, default=5.0, help="inflated size in GiB")
    ap.add_argument("--work", type=Path, default=Path("/tmp/bench-verify"))
    ap.add_argument("--only", default=None, help="run one case (child mode)")
    args = ap.parse_args()
    args.work.mkdir(parents=True, exist_ok=True)
    t0 = time.perf_counter()
    honest = build(args.work / f"honest-{args.gb:g}g.zip", args.gb)
    cases = {"honest": honest,
             "liar": liar(honest, args.work / f"liar-{args.gb:g}g.zip"),
             "unlisted": build(args.work / f"unlisted-{args.gb:g}g.zip", args.gb, listed=False),
             "raised": honest}
    if not args.only:
        print(f"built in {time.perf_counter() - t0:.1f}s: " + ", ".join(
            f"{k} {p.stat().st_size / 1e6:.2f} MB" for k, p in cases.items()), flush=True)
    if args.only:
        cases = {args.only: cases[args.only]}
    for name, path in cases.items():
        if not args.only and len(cases) > 1:
            # A fresh parent per case so ru_maxrss of children is this case's own.
            subprocess.run([sys.executable, __file__, "--gb", str(args.gb), "--work",
                            str(args.work), "--only", name], check=True,
                           env=dict(os.environ))
            continue
        code, wall, peak, last = run_verify(path, *(["--max-size", "10G"]
                                                     if name == "raised" else []))
        print(f"{name}: {path.stat().st_size / 1e6:.2f} MB zip → {args.gb:g} GiB; exit {code}; "
              f"{wall:.2f} s; peak RSS {peak:.0f} MB; {last}", flush=True)


if __name__ == "__main__":
    main()
