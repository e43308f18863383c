"""``ringgraph`` command line: one subcommand per pipeline stage.

    ringgraph simulate --complaints 5000 --seed 7 --out data/demo/scenario
    ringgraph ingest data/demo/scenario --db data/demo/ringgraph.duckdb
    ringgraph detect --db data/demo/ringgraph.duckdb --out data/demo/results
    ringgraph evaluate --truth data/demo/scenario --rings data/demo/results/rings.csv

Errors in input or arguments print one line naming the file or option and exit non-zero;
they never print a traceback (set ``RINGGRAPH_DEBUG=1`` to see one for a genuine bug).
Progress goes to stderr; results to stdout. No personal data is printed unmasked.
"""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path

import click

DB_ENV = "RINGGRAPH_DB"
STORE_ENV = "RINGGRAPH_STORE"
STORES = ("duckdb", "neo4j")


class UserError(click.ClickException):
    """An error the user can fix; printed as one line."""

    def show(self, file=None) -> None:
        click.echo(f"ringgraph: error: {self.message}", err=True)


def _console():
    from rich.console import Console

    return Console(highlight=False, soft_wrap=True)


def _progress():
    from ringgraph.core.progress import RichProgress

    return RichProgress()


def _default_db() -> str:
    from ringgraph.store import DEFAULT_DB

    return os.environ.get(DB_ENV, DEFAULT_DB)


def _open_store(db: str, read_only: bool = False, kind: str = "duckdb"):
    from ringgraph.store import StoreError, open_store

    try:
        return open_store(kind, db, read_only=read_only)
    except StoreError as exc:
        raise UserError(str(exc)) from None


db_option = click.option("--db", default=None, metavar="PATH",
                         help=f"DuckDB store file [default: ${DB_ENV} or data/ringgraph.duckdb]")
store_option = click.option(
    "--store", "store_kind", type=click.Choice(STORES), default=None,
    help=f"Graph store [default: ${STORE_ENV} or duckdb]; neo4j reads NEO4J_URI, NEO4J_USER, "
         "NEO4J_PASSWORD, NEO4J_DATABASE from the environment.")


def _load_result(rings_json: Path | None, db: str):
    """The RingResult of an earlier ``detect`` (default: results/ next to the store)."""
    from ringgraph.analysis.result import RingResult

    rings_json = rings_json or Path(db).parent / "results" / "rings.json"
    if not rings_json.is_file():
        raise UserError(f"--rings {rings_json}: no such file; run `ringgraph detect` first")
    try:
        return RingResult.from_json(rings_json), rings_json
    except (ValueError, TypeError, KeyError) as exc:
        raise UserError(f"--rings {rings_json}: not a ringgraph result "
                        f"({type(exc).__name__})") from None


def _store_kind(kind: str | None) -> str:
    kind = kind or os.environ.get(STORE_ENV, "duckdb")
    if kind not in STORES:
        raise UserError(f"${STORE_ENV}={kind!r} is not one of {', '.join(STORES)}")
    return kind


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="ringgraph")
def cli() -> None:
    """Find coordinated anti-debt-collection (反催收) complaint rings in institution exports."""


# ---------------------------------------------------------------------------- simulate
@cli.command()
@click.option("--complaints", "-n", type=click.IntRange(min=100), default=5000, show_default=True,
              help="Number of distinct complaints to generate.")
@click.option("--seed", "-s", type=int, default=7, show_default=True, help="Random seed.")
@click.option("--out", "-o", type=click.Path(file_okay=False, path_type=Path), required=True,
              help="Folder for exports/, truth/ and scenario.json.")
@click.option("--rings", type=click.IntRange(min=0), default=None,
              help="Number of planted rings [default: scales with --complaints].")
@click.option("--camouflage", type=click.FloatRange(0, 1), default=None,
              help="How hard rings hide (0..1) [default: simulator's].")
@click.option("--profile", type=click.Choice(["default", "wide"]), default="default",
              show_default=True, help="wide: draw every ring and negative knob per seed.")
