"""bibnet: keyword co-occurrence maps from Web of Science exports."""

from bibnet.errors import BibnetError, InputError, OptionError

__version__ = "0.1.0"

__all__ = ["BibnetError", "InputError", "OptionError", "__version__"]
