"""``ringgraph evaluate``: ring-level metrics of a detection against ground truth."""

from __future__ import annotations

import json
from pathlib import Path

import click

from ringgraph.cli.app import UserError, cli, db_option, default_db


@cli.command()
@click.option("--truth", type=click.Path(path_type=Path), required=True,
              help="Scenario folder (or its truth/ folder) with ground truth.")
@click.option("--rings", "rings_csv", type=click.Path(dir_okay=False, path_type=Path),
              default=None, help="rings.csv from detect [default: results/ next to the store].")
@db_option
@click.option("--min-jaccard", type=click.FloatRange(0, 1), default=0.5, show_default=True,
              help="Overlap for a predicted ring to match a true one.")
@click.option("--json", "as_json", is_flag=True, help="Print metrics as JSON.")
@click.option("--triage", "triage_csv", type=click.Path(dir_okay=False, path_type=Path),
              default=None, help="Score this triage.csv (complaint_id, alleged, violations, "
              "status) against truth/calls_truth.csv instead of rings.")
@click.option("--json-out", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Also write the metrics as JSON to this file.")
def evaluate(truth: Path, rings_csv: Path | None, db: str | None, min_jaccard: float,
             as_json: bool, triage_csv: Path | None, json_out: Path | None) -> None:
    """Ring-level precision, recall, F1 and ARI against ground truth (or, with
    ``--triage``, per-code and status metrics of a call-log triage)."""
    import pandas as pd

    from ringgraph.analysis.evaluate import load_truth, ring_metrics

    if triage_csv is not None:
        _evaluate_triage(truth, triage_csv, as_json, json_out)
        return

    rings_csv = rings_csv or Path(db or default_db()).parent / "results" / "rings.csv"
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
    if json_out is not None:
        _write_json(json_out, metrics)
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


def _write_json(path: Path, metrics: dict) -> None:
    """Metrics as sorted JSON, written atomically."""
    from ringgraph.core.atomic import write_text

    write_text(path, json.dumps(metrics, ensure_ascii=False, sort_keys=True, indent=2)
                      + "\n")


def _evaluate_triage(truth: Path, triage_csv: Path, as_json: bool,
                     json_out: Path | None) -> None:
    """``evaluate --triage``: per-code metrics, status accuracy and confusion."""
    from ringgraph.analysis.evaluate_triage import (format_metrics, load_calls_truth,
                                                    read_triage, triage_metrics)

    if not triage_csv.is_file():
        raise UserError(f"{triage_csv}: no such file; run `ringgraph triage` first")
    try:
        t = load_calls_truth(truth)
        pred = read_triage(triage_csv)
    except (FileNotFoundError, ValueError) as exc:
        raise UserError(str(exc)) from None
    metrics = triage_metrics(pred, t)
    if json_out is not None:
        _write_json(json_out, metrics)
    if as_json:
        click.echo(json.dumps(metrics, ensure_ascii=False, sort_keys=True))
        return
    click.echo(format_metrics(metrics))
