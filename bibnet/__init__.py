"""bibnet: keyword co-occurrence maps from Web of Science exports."""

from bibnet.errors import BibnetError, InputError, OptionError
from bibnet.corpus import Corpus, LoadReport, read

__version__ = "0.1.0"

__all__ = ["BibnetError", "Corpus", "InputError", "LoadReport", "OptionError", "__version__", "read"]
