"""One workspace for the CLI and the notebooks: where the store, the demo and the exports are.

A notebook kernel runs in ``notebooks/`` and the CLI in the project root, so relative paths
like ``data/ringgraph.duckdb`` would name two different files. Both resolve them here, against
the **project root**: ``$RINGGRAPH_HOME`` when set, else the nearest folder at or above the
starting folder that holds ``ringgraph.toml`` (or, failing that, ``pyproject.toml``).

``ringgraph.toml`` (optional) names the workspace's files; every key is optional::

    [workspace]
    store   = "data/ringgraph.duckdb"   # your data (what `ringgraph ingest` writes by default)
    demo    = "data/demo"               # the simulated demo: a store of its own, never mixed
    exports = "exports/"                # folder(s) the notebooks ingest, new records only
    mapping = "headers.yaml"            # export header -> canonical field

``$RINGGRAPH_DB`` overrides ``store`` (as it does for the CLI).

Examples
--------
>>> import os, tempfile
>>> root = Path(tempfile.mkdtemp())
>>> _ = (root / "ringgraph.toml").write_text('[workspace]\\nstore = "db/rg.duckdb"\\n')
>>> (root / "notebooks").mkdir()
>>> ws = Settings.load(root / "notebooks")
>>> ws.root == root.resolve(), ws.store.relative_to(ws.root).as_posix()
(True, 'db/rg.duckdb')
>>> ws.demo.relative_to(ws.root).as_posix()
'data/demo'
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from ringgraph.core.errors import InputError

CONFIG_FILE = "ringgraph.toml"
HOME_ENV = "RINGGRAPH_HOME"
DB_ENV = "RINGGRAPH_DB"
DEFAULTS = {"store": "data/ringgraph.duckdb", "demo": "data/demo"}


def project_root(start: str | Path | None = None) -> Path:
    """The project root: ``$RINGGRAPH_HOME``, else the nearest folder at or above ``start``
    (default: the current folder) holding ``ringgraph.toml``, else ``pyproject.toml``, else
    ``start`` itself."""
    home = os.environ.get(HOME_ENV)
    if home:
        return Path(home).expanduser().resolve()
    here = Path(start or Path.cwd()).resolve()
    chain = [here, *here.parents]
    for marker in (CONFIG_FILE, "pyproject.toml"):
        for folder in chain:
            if (folder / marker).is_file():
                return folder
    return here


@dataclass(frozen=True)
class Settings:
    """The resolved workspace: absolute paths, whatever the current folder.

    Attributes
    ----------
    root : Path
        The project root (see :func:`project_root`).
    store : Path
        The DuckDB file of your data.
    demo : Path
        Folder of the simulated demo (its scenario, store and results).
    exports : list of Path
        Export folders or files to ingest (empty when none are configured).
    mapping : Path or None
        YAML header mapping for those exports.
    """

    root: Path
    store: Path
    demo: Path
    exports: list[Path] = field(default_factory=list)
    mapping: Path | None = None

    @classmethod
    def load(cls, start: str | Path | None = None) -> "Settings":
        """Read ``ringgraph.toml`` (if any) at the project root found from ``start``."""
        root = project_root(start)
        conf = dict(DEFAULTS)
        path = root / CONFIG_FILE
        if path.is_file():
            try:
                table = tomllib.loads(path.read_text(encoding="utf-8")).get("workspace", {})
            except (OSError, tomllib.TOMLDecodeError) as exc:
                raise InputError(f"{path}: cannot read ({str(exc).splitlines()[0]})") from None
            unknown = set(table) - {"store", "demo", "exports", "mapping"}
            if unknown:
                raise InputError(f"{path}: unknown [workspace] key(s) {', '.join(sorted(unknown))}")
            conf.update(table)
        if os.environ.get(DB_ENV):
            conf["store"] = os.environ[DB_ENV]
        exports = conf.get("exports") or []
        exports = [exports] if isinstance(exports, str) else list(exports)
        mapping = conf.get("mapping")
        return cls(root=root, store=resolve(conf["store"], root), demo=resolve(conf["demo"], root),
                   exports=[resolve(e, root) for e in exports],
                   mapping=resolve(mapping, root) if mapping else None)


def resolve(path: str | Path, root: str | Path | None = None) -> Path:
    """``path`` as an absolute path: relative paths are taken from the project root."""
    p = Path(path).expanduser()
    return p if p.is_absolute() else Path(root or project_root()) / p


def default_db(start: str | Path | None = None) -> Path:
    """The workspace store (what the CLI uses when ``--db`` is not given)."""
    return Settings.load(start).store


def load_mapping(path: str | Path) -> dict[str, str]:
    """A ``export header: canonical_field`` YAML file, checked against the canonical fields.

    Raises
    ------
    InputError
        One line naming the file (and the header) when it cannot be used.
    """
    import yaml

    from ringgraph.core.records import COMPLAINT_FIELDS, TRANSFER_FIELDS

    path = Path(path)
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise InputError(f"{path}: cannot read mapping ({type(exc).__name__})") from None
    if not isinstance(data, dict):
        raise InputError(f"{path}: mapping must be 'export header: canonical_field' pairs")
    valid = set(COMPLAINT_FIELDS) | set(TRANSFER_FIELDS)
    for header, fld in data.items():
        if fld not in valid:
            raise InputError(f"{path}: header {header!r} maps to unknown field {fld!r}")
    return {str(k): str(v) for k, v in data.items()}


__all__ = ["Settings", "project_root", "resolve", "default_db", "load_mapping", "CONFIG_FILE",
           "HOME_ENV"]
