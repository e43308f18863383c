"""``ringgraph export`` and ``ringgraph verify``: evidence packs for police.

    ringgraph export --ring RG0001 --db data/demo/ringgraph.duckdb --out evidence/RG0001
    ringgraph export --ring RG0001 --pii pseudonymised --out evidence/RG0001-p  # key from
                                                      # $RINGGRAPH_PSEUDONYM_KEY
    ringgraph verify evidence/RG0001.zip

Nothing personal is printed: only ring ids, counts, paths and hashes.
"""

from __future__ import annotations

from pathlib import Path

import click

from ringgraph.cli.app import (UserError, allow_incomplete_option, cli, db_option, default_db,
                               load_result, open_store, require_complete,
                               store_kind as resolve_kind, store_option)


@cli.command()
@click.option("--ring", "ring_id", required=True, metavar="ID",
              help="Ring to export, e.g. RG-2026-0001 (see rings.csv or `ringgraph detect`), "
                   "or `top` for the best-scored flagged ring.")
@click.option("--pii", type=click.Choice(["masked", "full", "pseudonymised"]),
              default="masked", show_default=True,
              help="Personal data: masked (138****8000, 张*), full (as stored), or "
                   "pseudonymised (keyed HMAC tokens; key from $RINGGRAPH_PSEUDONYM_KEY).")
@db_option
@store_option
@click.option("--rings", "rings_json", type=click.Path(dir_okay=False, path_type=Path),
              default=None, help="rings.json of `ringgraph detect` [default: results/ next "
                                 "to the store].")
@click.option("--out", type=click.Path(file_okay=True, path_type=Path), required=True,
              help="Case folder to write (new, empty, or an earlier pack); the zip goes "
                   "beside it as <out>.zip.")
@click.option("--allow-stale", is_flag=True,
              help="Export even if the store's data changed since detection.")
@allow_incomplete_option
@click.option("--pooled", type=click.Path(dir_okay=False, exists=True, path_type=Path),
              default=None, help="for-<lender>/rings.json of `ringgraph pool`: export your "
                                 "own part of a pooled ring, the other lenders as counts "
                                 "(needs $RINGGRAPH_POOL_KEY).")
def export(ring_id: str, pii: str, db: str | None, store_kind: str | None,
           rings_json: Path | None, out: Path, allow_stale: bool,
           allow_incomplete: bool, pooled: Path | None = None) -> None:
    """Write the evidence pack of one ring: report (HTML, PDF), network, CSV tables,
    GraphML, i2 link table, plots, manifest and hashes; then zip it."""
    from ringgraph.evidence import export_pack, make_redactor, verify_pack, zip_path_of

    make_redactor(pii)  # a missing pseudonym key fails before anything is read
    db = db or default_db()
    if pooled is not None:
        folder = _export_pooled(db, pooled, ring_id, out, pii)
        ring_id = _manifest_ring_id(folder)
        result = None
    else:
        result, rings_json = load_result(rings_json, db)
    if result is not None and ring_id == "top":
        if not result.flagged():
            raise UserError(f"--ring top: {rings_json} flags no ring")
        ring_id = result.flagged()[0].ring_id
    kind = resolve_kind(store_kind)
    if result is not None:
        with open_store(db, read_only=True, kind=kind) as store:
            require_complete(store, allow_incomplete)
            folder = export_pack(store, result, ring_id, out, pii=pii, store_kind=kind,
                                 allow_stale=allow_stale)
    zpath = zip_path_of(folder)
    # Re-read what was written: the analyst hands over a pack that was checked once.
    check = verify_pack(zpath)
    if not check.ok:
        raise UserError(f"{zpath}: self-check failed: {check.first_problem}")
    click.echo(f"{ring_id}: evidence pack ({pii}) written to {folder}/ and {zpath} "
               f"({check.checked} files)")
    _say_kept(folder)
    click.echo(f"pack fingerprint (SHA-256 of SHA256SUMS): {check.fingerprint}")


@cli.command()
@click.argument("path", type=click.Path(path_type=Path))
@click.option("--max-size", default="2G", show_default=True, metavar="SIZE",
              help="Refuse a pack whose listed files (declared or as read) exceed SIZE "
                   "in total, e.g. 500M, 10G.")
def verify(path: Path, max_size: str) -> None:
    """Re-check every hash of an evidence pack (case folder or zip), streaming; refuse
    unlisted members, absolute or '..' paths, symbolic links and oversized members;
    exit 1 on any problem, one line each."""
    res = _verify(path, max_size)
    click.echo(f"OK: {path}: {res.checked} files match their SHA-256 "
               f"(ring {res.ring_id or '?'}, PII {res.pii_mode or '?'}, generated "
               f"{res.generated_at or '?'})")
    click.echo(f"pack fingerprint (SHA-256 of SHA256SUMS): {res.fingerprint}")


def _export_pooled(db: str, pooled: Path, ring_id: str, out: Path, pii: str) -> Path:
    """The pack of the lender's part of a pooled ring (``top``: the file's first ring)."""
    from ringgraph.pool.export import export_pooled_ring
    from ringgraph.pool.tokens import pool_key
    from ringgraph.pool.view import read_result

    key = pool_key()
    if ring_id == "top":
        rings = read_result(pooled)["rings"]
        if not rings:
            raise UserError(f"--pooled {pooled}: no pooled ring holds your complaints")
        ring_id = rings[0]["ring_id"]
    with open_store(db, read_only=True) as store:
        return export_pooled_ring(store, pooled, ring_id, out, key, pii=pii)


def _manifest_ring_id(folder: Path) -> str:
    import json

    return json.loads((folder / "manifest.json").read_text(encoding="utf-8"))["case"]["ring_id"]


def _say_kept(folder: Path) -> None:
    """Name the files of the case folder that are not the pack's (the analyst's own)."""
    from ringgraph.evidence.pack import foreign_files

    kept = foreign_files(folder)
    if kept:
        click.echo(f"left untouched in {folder}/ (not part of the pack, not zipped): "
                   + ", ".join(kept))


def _verify(path: Path, max_size: str):
    """Run :func:`verify_pack` for the CLI: every problem but the first on its own line,
    then the first as the one-line error."""
    from ringgraph.evidence.verify import parse_size, verify_pack

    try:
        limit = parse_size(max_size)
    except ValueError as exc:
        raise UserError(f"--max-size: {exc}") from None
    if not path.exists():  # checked here so that verifying never imports the PII modes
        raise UserError(f"{path}: no such folder or file")
    res = verify_pack(path, max_bytes=limit)
    if not res.ok:
        for problem in res.problems[1:]:
            click.echo(f"ringgraph: verify: {path}: {problem}", err=True)
        more = (f" (and {len(res.problems) - 1} more, listed above)"
                if len(res.problems) > 1 else "")
        raise UserError(f"{path}: {res.first_problem}{more}")
    return res
