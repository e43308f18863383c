"""Graph stores behind one interface: :class:`GraphStore`; DuckDB is the embedded default,
Neo4j the shared team store."""

from ringgraph.store.base import GraphStore, StoreError, WriteStats
from ringgraph.store.duckdb_store import DuckDBStore

DEFAULT_DB = "data/ringgraph.duckdb"
STORE_KINDS = ("duckdb", "neo4j")


def open_store(kind: str = "duckdb", path: str | None = None, read_only: bool = False
               ) -> GraphStore:
    """Open a store by name.

    Parameters
    ----------
    kind : {"duckdb", "neo4j"}
        ``duckdb`` opens the file ``path``; ``neo4j`` connects to the server named by
        ``NEO4J_URI``, ``NEO4J_USER``, ``NEO4J_PASSWORD`` and ``NEO4J_DATABASE`` (credentials
        only from the environment; ``path`` is ignored).
    path : str, optional
        DuckDB file (default :data:`DEFAULT_DB`).
    read_only : bool
        Open for reading; the store must exist.

    Raises
    ------
    StoreError
        One line when the store cannot be opened.
    """
    if kind == "duckdb":
        return DuckDBStore(path or DEFAULT_DB, read_only=read_only)
    if kind == "neo4j":
        # Imported here so DuckDB users never load the driver.
        from ringgraph.store.neo4j_store import Neo4jStore

        return Neo4jStore(read_only=read_only)
    raise StoreError(f"unknown store {kind!r}; available: {', '.join(STORE_KINDS)}")


__all__ = ["GraphStore", "StoreError", "WriteStats", "DuckDBStore", "open_store", "DEFAULT_DB",
           "STORE_KINDS"]
