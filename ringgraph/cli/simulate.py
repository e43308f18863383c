"""``ringgraph simulate``: a labelled scenario written as institutions export it."""

from __future__ import annotations

import time
from pathlib import Path

import click

from ringgraph.cli.app import cli, progress


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
@click.option("--export-style", type=click.Choice(["bank", "platform"]), default="bank",
              show_default=True,
              help="platform: JSON Lines with nested fields and payments without serials.")
@click.option("--damaged", is_flag=True, help="Also write damaged/: one damaged export per kind.")
@click.option("--call-logs", is_flag=True,
              help="Also write collection call logs for every loan and their ground truth "
                   "(genuine complaint texts then allege what the logs show or not).")
@click.option("--lenders", type=click.IntRange(min=0, max=22), default=0, show_default=True,
              help="Split the exports over N lenders (lender-01/ …, 2..22), rings spread "
                   "across them; 0: one combined export.")
def simulate(complaints: int, seed: int, out: Path, rings: int | None,
             camouflage: float | None, profile: str, export_style: str, damaged: bool,
             call_logs: bool = False, lenders: int = 0) -> None:
    """Write a labelled scenario: raw exports as institutions produce them + ground truth."""
    from simulator import ScenarioConfig, simulate as run

    if lenders == 1:
        raise click.BadParameter("one lender is no split: use 0 or 2..22", param_hint="--lenders")
    if lenders and export_style != "bank":
        raise click.BadParameter("lenders write their own CSV layouts; drop --export-style",
                                 param_hint="--lenders")
    if lenders and call_logs:
        # Each lender's collection runs its own call logs; splitting them is not built yet,
        # and writing truth without the logs would mislead an evaluation.
        raise click.BadParameter("call logs are not split over lenders yet: drop --call-logs",
                                 param_hint="--lenders")

    kwargs = {"complaints": complaints, "seed": seed, "profile": profile,
              "export_style": export_style, "damaged_files": damaged,
              "call_logs": call_logs, "lenders": lenders}
    if rings is not None:
        kwargs["rings"] = rings
    if camouflage is not None:
        kwargs["camouflage"] = camouflage
    t0 = time.perf_counter()
    summary = run(ScenarioConfig(**kwargs), out, progress=progress())
    info = summary if isinstance(summary, dict) else getattr(summary, "__dict__", {})
    click.echo(f"scenario written to {out} in {time.perf_counter() - t0:.1f}s: "
               + ", ".join(f"{k}={v}" for k, v in info.items()
                           if isinstance(v, (int, float, str)) and k != "out_dir"))
