"""Random seeds, handled in one place.

Every random choice in bibnet (Leiden starts, layout starts) draws from a generator made
here, so the same seed gives the same output in every process, whatever PYTHONHASHSEED is.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from bibnet.options import option

DEFAULT_SEED = 0  # VOSviewer's fixed seed


def rng(seed: int | None = DEFAULT_SEED) -> np.random.Generator:
    """Return a numpy generator for ``seed`` (``None`` means :data:`DEFAULT_SEED`)."""
    return np.random.default_rng(DEFAULT_SEED if seed is None else seed)


def start_seeds(seed: int | None, n: int) -> list[int]:
    """Return ``n`` independent 31-bit seeds, one per random start, derived from ``seed``."""
    ss = np.random.SeedSequence(DEFAULT_SEED if seed is None else seed)
    return [int(s.generate_state(1)[0] & 0x7FFFFFFF) for s in ss.spawn(n)]


def seed_option() -> Any:
    """The ``seed`` option, declared once for every parameter class that draws at random."""
    return option(DEFAULT_SEED, min=0, help="Random seed (clustering and layout).")
