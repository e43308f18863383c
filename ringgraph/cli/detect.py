"""``ringgraph detect``: project the graph, find communities, score and rank rings."""

from __future__ import annotations

from pathlib import Path

import click

from ringgraph.cli.app import (UserError, allow_incomplete_option, cli, console, db_option,
                               default_db, open_store, progress, require_complete,
                               store_kind as resolve_kind, store_label, store_option, work_dir)

ENGINES = ("python", "gds")


@cli.command()
@db_option
@store_option
@click.option("--detector", default="leiden", show_default=True,
              help="Detector name (see --list-detectors).")
@click.option("--engine", type=click.Choice(ENGINES), default="python", show_default=True,
              help="Where communities are found: python (igraph) or gds (inside Neo4j with "
                   "Graph Data Science; needs --store neo4j; writes ringId to Complaint nodes).")
@click.option("--list-detectors", is_flag=True, help="List detectors and exit.")
@click.option("--resolution", type=float, default=None, help="Leiden resolution.")
@click.option("--seed", type=int, default=0, show_default=True, help="Detector seed.")
@click.option("--threshold", type=float, default=None, help="Flag threshold (score 0..1).")
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Folder for rings.csv and rings.json [default: results/ next to the store].")
@click.option("--top", type=click.IntRange(min=0), default=10, show_default=True,
              help="How many rings to print.")
@allow_incomplete_option
@click.option("--scorer", type=click.Path(dir_okay=False, exists=True, path_type=Path),
              default=None, help="A learned scorer (from `ringgraph train`) instead of the "
                                 "hand-weighted score.")
@click.option("--rank-ids", is_flag=True,
              help="Number rings RG0001… by rank and ignore verdicts, instead of stable ids "
                   "kept in the store.")
def detect(db: str | None, store_kind: str | None, detector: str, engine: str,
           list_detectors: bool, resolution: float | None, seed: int,
           threshold: float | None, out: Path | None, top: int, allow_incomplete: bool,
           scorer: Path | None = None, rank_ids: bool = False) -> None:
    """Project the graph, detect communities, score and rank rings with reasons."""
    from ringgraph.analysis.detect import REGISTRY
    from ringgraph.analysis.pipeline import detect_rings
    from ringgraph.core.settings import ScoreParams

    if list_detectors:
        for name in sorted(REGISTRY):
            click.echo(f"{name}\t{REGISTRY[name].__doc__.strip().splitlines()[0]}")
        return
    kind = resolve_kind(store_kind)
    det = _detector(detector, engine, kind, seed, resolution)
    sp = ScoreParams() if threshold is None else ScoreParams(threshold=threshold)
    db = db or default_db()
    prog = progress()
    learned = _load_scorer(scorer)
    # Checked read-only first: opening for writing would create a missing store.
    with open_store(db, read_only=True, kind=kind) as store:
        require_complete(store, allow_incomplete)
        if not store.counts().get("Complaint", 0):
            raise UserError(f"{store_label(store)}: the store holds no complaints; "
                            "run `ringgraph ingest` first")
    # GDS writes ring ids back to the Complaint nodes, and stable ring ids live in the
    # store: both need it open for writing.
    with open_store(db, read_only=engine != "gds" and rank_ids, kind=kind) as store:
        result = detect_rings(store, det, score_params=sp, progress=prog, scorer=learned,
                              track=not rank_ids)
        written = det.write_rings(store, result) if engine == "gds" else None
    paths = result.write(out or work_dir(db, kind) / "results")
    print_rings(result, top)
    gds_note = (f"GDS {det.gds_version_} {detector}; ringId written to {written} complaints; "
                if written is not None else "")
    quiet = sum(bool(r.verdict and r.verdict["suppressed"]) for r in result.rings)
    gds_note += f"{quiet} dismissed rings not flagged again; " if quiet else ""
    click.echo(f"{len(result.flagged())} rings flagged of {len(result.rings)} communities "
               f"({sum(r.size for r in result.flagged())} complaints of {result.n_complaints}); "
               f"{gds_note}wrote {paths['rings_csv']} and {paths['rings_json']}")


def _load_scorer(path: Path | None):
    if path is None:
        return None
    from ringgraph.analysis.learned import LearnedScorer

    try:
        return LearnedScorer.load(path)
    except (ValueError, KeyError, TypeError) as exc:
        raise UserError(f"--scorer {path}: not a ringgraph scorer ({exc})") from None


def _detector(name: str, engine: str, kind: str, seed: int, resolution: float | None):
    """The registered detector for ``--detector``/``--engine``, with its parameters checked."""
    from ringgraph.analysis.detect import REGISTRY, engine_name, get_detector

    key = engine_name(name, engine)
    if key not in REGISTRY:
        names = sorted(n.removeprefix(f"{engine}_") for n in REGISTRY
                       if REGISTRY[n].engine == engine)
        what = "unknown detector" if engine == "python" else "no GDS engine for detector"
        raise UserError(f"{what} {name!r}; available: {', '.join(names)}")
    if engine == "gds" and kind != "neo4j":
        raise UserError("--engine gds runs inside Neo4j: add --store neo4j")
    params = {"seed": seed}
    if resolution is not None:
        if "resolution" not in REGISTRY[key]._param_names():
            raise UserError(f"detector {name!r} has no resolution parameter")
        params["resolution"] = resolution
    return get_detector(key, **params)


def print_rings(result, top: int) -> None:
    """The top flagged rings with their reasons, in Chinese and English."""
    con = console()
    for r in result.flagged()[:top]:
        f = r.features
        con.print(f"[bold]{r.ring_id}[/] score {r.score:.2f} · {r.size} complaints · "
                  f"{f['borrowers']} borrowers · {f['provinces']} provinces")
        for reason in r.reasons:
            con.print(f"   - {reason['zh']}  [dim]/ {reason['en']}[/]")
