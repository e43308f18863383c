"""``ringgraph ingest``: export files or folders into the graph store (idempotent)."""

from __future__ import annotations

from pathlib import Path

import click

from ringgraph.cli.app import (PartialError, UserError, check_paths, cli, console, db_option, default_db,
                               open_store, progress, store_kind as resolve_kind, store_label,
                               store_option, work_dir)


@cli.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@db_option
@store_option
@click.option("--mapping", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="YAML file mapping export headers to canonical fields.")
@click.option("--sheet", default=None, metavar="NAME",
              help="Read only this worksheet of XLSX files [default: every sheet].")
@click.option("--report", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Where to save the ingest report JSON [default: next to the store].")
def ingest(paths: tuple[Path, ...], db: str | None, store_kind: str | None,
           mapping: Path | None, sheet: str | None, report: Path | None) -> None:
    """Read export files or folders into the graph store (idempotent)."""
    from etl.ingest import ingest as run

    db = db or default_db()
    kind = resolve_kind(store_kind)
    user_map = load_mapping(mapping) if mapping is not None else None
    check_paths(paths)
    with open_store(db, kind=kind) as store:
        rep = run(list(paths), store, mapping=user_map, progress=progress(), sheet=sheet)
        where = store_label(store)
    stem = Path(db).stem if kind == "duckdb" else "neo4j"
    report = report or work_dir(db, kind) / f"{stem}_ingest_report.json"
    rep.write(report)
    print_report(rep, where, report)
    if rep.errors and rep.loaded == 0 and not any(f.duplicates for f in rep.files):
        raise UserError("nothing loaded: " + "; ".join(rep.errors))
    if rep.errors:
        raise PartialError(f"partial: {len(rep.errors)} file(s) could not be read: "
                           + "; ".join(rep.errors))


def load_mapping(path: Path) -> dict[str, str]:
    """A ``export header: canonical_field`` YAML file (see :func:`ringgraph.workspace.load_mapping`)."""
    from ringgraph.workspace import load_mapping as load

    return load(path)  # an InputError: one line, exit code 1 (ringgraph.cli.app)


def print_report(rep, where: str, report: Path) -> None:
    """The ingest report as a table plus one line per reason, unmapped header and error."""
    from rich.table import Table

    table = Table(title="Ingest report")
    for col in ("file", "kind", "records", "loaded", "duplicates", "quarantined"):
        table.add_column(col, justify="left" if col in ("file", "kind") else "right")
    for f in rep.files:
        table.add_row(f.source, f.kind or "[red]unreadable[/]", str(f.records), str(f.loaded),
                      str(f.duplicates), str(f.quarantined))
    con = console()
    con.print(table)
    if rep.quarantine_by_reason:
        con.print("quarantined by reason: " + ", ".join(
            f"{k}={v}" for k, v in rep.quarantine_by_reason.items()))
    if rep.field_issues_by_reason:
        con.print("field issues (field nulled, row kept): " + ", ".join(
            f"{k}={v}" for k, v in rep.field_issues_by_reason.items()))
    for f in rep.files:
        if f.unmapped_headers:
            con.print(f"{f.source}: headers not mapped: {', '.join(f.unmapped_headers)}")
        if getattr(f, "suggested_mapping", None):
            con.print(f"{f.source}: unmapped columns that look like identifiers, suggested "
                      "mapping (see `ringgraph mapping suggest`): " + ", ".join(
                          f"{h!r}: {v}" for h, v in f.suggested_mapping.items()))
        if f.error:
            con.print(f"[red]{f.error}[/]")
        if getattr(f, "note", ""):
            con.print(f"{f.source}: {f.note}")
    con.print(f"store: {where}  (+{rep.nodes_added} nodes, +{rep.edges_added} relationships)")
    con.print(f"report: {report}")
