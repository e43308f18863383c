"""The ``ringgraph`` command group, the options its verbs share, and the one place where
errors become exit codes.

Exit codes: 0 ok, 1 input/store error (a :class:`~ringgraph.core.errors.RingGraphError` or a
:class:`UserError`, printed as one line), 2 usage error, 3 internal error (a bug: one line,
``RINGGRAPH_DEBUG=1`` shows the traceback), 4 partial (some input files could not be read;
the others loaded), 130 interrupted. Progress goes to stderr,
results to stdout; nothing personal is printed unmasked.
"""

from __future__ import annotations

import os
from pathlib import Path

import click

from ringgraph.core.errors import RingGraphError

DB_ENV = "RINGGRAPH_DB"
STORE_ENV = "RINGGRAPH_STORE"
STORES = ("duckdb", "neo4j")


class UserError(click.ClickException):
    """An error the user can fix, raised by the CLI itself; printed as one line."""

    def show(self, file=None) -> None:
        click.echo(f"ringgraph: error: {self.message}", err=True)


class PartialError(UserError):
    """Some inputs could not be read while the others loaded: exit code 4."""

    exit_code = 4


def console():
    from rich.console import Console

    return Console(highlight=False, soft_wrap=True)


def progress():
    from ringgraph.core.progress import RichProgress

    return RichProgress()


def default_db() -> str:
    # The workspace's store (ringgraph.toml / $RINGGRAPH_HOME / $RINGGRAPH_DB), the same file
    # the notebooks use, whichever folder the command runs in.
    from ringgraph.workspace import default_db as workspace_db

    return str(workspace_db())


def store_kind(kind: str | None) -> str:
    kind = kind or os.environ.get(STORE_ENV, "duckdb")
    if kind not in STORES:
        raise UserError(f"${STORE_ENV}={kind!r} is not one of {', '.join(STORES)}")
    return kind


def open_store(db: str, read_only: bool = False, kind: str = "duckdb"):
    from ringgraph.store import open_store as _open

    return _open(kind, db, read_only=read_only)


def store_label(store) -> str:
    """What to print as "store:": the DuckDB file, or the Neo4j URI without credentials."""
    return str(getattr(store.conn, "where", None) or store.path) if store.name == "neo4j" \
        else str(store.path)


def load_result(rings_json: Path | None, db: str):
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


def check_paths(paths) -> None:
    for p in paths:
        if not Path(p).exists():
            raise UserError(f"{p}: no such file or folder")


db_option = click.option("--db", default=None, metavar="PATH",
                         help=f"DuckDB store file [default: ${DB_ENV} or data/ringgraph.duckdb]")
store_option = click.option(
    "--store", "store_kind", type=click.Choice(STORES), default=None,
    help=f"Graph store [default: ${STORE_ENV} or duckdb]; neo4j reads NEO4J_URI, NEO4J_USER, "
         "NEO4J_PASSWORD, NEO4J_DATABASE from the environment.")


allow_incomplete_option = click.option(
    "--allow-incomplete", is_flag=True,
    help="Use the store even if its last ingest run never completed (results may miss "
         "data).")


def require_complete(store, allow_incomplete: bool) -> None:
    """Refuse (or, with --allow-incomplete, warn about) a store whose last ingest run
    never completed."""
    from ringgraph.store.base import require_complete as check

    warning = check(store, allow_incomplete)
    if warning:
        click.echo(f"ringgraph: warning: {warning}", err=True)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="ringgraph")
def cli() -> None:
    """Find coordinated anti-debt-collection (反催收) complaint rings in institution exports."""


def main(argv: list[str] | None = None) -> int:
    """Entry point: one-line errors and the exit codes of the module docstring."""
    try:
        cli.main(args=argv, prog_name="ringgraph", standalone_mode=False)
    except click.exceptions.Abort:
        click.echo("ringgraph: aborted", err=True)
        return 1
    except UserError as exc:
        exc.show()
        return exc.exit_code
    except RingGraphError as exc:  # bad input, a store failing mid-command (server lost …)
        click.echo(f"ringgraph: error: {str(exc).splitlines()[0] if str(exc) else ''}",
                   err=True)
        return exc.exit_code
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
        first = str(exc).splitlines()[0] if str(exc) else ""
        click.echo(f"ringgraph: internal error: {type(exc).__name__}: {first} "
                   f"(set RINGGRAPH_DEBUG=1 for details)", err=True)
        return 3
    return 0


def work_dir(db: str, kind: str) -> Path:
    """Folder for a store's reports and results: beside the DuckDB file, or ``data/neo4j``
    (under the working directory) for a Neo4j store, which has no file of its own."""
    return Path(db).parent if kind == "duckdb" else Path("data") / "neo4j"
