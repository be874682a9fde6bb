"""Types of the compiled Leiden kernels (``_leiden_kernels.pyx``) that :mod:`bibnet.clustering` calls.

Networks are compressed sparse rows: ``indptr`` (int64), ``indices`` (int32), ``data`` (float64).
"""

import numpy as np

def leiden(
    indptr: np.ndarray,
    indices: np.ndarray,
    data: np.ndarray,
    resolution: float,
    randomness: float,
    iterations: int,
    bit_generator: np.random.BitGenerator,
) -> np.ndarray: ...
def inside_weight(indptr: np.ndarray, indices: np.ndarray, data: np.ndarray, labels: np.ndarray) -> float: ...
