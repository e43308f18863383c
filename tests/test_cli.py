"""CLI exit codes and one-line messages for bad arguments and missing files."""

import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ticket, write_tickets
from ringgraph.cli import main


def run(capsys, *args):
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def one_line(err: str) -> str:
    lines = [l for l in err.splitlines() if l.strip()]
    assert len(lines) == 1, err
    assert "Traceback" not in err
    return lines[0]


def test_help_and_version(capsys):
    code, out, _ = run(capsys, "--help")
    assert code == 0 and "simulate" in out and "ingest" in out and "detect" in out
    code, out, _ = run(capsys, "--version")
    assert code == 0 and "version" in out


@pytest.mark.parametrize("args,needle,code", [
    (["ingest", "/no/such/folder"], "/no/such/folder: no such file or folder", 1),
    (["detect", "--db", "/no/such/store.duckdb"], "run `ringgraph ingest` first", 1),
    (["detect", "--db", "x.duckdb", "--detector", "nope"], "unknown detector 'nope'", 1),
    (["simulate", "--complaints", "5", "--out", "x"], "--complaints", 2),
    (["simulate"], "--out", 2),
    (["evaluate", "--truth", "/no/truth", "--rings", "/no/rings.csv"], "/no/rings.csv", 1),
    (["frobnicate"], "No such command", 2),
])
def test_bad_arguments_give_one_line(capsys, args, needle, code):
    got, _, err = run(capsys, *args)
    assert got == code
    assert needle in one_line(err)


def test_unreadable_only_file_fails_nonzero(capsys, tmp_path):
    (tmp_path / "bad.csv").write_bytes(b"\x00\x01binary")
    code, _, err = run(capsys, "ingest", str(tmp_path / "bad.csv"), "--db",
                       str(tmp_path / "g.duckdb"))
    assert code == 1 and "bad.csv" in err and "Traceback" not in err


def test_missing_required_header_names_file_and_field(capsys, tmp_path):
    p = tmp_path / "x.csv"
    p.write_text("姓名,电话\n张三,138\n", encoding="utf-8")
    code, _, err = run(capsys, "ingest", str(p), "--db", str(tmp_path / "g.duckdb"))
    assert code == 1 and "x.csv" in err and "complaint_id" in err


def test_mapping_file_errors(capsys, tmp_path):
    d = tmp_path / "in"
    d.mkdir()
    write_tickets(d / "a.csv", [ticket(1)])
    m = tmp_path / "map.yaml"
    m.write_text("单据: not_a_field\n", encoding="utf-8")
    code, _, err = run(capsys, "ingest", str(d), "--db", str(tmp_path / "g.duckdb"),
                       "--mapping", str(m))
    assert code == 1 and "not_a_field" in one_line(err)


def test_ingest_then_detect_on_handmade_exports(capsys, tiny_exports, tmp_path):
    db = str(tmp_path / "g.duckdb")
    code, out, _ = run(capsys, "ingest", str(tiny_exports), "--db", db)
    assert code == 0 and "a.csv" in out
    code, out, _ = run(capsys, "detect", "--db", db, "--out", str(tmp_path / "res"))
    assert code == 0 and (tmp_path / "res" / "rings.csv").is_file()
    assert (tmp_path / "res" / "rings.csv").read_text().startswith("complaint_id,ring_id,score")


def test_console_script_installed():
    exe = Path(sys.executable).with_name("ringgraph")
    r = subprocess.run([str(exe), "ingest", "/no/such"], capture_output=True, text=True)
    assert r.returncode == 1
    assert r.stderr.strip() == "ringgraph: error: /no/such: no such file or folder"
