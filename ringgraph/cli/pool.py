"""``ringgraph pool`` and ``ringgraph pool-view``: detection over share packs, and a
lender's view of its own members of the pooled rings (issue 17)."""

from __future__ import annotations

from pathlib import Path

import click

from ringgraph.cli.app import (UserError, cli, console, db_option, default_db, open_store,
                               progress, store_kind as resolve_kind, store_option)

POOLED_DB = "pooled.duckdb"


@cli.command()
@click.argument("packs", nargs=-1, required=True,
                type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), required=True,
              help="Folder for rings.csv, pool.json and for-<lender>/rings.json.")
@store_option
@click.option("--seed", type=int, default=0, show_default=True, help="Detector seed.")
def pool(packs: tuple[Path, ...], out: Path, store_kind: str | None, seed: int) -> None:
    """Pool share packs (same key), detect rings across lenders, write per-lender results."""
    from ringgraph.pool.pooled import pool_packs

    kind = resolve_kind(store_kind)
    out.mkdir(parents=True, exist_ok=True)
    db = out / POOLED_DB
    if kind == "duckdb" and db.exists():
        if not (out / "pool.json").is_file():
            raise UserError(f"{db} exists and was not written by `ringgraph pool`; "
                            "choose another --out")
        # Our own pooled store of an earlier run: a pool is rebuilt from its packs.
        db.unlink()
        (out / (POOLED_DB + ".wal")).unlink(missing_ok=True)
    try:
        with open_store(str(db), kind=kind) as store:
            record = pool_packs(list(packs), store, out, seed=seed, progress=progress())
    except BaseException:
        # A pooled store this run created and could not finish is of no use to anyone.
        if kind == "duckdb" and not (out / "pool.json").is_file():
            db.unlink(missing_ok=True)
            (out / (POOLED_DB + ".wal")).unlink(missing_ok=True)
        raise
    click.echo(f"pooled {len(record['packs'])} packs ({record['complaints']} complaints, key "
               f"fingerprint {record['key_fingerprint']}): {record['rings_flagged']} rings "
               f"flagged; wrote {out / 'rings.csv'} and a for-<lender>/rings.json per lender")


@cli.command("pool-view")
@db_option
@store_option
@click.option("--result", "result_path", required=True,
              type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="for-<lender>/rings.json from `ringgraph pool`.")
@click.option("--ring", "ring_id", default=None, help="Show only this ring.")
def pool_view(db: str | None, store_kind: str | None, result_path: Path,
              ring_id: str | None) -> None:
    """Re-identify your own members of pooled rings (RINGGRAPH_POOL_KEY) and show them."""
    from ringgraph.core.redact import mask
    from ringgraph.pool.tokens import pool_key
    from ringgraph.pool.view import pooled_rings

    key = pool_key()
    with open_store(db or default_db(), read_only=True, kind=resolve_kind(store_kind)) as store:
        views = pooled_rings(store, result_path, key)
    if ring_id:
        views = [v for v in views if v.ring_id == ring_id]
        if not views:
            raise UserError(f"--ring {ring_id}: not in {result_path}")
    con = console()
    for v in views:
        con.print(f"[bold]{v.ring_id}[/] score {v.score:.2f} · {v.lenders} lenders · "
                  f"{v.facts.get('borrowers')} borrowers · {v.facts.get('provinces')} "
                  f"provinces · misconduct: {', '.join(v.evidence_kinds) or '-'}")
        con.print("   others: " + ", ".join(f"{k} {n}" for k, n in v.others.items()))
        for row in v.own.itertuples():
            con.print(f"   {row.complaint_id} {row.received_at or ''} {row.province or ''} "
                      f"{mask('Person', row.person, row.name)} via "
                      + "; ".join(f"{t} {mask(t, k)}" for t, k in row.linked_by))
