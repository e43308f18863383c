"""``ringgraph neo4j start|stop|status``: the local Neo4j server for development and tests.

    ringgraph neo4j start          # resolve jars with Maven (first time), start, wait for Bolt
    ringgraph neo4j status         # running? pid, Bolt URI, GDS
    ringgraph neo4j stop           # clean shutdown

Settings come from the environment (see :mod:`ringgraph.neo4j_local`); the password is
never printed.
"""

from __future__ import annotations

import json
from pathlib import Path

import click

from ringgraph.cli import UserError


def _server(home: Path | None, port: int | None, gds: bool | None):
    from ringgraph.store.neo4j_local import LocalNeo4j

    return LocalNeo4j.from_env(home=home, port=port, gds=gds)


home_option = click.option("--home", type=click.Path(file_okay=False, path_type=Path),
                           default=None, help="Server folder [default: $RINGGRAPH_NEO4J_HOME "
                                              "or neo4j-server/run].")
port_option = click.option("--port", type=click.IntRange(1, 65535), default=None,
                           help="Bolt port on 127.0.0.1 [default: $RINGGRAPH_NEO4J_PORT or 7687].")


@click.group()
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
        return
    if not st["running"]:
        raise UserError(f"Neo4j is not running (home {st['home']})")
    if not st["answers"]:
        raise UserError(f"Neo4j runs (pid {st['pid']}) but Bolt on {st['uri']} does not "
                        "accept the login; check NEO4J_PASSWORD")
    click.echo(f"Neo4j running (pid {st['pid']}) on {st['uri']}, home {st['home']}"
               f"{', GDS loaded' if st['gds'] else ''}")


# ------------------------------------------------------------------- detect --engine gds
ENGINES = ("python", "gds")


def with_engine_option(command: click.Command) -> click.Command:
    """Add ``--engine python|gds`` to ``ringgraph detect``.

    ``python`` (default) leaves the command as it is; ``gds`` runs the chosen detector
    (``leiden``, ``louvain`` or ``wcc``) inside Neo4j with the Graph Data Science plugin
    and writes the ring ids back to the ``Complaint`` nodes (see :mod:`ringgraph.gds`).
    """
    import functools

    command.params.append(click.Option(
        ["--engine"], type=click.Choice(ENGINES), default="python", show_default=True,
        help="Where communities are found: python (igraph/leidenalg) or gds (inside Neo4j "
             "with Graph Data Science; needs --store neo4j; writes ringId to Complaint nodes)."))
    inner = command.callback

    @functools.wraps(inner)
    def callback(engine: str = "python", **kwargs):
        if engine == "gds":
            return _detect_gds(**kwargs)
        return inner(**kwargs)

    command.callback = callback
    return command


def _detect_gds(db=None, store_kind=None, detector="leiden", list_detectors=False,
                resolution=None, seed=0, threshold=None, out=None, top=10,
                allow_incomplete=False, **other) -> None:
    from ringgraph import cli as c
    from ringgraph.analysis.detect.gds import ALGORITHMS, GdsDetector, write_rings
    from ringgraph.analysis.project import project
    from ringgraph.analysis.pipeline import find_rings, identifier_names
    from ringgraph.analysis.score import ScoreParams
    from ringgraph.store import StoreError

    unsupported = sorted(k for k, v in other.items() if v not in (None, False))
    if unsupported:
        raise UserError(f"--{unsupported[0].replace('_', '-')} is not supported with "
                        "--engine gds")
    if list_detectors:
        for name in ALGORITHMS:
            click.echo(f"{name}\tGDS {name} inside Neo4j")
        return
    if c._store_kind(store_kind) != "neo4j":
        raise UserError("--engine gds runs inside Neo4j: add --store neo4j")
    if detector not in ALGORITHMS:
        raise UserError(f"detector {detector!r} has no GDS engine; available: "
                        f"{', '.join(ALGORITHMS)}")
    if resolution is not None and detector != "leiden":
        raise UserError(f"detector {detector!r} has no resolution parameter")
    params = {"algorithm": detector, "seed": seed}
    if resolution is not None:
        params["resolution"] = resolution
    sp = ScoreParams()
    if threshold is not None:
        sp.threshold = threshold
    db = db or c._default_db()
    prog = c._progress()
    # GDS writes community numbers and ring ids back, so the store opens for writing.
    with c._open_store(db, read_only=False, kind="neo4j") as store:
        c._require_complete(store, allow_incomplete)
        try:
            graph = project(store, progress=prog)
            if graph.n == 0:
                raise UserError(f"{store.path}: the store holds no complaints; "
                                "run `ringgraph ingest --store neo4j` first")
            det = GdsDetector(**params).bind(store)
            result = find_rings(graph, det, sp, identifier_names(store),
                                data_fingerprint=store.fingerprint(), progress=prog)
            labelled = write_rings(store, result)
        except StoreError as exc:
            raise UserError(str(exc)) from None
    out = out or Path(db).parent / "results"
    paths = result.write(out)
    c._print_rings(result, top)
    click.echo(f"{len(result.flagged())} rings flagged of {len(result.rings)} communities "
               f"({sum(r.size for r in result.flagged())} complaints of {result.n_complaints}); "
               f"GDS {det.gds_version_} {detector}; ringId written to {labelled} complaints; "
               f"wrote {paths['rings_csv']} and {paths['rings_json']}")
