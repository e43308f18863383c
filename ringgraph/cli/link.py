"""``ringgraph link``: which known ring each new complaint belongs to, and why."""

from __future__ import annotations

from pathlib import Path

import click

from ringgraph.cli.app import (UserError, allow_incomplete_option, check_paths, cli, console,
                               db_option, default_db, load_result, open_store, progress,
                               require_complete, store_kind as resolve_kind, store_option)


@cli.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@db_option
@store_option
@click.option("--rings", "rings_json", type=click.Path(dir_okay=False, path_type=Path),
              default=None, help="rings.json of an earlier detect [default: results/ next to "
                                 "the store].")
@click.option("--min-score", type=float, default=1.5, show_default=True,
              help="Smallest evidence score for a link.")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Where to write links.csv [default: next to rings.json].")
@allow_incomplete_option
def link(paths: tuple[Path, ...], db: str | None, store_kind: str | None,
         rings_json: Path | None, min_score: float, out: Path | None,
         allow_incomplete: bool) -> None:
    """Ingest new exports and say which known ring each new complaint belongs to, and why
    (without re-running detection)."""
    from etl.ingest import ingest as run_ingest

    from ringgraph.analysis.link import link_complaints
    from ringgraph.analysis.pipeline import identifier_names
    from ringgraph.analysis.project import project
    from ringgraph.core.settings import ProjectionParams
    from ringgraph.core.atomic import write_text

    db = db or default_db()
    result, rings_json = load_result(rings_json, db)
    check_paths(paths)
    prog = progress()
    with open_store(db, kind=resolve_kind(store_kind)) as store:
        require_complete(store, allow_incomplete)
        rep = run_ingest(list(paths), store, progress=prog)
        if rep.errors:
            raise UserError(f"{len(rep.errors)} file(s) could not be read: "
                            + "; ".join(rep.errors))
        # The graph is rebuilt with the settings the rings were detected with.
        graph = project(store, ProjectionParams.from_dict(result.projection), progress=prog)
        links = link_complaints(graph, result, rep.complaint_ids, min_score,
                                identifier_names(store))
    out = out or rings_json.with_name("links.csv")
    table = links.assign(shared_identifiers=links["shared_identifiers"].map(
        lambda ev: "; ".join(f"{e['type']}:{e['shown']}" for e in ev)))
    write_text(out, table.to_csv(index=False, lineterminator="\n"))
    con = console()
    for row in links[links["status"] == "linked"].head(20).itertuples():
        con.print(f"{row.complaint_id} → [bold]{row.ring_id}[/] (score {row.score:.2f}): "
                  f"{row.reason_zh}  [dim]/ {row.reason_en}[/]")
    counts = links["status"].value_counts().to_dict()
    click.echo(f"{len(links)} complaints: " + ", ".join(
        f"{k} {counts.get(k, 0)}" for k in ("linked", "member", "unlinked", "unknown"))
        + f"; wrote {out}")
