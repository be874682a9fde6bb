"""Exceptions raised by bibnet.

Every error a user can cause derives from :class:`BibnetError`; the command line turns
it into a one-line message and exit status 2, never a traceback.
"""


class BibnetError(Exception):
    """Base class of all errors caused by input or options, not by bugs."""


class InputError(BibnetError):
    """An input file cannot be read as what it was expected to be.

    The message is one line naming the file (and line, where known) and the problem.
    """


class OptionError(BibnetError):
    """An option or parameter value is invalid."""
