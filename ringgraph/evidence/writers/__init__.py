"""Evidence writers: one module per format, found and ordered here.

A writer is a function ``write(ctx, folder) -> list of file names written``, registered with
:func:`register` in its own module of this package. Every module of the package is imported
by :func:`writers`, so adding a format means adding one file here — nothing else changes:
the pack lists, hashes and zips whatever the writers wrote, and the report names it.

Writers run in ``order`` (then name); the report writers run last because the report lists
the pack's files.
"""

from __future__ import annotations

import importlib
import pkgutil
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Callable

if TYPE_CHECKING:
    from ringgraph.evidence.context import PackContext

WriteFn = Callable[["PackContext", Path], list[str]]


@dataclass(frozen=True)
class Writer:
    """A registered format.

    Attributes
    ----------
    name : str
        Short name of the format (``"graphml"``).
    order : int
        When it runs: lower first; writers that describe the pack (the reports) run last.
    files : dict
        File name → description (Chinese and English) for every file it may write.
    write : callable
        ``write(ctx, folder) -> [file names]``.
    """

    name: str
    order: int
    files: dict[str, str]
    write: WriteFn


_REGISTRY: dict[str, Writer] = {}


def register(name: str, order: int, files: dict[str, str]) -> Callable[[WriteFn], WriteFn]:
    """Decorator registering a writer function under ``name``."""
    def deco(fn: WriteFn) -> WriteFn:
        _REGISTRY[name] = Writer(name, order, dict(files), fn)
        return fn
    return deco


@lru_cache(maxsize=1)
def writers() -> tuple[Writer, ...]:
    """Every registered writer, in the order they run."""
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda i: i.name):
        importlib.import_module(f"{__name__}.{info.name}")
    return tuple(sorted(_REGISTRY.values(), key=lambda w: (w.order, w.name)))


def descriptions() -> dict[str, str]:
    """File name → description of every file a writer may write, in writer order."""
    out: dict[str, str] = {}
    for w in writers():
        out.update(w.files)
    return out


__all__ = ["Writer", "register", "writers", "descriptions"]
