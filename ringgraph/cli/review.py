"""``ringgraph review``: record an investigator's verdict on a ring, or list the verdicts.

    ringgraph review RG-2026-0003 --verdict dismissed --note "律所正常代理" --by 王敏
    ringgraph review --list

The next ``ringgraph detect`` honours them (see :mod:`ringgraph.analysis.verdicts`).
"""

from __future__ import annotations

import getpass
import json
from pathlib import Path

import click

from ringgraph.cli.app import (UserError, cli, db_option, default_db, load_result, open_store,
                               store_kind as resolve_kind, store_option, work_dir)


@cli.command()
@click.argument("ring_id", required=False)
@click.option("--verdict", type=click.Choice(["confirmed", "dismissed", "unsure"]),
              default=None, help="The verdict on RING_ID.")
@click.option("--note", default="", help="Why (kept with the verdict).")
@click.option("--by", "by", default=None, help="Reviewer [default: the login name].")
@click.option("--list", "list_", is_flag=True, help="List every verdict and exit.")
@db_option
@store_option
@click.option("--rings", "rings_json", type=click.Path(dir_okay=False, path_type=Path),
              default=None, help="rings.json of `ringgraph detect` [default: results/ next "
                                 "to the store].")
def review(ring_id: str | None, verdict: str | None, note: str, by: str | None, list_: bool,
           db: str | None, store_kind: str | None, rings_json: Path | None) -> None:
    """Record a verdict (confirmed, dismissed, unsure) on a ring, or --list them."""
    from ringgraph.analysis.verdicts import record_verdict

    kind = resolve_kind(store_kind)
    db = db or default_db()
    if list_:
        with open_store(db, read_only=True, kind=kind) as store:
            _print_verdicts(store.verdicts())
        return
    if not ring_id or not verdict:
        raise click.UsageError("give RING_ID and --verdict, or --list")
    result, path = load_result(rings_json or work_dir(db, kind) / "results" / "rings.json",
                               db)
    if ring_id not in {r.ring_id for r in result.rings}:
        raise UserError(f"no ring {ring_id!r} in {path}")
    if result.rings[0].lineage is None:
        raise UserError(f"{path} has rank-numbered ring ids (detect --rank-ids): verdicts "
                        "need the stable ids of a plain `ringgraph detect`")
    with open_store(db, read_only=True, kind=kind):
        pass  # a missing store is an error here, not something to create
    with open_store(db, kind=kind) as store:
        rec = record_verdict(store, result, ring_id, verdict, note=note,
                             by=by if by is not None else _login())
    click.echo(f"{ring_id}: {verdict} by {rec['reviewer'] or '?'} at {rec['at']} "
               f"({len(json.loads(rec['complaint_ids']))} complaints)")


def _login() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return ""


def _print_verdicts(frame) -> None:
    from ringgraph.analysis.verdicts import verdict_list

    if frame.empty:
        click.echo("no verdicts recorded")
        return
    for r in verdict_list(frame).itertuples():
        note = f"  {r.note}" if r.note else ""
        click.echo(f"{r.at}  {r.ring_id}  {r.verdict:<9}  {r.reviewer or '?'}  "
                   f"{r.complaints} complaints{note}")