def simulate(complaints: int, seed: int, out: Path, rings: int | None,
             camouflage: float | None, profile: str) -> None:
    """Write a labelled scenario: raw exports as institutions produce them + ground truth."""
    from simulator import ScenarioConfig, simulate as run

    kwargs = {"complaints": complaints, "seed": seed, "profile": profile}
    if rings is not None:
        kwargs["rings"] = rings
    if camouflage is not None:
        kwargs["camouflage"] = camouflage
    cfg = ScenarioConfig(**kwargs)
    t0 = time.perf_counter()
    summary = run(cfg, out, progress=_progress())
    info = summary if isinstance(summary, dict) else getattr(summary, "__dict__", {})
    click.echo(f"scenario written to {out} in {time.perf_counter() - t0:.1f}s: "
               + ", ".join(f"{k}={v}" for k, v in info.items()
                           if isinstance(v, (int, float, str)) and k != "out_dir"))


# ------------------------------------------------------------------------------ ingest
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
    from etl.read import ExportError

    db = db or _default_db()
    user_map = None
    if mapping is not None:
        user_map = _load_mapping(mapping)
    for p in paths:
        if not p.exists():
            raise UserError(f"{p}: no such file or folder")
    with _open_store(db, kind=_store_kind(store_kind)) as store:
        try:
            rep = run(list(paths), store, mapping=user_map, progress=_progress(), sheet=sheet)
        except ExportError as exc:
            raise UserError(str(exc)) from None
    report = report or Path(db).with_name(Path(db).stem + "_ingest_report.json")
    report.parent.mkdir(parents=True, exist_ok=True)
    report.write_text(rep.to_json() + "\n", encoding="utf-8")
    _print_ingest(rep, db, report)
    if rep.errors and rep.loaded == 0 and not any(f.duplicates for f in rep.files):
        raise UserError("nothing loaded: " + "; ".join(rep.errors))
    if rep.errors:
        raise UserError(f"{len(rep.errors)} file(s) could not be read: " + "; ".join(rep.errors))


def _load_mapping(path: Path) -> dict[str, str]:
    import yaml

    from etl import schema

    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise UserError(f"{path}: cannot read mapping ({type(exc).__name__})") from None
    if not isinstance(data, dict):
        raise UserError(f"{path}: mapping must be 'export header: canonical_field' pairs")
    valid = set(schema.COMPLAINT_FIELDS) | set(schema.TRANSFER_FIELDS)
    for header, fld in data.items():
        if fld not in valid:
            raise UserError(f"{path}: header {header!r} maps to unknown field {fld!r}")
    return {str(k): str(v) for k, v in data.items()}


def _print_ingest(rep, db: str, report: Path) -> None:
    from rich.table import Table

    table = Table(title="Ingest report")
    for col in ("file", "kind", "records", "loaded", "duplicates", "quarantined"):
        table.add_column(col, justify="left" if col in ("file", "kind") else "right")
    for f in rep.files:
        table.add_row(f.source, f.kind or "[red]unreadable[/]", str(f.records), str(f.loaded),
                      str(f.duplicates), str(f.quarantined))
    con = _console()
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
        if f.error:
            con.print(f"[red]{f.error}[/]")
    con.print(f"store: {db}  (+{rep.nodes_added} nodes, +{rep.edges_added} relationships)")
    con.print(f"report: {report}")


# ------------------------------------------------------------------------------ detect
@cli.command()
@db_option
@store_option
@click.option("--detector", default="leiden", show_default=True,
              help="Detector name (see --list-detectors).")
@click.option("--list-detectors", is_flag=True, help="List detectors and exit.")
@click.option("--resolution", type=float, default=None, help="Leiden resolution.")
@click.option("--seed", type=int, default=0, show_default=True, help="Detector seed.")
@click.option("--threshold", type=float, default=None, help="Flag threshold (score 0..1).")
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Folder for rings.csv and rings.json [default: results/ next to the store].")
@click.option("--top", type=click.IntRange(min=0), default=10, show_default=True,
              help="How many rings to print.")
