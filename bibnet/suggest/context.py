"""What a variant rule is given: the distinct current keys and the corpus around them.

A rule gets the distinct current keys (object array, in no set order) and a :class:`Context`,
and returns one new key per key. "Does the other form occur?" is answered by
:meth:`Context.resolve`. The array helpers here are shared by the rules and the driver.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import scipy.sparse as sp


@dataclass(frozen=True)
class Context:
    """What rules may look at besides the keys.

    Attributes
    ----------
    keys
        The current keys.
    renamed
        Every earlier form of a keyword (the keyword itself, its key after an earlier rule)
        that is no longer a key -> its current key: the plural rule finds the singular
        "learning-function" although the hyphen rule renamed it "learningfunction".
    incidence
        Documents x current keys, 1 where the document has the key; ``None`` without
        document-keyword pairs.
    """

    keys: frozenset[str]
    renamed: dict[str, str]
    incidence: sp.csr_matrix | None = None

    def resolve(self, form: str) -> str | None:
        """The current key of a form some keyword had (or has), else ``None``."""
        return form if form in self.keys else self.renamed.get(form)


#: A variant rule: distinct current keys and their context -> one new key per key.
Rule = Callable[[np.ndarray, Context], np.ndarray]


def vectorize(fn: Callable[[str], str]) -> Callable[[np.ndarray], np.ndarray]:
    """Apply a string function to an object array (the rules work on unique keys only)."""
    return lambda keys: np.array([fn(k) for k in keys], dtype=object)


def as_arrow(keys: np.ndarray) -> pa.Array:
    """Keys as an Arrow string array, for the vectorised string kernels."""
    return pa.array(keys, type=pa.large_string())


def as_numpy(values: pa.Array) -> np.ndarray:
    """An Arrow array as a numpy array (copied where Arrow's layout needs it)."""
    return values.to_numpy(zero_copy_only=False)
