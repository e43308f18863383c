"""``ringgraph train``: fit the learned, calibrated ring scorer.

    ringgraph simulate -n 5000 --seed 201 --out data/train/s201   # … a few seeds
    ringgraph train --truth data/train/s201 data/train/s202 --out scorer.json
    ringgraph train --verdicts --db data/ringgraph.duckdb --out scorer.json
    ringgraph detect --scorer scorer.json

Each labelled scenario is ingested into a throwaway in-memory store and detected with the
chosen detector; every community of at least two borrowers becomes one example (see
:data:`ringgraph.analysis.learned_fit.TRAIN_MIN_BORROWERS`).
"""

from __future__ import annotations

from pathlib import Path

import click
import pandas as pd

from ringgraph.cli.app import (UserError, cli, db_option, default_db, open_store,
                               store_kind as resolve_kind, store_option)


@cli.command()
@click.option("--truth", "truth_dirs", multiple=True,
              type=click.Path(file_okay=False, exists=True, path_type=Path),
              help="A simulated scenario folder (exports/ and truth/); repeat for several.")
@click.argument("more_truth", nargs=-1,
                type=click.Path(file_okay=False, exists=True, path_type=Path))
@click.option("--verdicts", is_flag=True,
              help="Also learn from the investigators' verdicts in the store (--db/--store).")
@db_option
@store_option
@click.option("--detector", default="leiden", show_default=True, help="Detector name.")
@click.option("--seed", type=int, default=0, show_default=True,
              help="Seed of the detector and of the calibration folds.")
@click.option("--threshold", type=click.FloatRange(0, 1), default=0.5, show_default=True,
              help="Flag rings whose calibrated probability reaches this.")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), required=True,
              help="Where to write the scorer (JSON).")
def train(truth_dirs: tuple[Path, ...], more_truth: tuple[Path, ...], verdicts: bool,
          db: str | None, store_kind: str | None, detector: str, seed: int,
          threshold: float, out: Path) -> None:
    """Fit a calibrated, explainable scorer on labelled scenarios and/or verdicts."""
    from ringgraph.analysis.learned_fit import fit_scorer, verdict_examples

    dirs = list(truth_dirs) + list(more_truth)
    if not dirs and not verdicts:
        raise click.UsageError("give --truth SCENARIO_DIR… and/or --verdicts")
    parts, sources = [], []
    for d in dirs:
        parts.append(scenario_examples(d, detector, seed))
        sources.append(f"scenario:{d.name}")
    if verdicts:
        with open_store(db or default_db(), read_only=True,
                        kind=resolve_kind(store_kind)) as store:
            parts.append(verdict_examples(store.verdicts()))
        sources.append("verdicts")
    examples = pd.concat(parts, ignore_index=True)
    try:
        scorer = fit_scorer(examples, seed=seed, threshold=threshold, sources=sources)
    except ValueError as exc:
        raise UserError(f"cannot train: {exc}") from None
    scorer.save(out)
    t = scorer.training
    click.echo(f"trained on {t['examples']} communities ({t['rings']} rings) from "
               f"{', '.join(sources)}; training ECE {t['ece_train']:.3f}; wrote {out}")
    for f, c in sorted(zip(scorer.features, scorer.coef), key=lambda fc: -abs(fc[1])):
        if abs(c) > 1e-4:
            click.echo(f"  {f:<24} {c:+.3f}")


def scenario_examples(scenario: Path, detector: str, seed: int) -> pd.DataFrame:
    """Labelled communities of one simulated scenario (ingested into memory)."""
    from etl.ingest import ingest
    from ringgraph.analysis.evaluate import load_truth
    from ringgraph.analysis.learned_fit import label_communities, training_params
    from ringgraph.analysis.pipeline import detect_rings
    from ringgraph.store import DuckDBStore

    exports, truth_dir = scenario / "exports", scenario / "truth"
    if not exports.is_dir() or not truth_dir.is_dir():
        raise UserError(f"--truth {scenario}: expected exports/ and truth/ inside "
                        "(a `ringgraph simulate` folder)")
    with DuckDBStore(":memory:") as store:
        ingest([exports], store)
        result = detect_rings(store, detector, seed=seed, score_params=training_params())
    return label_communities(result, load_truth(truth_dir))
