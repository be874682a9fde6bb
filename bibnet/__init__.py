"""bibnet: keyword co-occurrence maps from Web of Science exports."""

from bibnet.errors import BibnetError, InputError, OptionError
from bibnet.corpus import Corpus, LoadReport, read

__version__ = "0.1.0"


def __getattr__(name: str):
    # The analysis pulls in clustering, layout (numba) and plotting: import it only when used.
    if name in ("analyze", "compare_fields"):
        from bibnet import analysis

        return getattr(analysis, name)
    raise AttributeError(f"module 'bibnet' has no attribute {name!r}")

__all__ = ["BibnetError", "Corpus", "InputError", "LoadReport", "OptionError", "__version__", "analyze", "compare_fields", "read"]