def detect(db: str | None, store_kind: str | None, detector: str, list_detectors: bool, resolution: float | None,
           seed: int, threshold: float | None, out: Path | None, top: int) -> None:
    """Project the graph, detect communities, score and rank rings with reasons."""
    from ringgraph.analysis.detect import REGISTRY, get_detector
    from ringgraph.analysis.project import project
    from ringgraph.analysis.pipeline import find_rings, identifier_names
    from ringgraph.analysis.score import ScoreParams

    if list_detectors:
        for name in sorted(REGISTRY):
            click.echo(f"{name}\t{REGISTRY[name].__doc__.strip().splitlines()[0]}")
        return
    if detector not in REGISTRY:
        raise UserError(f"unknown detector {detector!r}; available: {', '.join(sorted(REGISTRY))}")
    params = {"seed": seed}
    if resolution is not None:
        if "resolution" not in REGISTRY[detector]._param_names():
            raise UserError(f"detector {detector!r} has no resolution parameter")
        params["resolution"] = resolution
    det = get_detector(detector, **params)
    sp = ScoreParams()
    if threshold is not None:
        sp.threshold = threshold
    db = db or _default_db()
    prog = _progress()
    with _open_store(db, read_only=True, kind=_store_kind(store_kind)) as store:
        graph = project(store, progress=prog)
        if graph.n == 0:
            raise UserError(f"{db}: the store holds no complaints; run `ringgraph ingest` first")
        result = find_rings(graph, det, sp, identifier_names(store),
                            data_fingerprint=store.fingerprint(), progress=prog)
    out = out or Path(db).parent / "results"
    paths = result.write(out)
    _print_rings(result, top)
    click.echo(f"{len(result.flagged())} rings flagged of {len(result.rings)} communities "
               f"({sum(r.size for r in result.flagged())} complaints of {result.n_complaints}); "
               f"wrote {paths['rings_csv']} and {paths['rings_json']}")


def _print_rings(result, top: int) -> None:
    con = _console()
    for r in result.flagged()[:top]:
        f = r.features
        con.print(f"[bold]{r.ring_id}[/] score {r.score:.2f} · {r.size} complaints · "
                  f"{f['borrowers']} borrowers · {f['provinces']} provinces")
        for reason in r.reasons:
            con.print(f"   - {reason['zh']}  [dim]/ {reason['en']}[/]")


# -------------------------------------------------------------------------------- link
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
def link(paths: tuple[Path, ...], db: str | None, store_kind: str | None,
         rings_json: Path | None, min_score: float, out: Path | None) -> None:
    """Ingest new exports and say which known ring each new complaint belongs to, and why
    (without re-running detection)."""
    from etl.ingest import ingest as run_ingest
    from etl.read import ExportError

    from ringgraph.analysis.link import link_complaints
    from ringgraph.analysis.project import project
    from ringgraph.analysis.pipeline import identifier_names

    db = db or _default_db()
    result, rings_json = _load_result(rings_json, db)
    for p in paths:
        if not p.exists():
            raise UserError(f"{p}: no such file or folder")
    prog = _progress()
    with _open_store(db, kind=_store_kind(store_kind)) as store:
        try:
            rep = run_ingest(list(paths), store, progress=prog)
        except ExportError as exc:
            raise UserError(str(exc)) from None
        if rep.errors:
            raise UserError(f"{len(rep.errors)} file(s) could not be read: "
                            + "; ".join(rep.errors))
        graph = project(store, progress=prog)
        links = link_complaints(graph, result, rep.complaint_ids, min_score,
                                identifier_names(store))
    out = out or rings_json.with_name("links.csv")
    table = links.assign(shared_identifiers=links["shared_identifiers"].map(
        lambda ev: "; ".join(f"{e['type']}:{e['shown']}" for e in ev)))
    table.to_csv(out, index=False, lineterminator="\n")
    con = _console()
    for row in links[links["status"] == "linked"].head(20).itertuples():
        con.print(f"{row.complaint_id} → [bold]{row.ring_id}[/] (score {row.score:.2f}): "
                  f"{row.reason_zh}  [dim]/ {row.reason_en}[/]")
    counts = links["status"].value_counts().to_dict()
    click.echo(f"{len(links)} complaints: " + ", ".join(
        f"{k} {counts.get(k, 0)}" for k in ("linked", "member", "unlinked", "unknown"))
        + f"; wrote {out}")


# ---------------------------------------------------------------------------- evaluate
@cli.command()
@click.option("--truth", type=click.Path(path_type=Path), required=True,
              help="Scenario folder (or its truth/ folder) with ground truth.")
