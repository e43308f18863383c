"""Progress reporting that library code can call without knowing who is watching.

Library functions take an optional ``progress`` argument (a :class:`Progress`). The CLI
passes a :class:`RichProgress` that draws bars on stderr; library callers and tests get the
silent default. Descriptions never contain PII: they name steps and files, not values.
"""

from __future__ import annotations

from contextlib import contextmanager
from typing import Iterator


class Task:
    """Handle for one step; ``advance`` moves it forward by ``n`` units."""

    def advance(self, n: int = 1) -> None:  # pragma: no cover - trivial
        pass


class Progress:
    """Silent progress: the default for library calls."""

    @contextmanager
    def task(self, description: str, total: int | None = None) -> Iterator[Task]:
        yield Task()

    def note(self, message: str) -> None:
        """A one-line status message (no PII)."""


class _RichTask(Task):
    def __init__(self, bar, task_id) -> None:
        self._bar = bar
        self._id = task_id

    def advance(self, n: int = 1) -> None:
        self._bar.advance(self._id, n)


class RichProgress(Progress):
    """Progress bars on stderr via rich, one bar per step."""

    def __init__(self, console=None) -> None:
        from rich.console import Console

        self.console = console or Console(stderr=True)

    @contextmanager
    def task(self, description: str, total: int | None = None) -> Iterator[Task]:
        from rich.progress import (BarColumn, MofNCompleteColumn, Progress as _Bar,
                                   SpinnerColumn, TextColumn, TimeElapsedColumn)

        columns = [SpinnerColumn(), TextColumn("{task.description}"), BarColumn(),
                   MofNCompleteColumn(), TimeElapsedColumn()]
        with _Bar(*columns, console=self.console, transient=False) as bar:
            task_id = bar.add_task(description, total=total)
            yield _RichTask(bar, task_id)
            if total is not None:
                bar.update(task_id, completed=total)

    def note(self, message: str) -> None:
        self.console.print(message)


SILENT = Progress()


class _TqdmTask(Task):
    def __init__(self, bar) -> None:
        self._bar = bar

    def advance(self, n: int = 1) -> None:
        self._bar.update(n)


class TqdmProgress(Progress):
    """Progress bars with tqdm, for notebooks: widget bars in JupyterLab when ipywidgets is
    installed, plain text bars otherwise (and in headless runs)."""

    def __init__(self, leave: bool = True) -> None:
        self.leave = leave

    @staticmethod
    def _tqdm():
        # tqdm.auto warns ("IProgress not found") without ipywidgets: only use it when the
        # widget bar can actually be drawn.
        try:
            import ipywidgets  # noqa: F401 - only whether it is there
        except ImportError:
            from tqdm.std import tqdm
        else:
            from tqdm.auto import tqdm
        return tqdm

    @contextmanager
    def task(self, description: str, total: int | None = None) -> Iterator[Task]:
        bar = self._tqdm()(total=total, desc=description, leave=self.leave, dynamic_ncols=True)
        try:
            yield _TqdmTask(bar)
            if total is not None and bar.n < total:
                bar.update(total - bar.n)
        finally:
            bar.close()

    def note(self, message: str) -> None:
        self._tqdm().write(message)


def tqdm(*args, **kwargs):
    """``tqdm`` for notebook loops: the widget bar when ipywidgets is installed, the text
    bar otherwise (``tqdm.auto`` would warn "IProgress not found" there)."""
    return TqdmProgress._tqdm()(*args, **kwargs)
