"""Load speed of the Neo4j store: batched UNWIND/MERGE loader vs one row per transaction.

    python benchmarks/bench_neo4j.py --complaints 1000000 [--seed 7] [--work DIR]

1. Simulate ``--complaints`` complaints and ingest them into a DuckDB store (cached in
   ``--work`` so a re-run skips it); its node and relationship frames are what gets loaded.
2. Start a local Neo4j Community server for the run (temporary home, free loopback port,
   no GDS) unless ``NEO4J_URI`` names one (its database is emptied: use a scratch one).
3. Naive baseline: a ``--naive-sample`` of relationships and their end nodes, one MERGE
   per managed transaction, into an empty database.
4. The real loader: ``Neo4jStore.write`` of every node and relationship into an empty
   database (``UNWIND $rows`` batches of ``--batch`` rows, MERGE on keys).
5. The first-load path: ``ringgraph neo4j import`` (Neo4j's offline importer, see
   :mod:`ringgraph.store.neo4j_bulk`) of the same DuckDB store into a second, stopped local
   server (skipped when ``NEO4J_URI`` is set).

Prints nodes/s and relationships/s for both and the ratio, and checks the loaded counts
against DuckDB.
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import shutil
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from ringgraph.core import model as m  # noqa: E402
from ringgraph.core.progress import Progress, Task  # noqa: E402
from ringgraph.store import DuckDBStore  # noqa: E402
from ringgraph.store.neo4j_store import (Connection, Neo4jStore, _plain,  # noqa: E402
                                         connection_from_env)

# One row per transaction: what a loader without batching does (in the store's namespace).
def _naive(cy):
    node = {label: f"MERGE (n:`{cy.key(label)}` {{key: $key}}) ON CREATE SET "
                   f"n:`{label}`:`{cy.ns}`, n.name = $name, n.props = $props, "
                   "n.source = $source, n.row = $row, n.at = $at" for label in m.NODE_LABELS}
    rel = {s: f"MATCH (a:`{cy.key(s.src)}` {{key: $src}}) "
              f"MATCH (b:`{cy.key(s.dst)}` {{key: $dst}}) "
              f"MERGE (a)-[e:`{m.check_rel(s.rel)}` {{eid: $eid}}]->(b) ON CREATE SET "
              "e.props = $props, e.source = $source, e.row = $row, e.at = $at"
           for s in m.RELATIONSHIPS}
    return node, rel
SPEC = {(s.src, s.rel, s.dst): s for s in m.RELATIONSHIPS}


class TimingProgress(Progress):
    """Seconds per step (descriptions name steps, never data)."""

    def __init__(self) -> None:
        self.steps: dict[str, float] = {}

    @contextmanager
    def task(self, description: str, total: int | None = None):
        t0 = time.perf_counter()
        yield Task()
        self.steps[description] = self.steps.get(description, 0.0) + time.perf_counter() - t0


def frames(work: Path, complaints: int, seed: int):
    """Graph frames of a simulated scenario, via the real ETL into a cached DuckDB store."""
    from etl.ingest import ingest
    from simulator import ScenarioConfig, simulate

    tag = work / f"frames-{complaints}-{seed}.json"
    db = work / f"g-{complaints}-{seed}.duckdb"
    if not tag.is_file():
        scen = work / "scenario"
        shutil.rmtree(scen, ignore_errors=True)
        db.unlink(missing_ok=True)
        t = time.perf_counter()
        simulate(ScenarioConfig(complaints=complaints, seed=seed), scen)
        t_sim = time.perf_counter() - t
        t = time.perf_counter()
        with DuckDBStore(db) as store:
            ingest([scen], store)
        tag.write_text(json.dumps({"simulate_s": round(t_sim, 1),
                                   "ingest_duckdb_s": round(time.perf_counter() - t, 1)}))
        shutil.rmtree(scen, ignore_errors=True)
    with DuckDBStore(db, read_only=True) as store:
        return store.nodes(), store.edges(), store.counts(), json.loads(tag.read_text())


def naive_load(store: Neo4jStore, nodes, edges, sample: int, seed: int) -> dict:
    """One MERGE per transaction: ``sample`` nodes, then ``sample`` relationships.

    The nodes are end nodes of the sampled relationships; the end nodes beyond the first
    ``sample`` are loaded batched (untimed) so every relationship finds both ends.
    """
    rels = edges.sample(n=min(sample, len(edges)), random_state=seed)
    ends = set(zip(rels["src_label"], rels["src_key"])) | set(zip(rels["dst_label"],
                                                                  rels["dst_key"]))
    idx = nodes.set_index(["label", "key"]).index
    nds = _plain(nodes[idx.isin(list(ends))], m.NODE_COLUMNS)
    timed, rest = nds.iloc[:sample], nds.iloc[sample:]
    rels = _plain(rels, m.EDGE_COLUMNS)
    NAIVE_NODE, NAIVE_REL = _naive(store.cypher)
    with store.driver.session(database=store.conn.database) as s:
        t = time.perf_counter()
        for r in timed.itertuples(index=False):
            s.execute_write(lambda tx, r=r: tx.run(
                NAIVE_NODE[r.label], key=r.key, name=r.name, props=r.props, source=r.source,
                row=r.row, at=r.at).consume())
        t_nodes = time.perf_counter() - t
        store.write(rest, edges.iloc[:0])
        t = time.perf_counter()
        for r in rels.itertuples(index=False):
            q = NAIVE_REL[SPEC[(r.src_label, r.rel, r.dst_label)]]
            s.execute_write(lambda tx, r=r, q=q: tx.run(
                q, src=r.src_key, dst=r.dst_key, eid=r.eid, props=r.props, source=r.source,
                row=r.row, at=r.at).consume())
        t_rels = time.perf_counter() - t
    return {"nodes": len(timed), "nodes_s": t_nodes, "rels": len(rels), "rels_s": t_rels}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--complaints", type=int, default=1_000_000)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--batch", type=int, default=10_000, help="rows per UNWIND transaction")
    ap.add_argument("--naive-sample", type=int, default=10_000)
    ap.add_argument("--work", type=Path, default=None,
                    help="folder for the cached scenario store and the server's home "
                         "(default: a temporary one, removed afterwards)")
    ap.add_argument("--heap", default="3g")
    ap.add_argument("--pagecache", default="2g")
    args = ap.parse_args()

    work = args.work or Path(tempfile.mkdtemp(prefix="rg-bench-neo4j-"))
    work.mkdir(parents=True, exist_ok=True)
    server = None
    try:
        t = time.perf_counter()
        nodes, edges, want, prep = frames(work, args.complaints, args.seed)
        print(f"frames: {len(nodes):,} nodes, {len(edges):,} relationships "
              f"(prepared in {time.perf_counter() - t:.0f} s; {prep})", flush=True)
        if os.environ.get("NEO4J_URI"):
            conn = connection_from_env()
        else:
            from ringgraph.store.neo4j_local import LocalNeo4j, free_port

            home = work / "neo4j-home"
            shutil.rmtree(home, ignore_errors=True)
            server = LocalNeo4j(home=home, port=free_port(), password=secrets.token_urlsafe(16),
                                heap=args.heap, pagecache=args.pagecache, gds=False)
            t = time.perf_counter()
            server.start(timeout=300)
            print(f"local Neo4j {server.uri} started in {time.perf_counter() - t:.0f} s "
                  f"(heap {args.heap}, page cache {args.pagecache})", flush=True)
            conn = Connection(server.uri, "neo4j", server.password, "neo4j")

        with Neo4jStore(conn, batch_size=args.batch) as store:
            store.delete_all()
            naive = naive_load(store, nodes, edges, args.naive_sample, args.seed)
            n_nps = naive["nodes"] / naive["nodes_s"]
            n_rps = naive["rels"] / naive["rels_s"]
            print(f"naive (1 row/tx): {naive['nodes']:,} nodes in {naive['nodes_s']:.1f} s = "
                  f"{n_nps:,.0f}/s; {naive['rels']:,} relationships in {naive['rels_s']:.1f} s "
                  f"= {n_rps:,.0f}/s", flush=True)
            store.delete_all()
            prog = TimingProgress()
            t = time.perf_counter()
            stats = store.write(nodes, edges, progress=prog)
            total = time.perf_counter() - t
            t_nodes = prog.steps["writing nodes (neo4j)"]
            t_rels = prog.steps["writing relationships (neo4j)"]
            got = store.counts()
        b_nps, b_rps = len(nodes) / t_nodes, len(edges) / t_rels
        print(f"batched (UNWIND {args.batch:,}/tx): {stats.nodes_added:,} nodes in "
              f"{t_nodes:.1f} s = {b_nps:,.0f}/s; {stats.edges_added:,} relationships in "
              f"{t_rels:.1f} s = {b_rps:,.0f}/s; total {total:.1f} s")
        print(f"speed-up vs naive: nodes x{b_nps / n_nps:.0f}, relationships x{b_rps / n_rps:.0f}")
        print(f"counts match DuckDB: {got == want}")
        print(f"| {time.strftime('%Y-%m-%d')} | {args.complaints:,} | {len(nodes):,} | "
              f"{len(edges):,} | {b_nps:,.0f} | {b_rps:,.0f} | {n_nps:,.0f} | {n_rps:,.0f} | "
              f"x{b_rps / n_rps:.0f} | {total:.0f} s |")
        if got != want:
            raise SystemExit("loaded counts differ from DuckDB")
        if server is not None:
            server.stop()
            bulk_first_load(work, args)
    finally:
        if server is not None:
            server.stop()
        if args.work is None:
            shutil.rmtree(work, ignore_errors=True)


def bulk_first_load(work: Path, args) -> None:
    """Step 5: the offline importer into a fresh server home; counts checked by bulk_load."""
    from ringgraph.store.neo4j_bulk import bulk_load
    from ringgraph.store.neo4j_local import LocalNeo4j, free_port

    home = work / "neo4j-bulk-home"
    shutil.rmtree(home, ignore_errors=True)
    srv = LocalNeo4j(home=home, port=free_port(), password=secrets.token_urlsafe(16),
                     heap=args.heap, pagecache=args.pagecache, gds=False)
    try:
        with DuckDBStore(str(work / f"g-{args.complaints}-{args.seed}.duckdb"),
                         read_only=True) as duck:
            st = bulk_load(duck, srv)
    finally:
        srv.stop()
    print(f"bulk (neo4j-admin import): {st['nodes']:,} nodes and {st['relationships']:,} "
          f"relationships in {st['import_seconds']:.1f} s = {st['relationships_per_second']:,} "
          f"relationships/s; {st['total_seconds']:.1f} s with files, start, bookkeeping and "
          f"count check (counts match DuckDB)", flush=True)


if __name__ == "__main__":
    main()
