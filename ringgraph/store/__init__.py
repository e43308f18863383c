"""Graph stores behind one interface: :class:`GraphStore`; DuckDB is the embedded default."""

from .base import GraphStore, StoreError, WriteStats
from .duckdb_store import DuckDBStore

DEFAULT_DB = "data/ringgraph.duckdb"


def open_store(kind: str = "duckdb", path: str | None = None, read_only: bool = False
               ) -> GraphStore:
    """Open a store by name (``duckdb``; ``neo4j`` arrives with its issue)."""
    if kind == "duckdb":
        return DuckDBStore(path or DEFAULT_DB, read_only=read_only)
    raise StoreError(f"unknown store {kind!r}; available: duckdb")


__all__ = ["GraphStore", "StoreError", "WriteStats", "DuckDBStore", "open_store", "DEFAULT_DB"]
