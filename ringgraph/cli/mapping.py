"""``ringgraph mapping suggest FILE…``: a ready-to-edit header mapping for unseen exports.

A thin command: the profiling lives in :mod:`etl.suggest`.
"""

from __future__ import annotations

from pathlib import Path

import click

from ringgraph.cli.app import UserError, cli


@cli.group()
def mapping() -> None:
    """Header mappings for exports whose headers ringgraph does not know."""


@mapping.command()
@click.argument("files", nargs=-1, required=True,
                type=click.Path(exists=True, dir_okay=False, path_type=Path))
def suggest(files: tuple[Path, ...]) -> None:
    """Profile each column's values and print a YAML mapping with a confidence and three
    masked sample values per column (edit it, then pass it to `ringgraph ingest --mapping`)."""
    from etl.errors import ExportError
    from etl.sample import sample_columns
    from etl.suggest import guess_columns, to_yaml

    for path in files:
        try:
            columns = sample_columns(path, path.name)
        except (ExportError, OSError) as exc:
            raise UserError(str(exc) if isinstance(exc, ExportError)
                            else f"{path}: cannot be read ({exc.strerror})") from None
        click.echo(to_yaml(path.name, guess_columns(columns)))
