"""Atomic writes with real file systems: a full disk (/dev/full), a file size limit
(RLIMIT_FSIZE in a subprocess: writes fail with EFBIG, no root needed) and a read-only folder
leave the previous file whole and give one line naming the cause and the path."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from conftest import ticket, write_tickets
from ringgraph.core.atomic import atomic_write, write_json, write_many, write_text
from ringgraph.core.errors import OutputError

ROOT = Path(__file__).resolve().parents[1]


def _run_limited(code: str, limit: int, cwd: Path) -> subprocess.CompletedProcess:
    """Run ``code`` in a fresh Python whose writes fail beyond ``limit`` bytes per file."""
    prelude = textwrap.dedent(f"""
        import resource, signal, sys
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # EFBIG instead of being killed
        resource.setrlimit(resource.RLIMIT_FSIZE, ({limit}, {limit}))
        sys.path.insert(0, {str(ROOT)!r}); sys.path.insert(0, {str(ROOT / 'tests')!r})
    """)
    return subprocess.run([sys.executable, "-c", prelude + textwrap.dedent(code)], cwd=cwd,
                          capture_output=True, text=True, timeout=300)


def test_write_replaces_whole_file_and_leaves_no_temp(tmp_path):
    p = tmp_path / "a.json"
    write_json(p, {"b": 1, "a": "甲"})
    assert json.loads(p.read_text(encoding="utf-8")) == {"a": "甲", "b": 1}
    write_text(p, "new")
    assert p.read_text() == "new" and [x.name for x in tmp_path.iterdir()] == ["a.json"]
    assert (p.stat().st_mode & 0o777) == 0o666 & ~_umask()


def _umask() -> int:
    m = os.umask(0)
    os.umask(m)
    return m


def test_failure_inside_the_block_keeps_the_old_file(tmp_path):
    p = tmp_path / "rings.csv"
    p.write_text("old,complete\n")
    with pytest.raises(RuntimeError):
        with atomic_write(p, "w") as fh:
            fh.write("new,half")
            raise RuntimeError("crash mid-write")
    assert p.read_text() == "old,complete\n" and len(list(tmp_path.iterdir())) == 1


def test_dev_full_gives_enospc_naming_the_path():
    # /dev/full fails every write with ENOSPC: the error a full disk gives, worded.
    if not os.path.exists("/dev/full"):
        pytest.skip("no /dev/full on this system")
    from ringgraph.core.atomic import output_error

    fd = os.open("/dev/full", os.O_WRONLY)
    try:
        with pytest.raises(OSError) as raw:
            os.write(fd, b"x" * 10)
    finally:
        os.close(fd)
    err = output_error(raw.value, "/dev/full")
    assert isinstance(err, OutputError)
    assert str(err) == "cannot write /dev/full: no space left on device (ENOSPC)"


def test_read_only_folder_is_one_line(tmp_path):
    if os.geteuid() == 0:
        pytest.skip("root ignores folder permissions")
    d = tmp_path / "ro"
    d.mkdir()
    d.chmod(0o555)
    try:
        with pytest.raises(OutputError, match=r"cannot write .*ro/x.txt: permission denied"):
            write_text(d / "x.txt", "x")
    finally:
        d.chmod(0o755)


def test_group_write_is_all_or_nothing_under_a_size_limit(tmp_path):
    (tmp_path / "rings.csv").write_text("old csv\n")
    (tmp_path / "rings.json").write_text("old json\n")
    r = _run_limited("""
        from ringgraph.core.atomic import write_many
        from ringgraph.core.errors import OutputError
        try:
            write_many({"rings.csv": b"c" * 100, "rings.json": b"j" * 5000})
        except OutputError as exc:
            print(exc)
    """, 1000, tmp_path)
    assert r.stdout.strip().startswith("cannot write rings.json: file too large"), r
    assert "(EFBIG)" in r.stdout
    assert (tmp_path / "rings.csv").read_text() == "old csv\n"  # not the new, smaller one
    assert (tmp_path / "rings.json").read_text() == "old json\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["rings.csv", "rings.json"]


def test_detect_on_a_full_disk_keeps_the_previous_results(tmp_path, tiny_exports):
    """The issue's case: detect writing rings.csv on a full disk. The earlier pair stays
    whole and the CLI prints one line naming the cause and the file, exit 1."""
    from ringgraph.cli import main

    db = tmp_path / "g.duckdb"
    write_tickets(tiny_exports / "b.csv", [ticket(i) for i in range(20, 60)])
    assert main(["ingest", str(tiny_exports), "--db", str(db)]) == 0
    out = tmp_path / "results"
    assert main(["detect", "--db", str(db), "--out", str(out)]) == 0
    new_json = (out / "rings.json").read_bytes()
    (out / "rings.json").write_bytes(new_json + b" " * 600)  # an earlier, longer run
    (out / "rings.csv").write_bytes(b"complaint_id,ring_id,score\nT00001,RG0001,0.9000\n")
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    limit = len(new_json) - 100  # rings.csv fits, the new rings.json cannot
    r = _run_limited(f"""
        from ringgraph.cli import main
        sys.exit(main(["detect", "--db", {str(db)!r}, "--out", {str(out)!r}]))
    """, limit, tmp_path)
    err = [l for l in r.stderr.splitlines() if l.strip()]
    assert r.returncode == 1, r.stderr
    assert err[-1].startswith("ringgraph: error: cannot write ") and "(EFBIG)" in err[-1]
    assert "Traceback" not in r.stderr
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before


def test_ingest_on_a_full_disk_names_the_cause(tmp_path, tiny_exports):
    """DuckDB fails to grow its file: the message says so, not 'cannot rollback'."""
    write_tickets(tiny_exports / "b.csv", [ticket(i, text="长文本" * 200)
                                           for i in range(20, 2000)])
    db = tmp_path / "g.duckdb"
    r = _run_limited(f"""
        from ringgraph.cli import main
        sys.exit(main(["ingest", {str(tiny_exports)!r}, "--db", {str(db)!r}]))
    """, 600_000, tmp_path)
    last = [l for l in r.stderr.splitlines() if l.strip()][-1]
    assert r.returncode == 1, r.stderr
    assert "cannot rollback" not in r.stderr and "Traceback" not in r.stderr
    assert last.startswith("ringgraph: error: cannot write") and (
        "file too large" in last or "no space left" in last), last
