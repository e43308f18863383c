"""Independent, named random streams derived from the scenario seed.

Each generator component draws from its own stream so that changing how much one component
consumes (say, a bigger text vocabulary) does not shift every other component's output.
Streams are keyed by a CRC of the component name rather than by spawn order, so adding a
component later leaves the existing ones untouched.
"""

from __future__ import annotations

import zlib

import numpy as np


def stream(seed: int, name: str) -> np.random.Generator:
    """A generator for one named component of the scenario.

    Parameters
    ----------
    seed : int
        The scenario seed.
    name : str
        Component name, e.g. ``"population"`` or ``"ring:R0003"``.

    Returns
    -------
    numpy.random.Generator
        A PCG64 generator seeded from ``SeedSequence([seed, crc32(name)])``.
    """
    key = zlib.crc32(name.encode("utf-8"))
    return np.random.default_rng(np.random.SeedSequence([int(seed) & 0xFFFFFFFFFFFFFFFF, key]))


def hex_strings(rng: np.random.Generator, n: int, width: int) -> list[str]:
    """``n`` random lower-case hex strings of ``width`` characters (``width`` even)."""
    if n <= 0:
        return []
    nbytes = width // 2
    blob = rng.bytes(n * nbytes).hex()
    return [blob[i:i + width] for i in range(0, n * width, width)]


def weighted_choice(rng: np.random.Generator, n: int, weights) -> np.ndarray:
    """Indices drawn with the given (unnormalised) weights, vectorised via the CDF."""
    w = np.asarray(weights, dtype=np.float64)
    cdf = np.cumsum(w)
    cdf /= cdf[-1]
    return np.minimum(np.searchsorted(cdf, rng.random(n), side="right"), len(w) - 1)