@click.option("--rings", "rings_csv", type=click.Path(dir_okay=False, path_type=Path),
              default=None, help="rings.csv from detect [default: results/ next to the store].")
@db_option
@click.option("--min-jaccard", type=click.FloatRange(0, 1), default=0.5, show_default=True,
              help="Overlap for a predicted ring to match a true one.")
@click.option("--json", "as_json", is_flag=True, help="Print metrics as JSON.")
def evaluate(truth: Path, rings_csv: Path | None, db: str | None, min_jaccard: float,
             as_json: bool) -> None:
    """Ring-level precision, recall, F1 and ARI against ground truth."""
    import pandas as pd

    from ringgraph.analysis.evaluate import load_truth, ring_metrics

    rings_csv = rings_csv or Path(db or _default_db()).parent / "results" / "rings.csv"
    if not rings_csv.is_file():
        raise UserError(f"{rings_csv}: no such file; run `ringgraph detect` first")
    try:
        t = load_truth(truth)
    except FileNotFoundError as exc:
        raise UserError(str(exc)) from None
    pred = pd.read_csv(rings_csv, dtype=str, keep_default_na=False)
    missing = {"complaint_id", "ring_id"} - set(pred.columns)
    if missing:
        raise UserError(f"{rings_csv}: missing column(s) {', '.join(sorted(missing))}")
    metrics = ring_metrics(pred, t, min_jaccard)
    if as_json:
        click.echo(json.dumps(metrics, ensure_ascii=False, sort_keys=True))
        return
    click.echo(f"rings: predicted {metrics['predicted_rings']}, true {metrics['true_rings']}, "
               f"matched {metrics['matched']} (Jaccard ≥ {min_jaccard})")
    click.echo(f"ring precision {metrics['precision']:.3f}  recall {metrics['recall']:.3f}  "
               f"F1 {metrics['f1']:.3f}  ARI {metrics['ari']:.3f}")
    if metrics["recall_by_style"]:
        click.echo("recall by style: " + ", ".join(
            f"{k}={v:.2f}" for k, v in sorted(metrics["recall_by_style"].items())))
    if metrics["false_rings_by_negative_type"]:
        click.echo("false rings by what they are made of: " + ", ".join(
            f"{k}={v}" for k, v in sorted(metrics["false_rings_by_negative_type"].items())))


# ------------------------------------------------------------------------------- neo4j
from ringgraph.neo4j_cli import neo4j as _neo4j_group, with_engine_option  # noqa: E402 - needs UserError
cli.add_command(_neo4j_group)
with_engine_option(detect)  # detect --engine python|gds

# ---------------------------------------------------------------------- evidence packs
from ringgraph.evidence_cli import add_commands as _add_evidence_commands  # noqa: E402
_add_evidence_commands(cli)  # export, verify


def main(argv: list[str] | None = None) -> int:
    """Entry point: one-line errors, exit codes 0 ok, 1 user/input error, 2 usage, 3 bug."""
    try:
        cli.main(args=argv, prog_name="ringgraph", standalone_mode=False)
    except click.exceptions.Abort:
        click.echo("ringgraph: aborted", err=True)
        return 1
    except UserError as exc:
        exc.show()
        return 1
    except click.UsageError as exc:
        msg = exc.format_message().splitlines()[0]
        cmd = exc.ctx.command_path if exc.ctx else "ringgraph"
        click.echo(f"{cmd}: usage error: {msg} (see --help)", err=True)
        return 2
    except click.ClickException as exc:
        click.echo(f"ringgraph: error: {exc.format_message()}", err=True)
        return exc.exit_code or 1
    except KeyboardInterrupt:
        click.echo("ringgraph: interrupted", err=True)
        return 130
    except Exception as exc:  # noqa: BLE001 - last line of defence: one line, no traceback
        if os.environ.get("RINGGRAPH_DEBUG"):
            raise
        click.echo(f"ringgraph: internal error: {type(exc).__name__}: "
                   f"{str(exc).splitlines()[0] if str(exc) else ''} "
                   f"(set RINGGRAPH_DEBUG=1 for details)", err=True)
        return 3
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
