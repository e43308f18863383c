"""``ringgraph triage``: each complaint's allegations against the lender's call logs."""

from __future__ import annotations

from pathlib import Path

import click

from ringgraph.cli.app import (UserError, allow_incomplete_option, cli, db_option, default_db,
                               open_store, progress, require_complete,
                               store_kind as resolve_kind, store_option)


def _csv(frame) -> str:
    """A frame as CSV text: times as ``YYYY-MM-DD HH:MM:SS`` (Asia/Shanghai), no index."""
    out = frame.copy()
    for c in out.columns:
        if str(out[c].dtype).startswith("datetime64"):
            out[c] = out[c].dt.strftime("%Y-%m-%d %H:%M:%S").where(out[c].notna(), "")
    return out.to_csv(index=False, lineterminator="\n")


@cli.command()
@db_option
@store_option
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Where to write triage.csv [default: results/triage.csv next to the store].")
@click.option("--window-days", type=click.IntRange(1, 3660), default=90, show_default=True,
              help="Calls placed this many days before a complaint count for it.")
@click.option("--by-agency", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Also write the compliance table per agency and collector here.")
@allow_incomplete_option
def triage(db: str | None, store_kind: str | None, out: Path | None, window_days: int,
           by_agency: Path | None, allow_incomplete: bool) -> None:
    """Check every complaint's allegations (night calls, excessive calls, calls to family or
    colleagues) against the collection call logs and the red lines; one row per complaint
    with status supported / partly / unsupported / no_allegation / no_logs."""
    from ringgraph.analysis.conduct.triage import STATUSES, conduct
    from ringgraph.core.atomic import write_many

    db = db or default_db()
    kind = resolve_kind(store_kind)
    if kind == "duckdb" and not Path(db).is_file():
        raise UserError(f"--db {db}: no such store; run `ringgraph ingest` first")
    with open_store(db, read_only=True, kind=kind) as store:
        require_complete(store, allow_incomplete)
        result = conduct(store, window_days, progress())
    out = out or Path(db).parent / "results" / "triage.csv"
    files = {out: _csv(result.triage).encode("utf-8")}
    if by_agency is not None:
        files[by_agency] = _csv(result.agencies).encode("utf-8")
    for path in files:
        Path(path).parent.mkdir(parents=True, exist_ok=True)
    write_many(files)
    counts = result.triage["status"].value_counts().to_dict()
    click.echo(f"{len(result.triage)} complaints (window {window_days} days): " + ", ".join(
        f"{s} {counts.get(s, 0)}" for s in STATUSES) + f"; wrote {out}"
        + (f" and {by_agency}" if by_agency is not None else ""))
    if counts.get("no_logs"):
        click.echo(f"{counts['no_logs']} complaint(s) have no call logs linked "
                   "(by loan account or debtor ID)")
