"""``ringgraph neo4j start|stop|status``: the local Neo4j server for development and tests.

    ringgraph neo4j start          # resolve jars with Maven (first time), start, wait for Bolt
    ringgraph neo4j status         # running? pid, Bolt URI, GDS
    ringgraph neo4j stop           # clean shutdown

Settings come from the environment (see :mod:`ringgraph.store.neo4j_local`); the password is
never printed.
"""

from __future__ import annotations

import json
from pathlib import Path

import click

from ringgraph.cli.app import UserError, cli


def _server(home: Path | None, port: int | None, gds: bool | None):
    from ringgraph.store.neo4j_local import LocalNeo4j

    return LocalNeo4j.from_env(home=home, port=port, gds=gds)


home_option = click.option("--home", type=click.Path(file_okay=False, path_type=Path),
                           default=None, help="Server folder [default: $RINGGRAPH_NEO4J_HOME "
                                              "or neo4j-server/run].")
port_option = click.option("--port", type=click.IntRange(1, 65535), default=None,
                           help="Bolt port on 127.0.0.1 [default: $RINGGRAPH_NEO4J_PORT or 7687].")


@cli.group()
def neo4j() -> None:
    """Local Neo4j Community 5.26 server (loopback only) for development and tests."""


@neo4j.command()
@home_option
@port_option
@click.option("--gds/--no-gds", default=None,
              help="Load the Graph Data Science plugin [default: $RINGGRAPH_NEO4J_GDS or on].")
@click.option("--timeout", type=float, default=180.0, show_default=True,
              help="Seconds to wait for Bolt to answer.")
def start(home: Path | None, port: int | None, gds: bool | None, timeout: float) -> None:
    """Start the server and wait until Bolt answers (idempotent)."""
    from ringgraph.store.neo4j_local import ServerError

    srv = _server(home, port, gds)
    try:
        st = srv.start(timeout=timeout)
    except ServerError as exc:
        raise UserError(str(exc)) from None
    click.echo(f"Neo4j running (pid {st['pid']}) on {st['uri']}, home {st['home']}"
               f"{', GDS loaded' if st['gds'] else ''}")
    click.echo(f"use it: NEO4J_URI={st['uri']} ringgraph ingest DIR --store neo4j")


@neo4j.command()
@home_option
def stop(home: Path | None) -> None:
    """Stop the server cleanly."""
    srv = _server(home, None, None)
    pid = srv.pid()
    click.echo(f"Neo4j (pid {pid}) stopped" if srv.stop() else "Neo4j was not running")


@neo4j.command()
@home_option
@click.option("--json", "as_json", is_flag=True, help="Print the status as JSON.")
def status(home: Path | None, as_json: bool) -> None:
    """Whether the server runs and answers; exit code 1 when it does not."""
    st = _server(home, None, None).status()
    if as_json:
        click.echo(json.dumps(st, sort_keys=True))
        if not st["running"]:
            raise UserError("Neo4j is not running")
        if not st["answers"]:
            raise UserError(f"Neo4j runs but does not answer a query: {st['problem']}")
        return
    if not st["running"]:
        raise UserError(f"Neo4j is not running (home {st['home']})")
    if not st["answers"]:
        raise UserError(f"Neo4j runs (pid {st['pid']}) but Bolt on {st['uri']} does not "
                        f"answer a query: {st['problem']}")
    click.echo(f"Neo4j running (pid {st['pid']}) on {st['uri']}, home {st['home']}"
               f"{', GDS loaded' if st['gds'] else ''}")


@neo4j.command("import")
@click.option("--db", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="DuckDB store to copy (e.g. what `ringgraph ingest` wrote).")
@home_option
@port_option
def import_(db: Path, home: Path | None, port: int | None) -> None:
    """First load of an empty local database with Neo4j's offline importer (fast); the
    server must be stopped, and is started afterwards. Later loads: `ingest --store neo4j`."""
    from ringgraph.cli.app import open_store, progress
    from ringgraph.store.neo4j_bulk import bulk_load

    if not db.is_file():
        raise UserError(f"--db {db}: no such store")
    srv = _server(home, port, None)
    with open_store(str(db), read_only=True) as source:
        stats = bulk_load(source, srv, progress=progress())
    click.echo(f"imported {stats['nodes']:,} nodes and {stats['relationships']:,} "
               f"relationships in {stats['import_seconds']:.1f}s "
               f"({stats['relationships_per_second']:,} relationships/s; "
               f"{stats['total_seconds']:.1f}s with start and checks); Neo4j running on {srv.uri}")
