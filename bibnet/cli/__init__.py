"""The ``bibnet`` command line: argument parsing only; the work is done by the library.

Each command lives in its own module and is registered here. Errors a user can cause
(:class:`bibnet.errors.BibnetError`) and errors of the system (:class:`OSError`: a full disk, a
file that cannot be read) become one line on stderr and exit status 2; any other exception is a
bug and keeps its traceback. SIGTERM, like Ctrl-C (SIGINT), becomes an exception, so that a run
stopped either way removes its temporary output folder and its worker processes
(:mod:`bibnet.readwrite.run_folder`, :mod:`bibnet.workers`); bibnet then says so in one line and
ends by that signal, as a process stopped by it would.
"""

from __future__ import annotations

import os
import signal
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager

import click

from bibnet.errors import BibnetError


class _Terminated(BaseException):
    """SIGTERM, raised in the main thread (a BaseException, like KeyboardInterrupt: nothing catches it by mistake)."""


class _Group(click.Group):
    """A click group that reports bibnet and system errors in one line, without a traceback."""

    def invoke(self, ctx: click.Context):
        try:
            with _sigterm_raises():
                return super().invoke(ctx)
        except BibnetError as exc:
            _fail(str(exc))
        except OSError as exc:
            _fail(_os_error(exc))
        except (KeyboardInterrupt, _Terminated) as exc:
            _stop(signal.SIGINT if isinstance(exc, KeyboardInterrupt) else signal.SIGTERM)


def _fail(message: str) -> None:
    click.echo(f"bibnet: error: {message}", err=True)
    sys.exit(2)


def _os_error(exc: OSError) -> str:
    """``file: problem`` like bibnet's own messages (``[Errno 28] ...`` says less to a user)."""
    if exc.strerror and exc.filename is not None:
        return f"{os.fsdecode(exc.filename)}: {exc.strerror}"
    return exc.strerror or str(exc)


def _stop(sig: signal.Signals) -> None:
    """After the clean-up: say so, then end by ``sig`` (shells tell a stopped command from a failed one)."""
    click.echo(f"bibnet: stopped by {sig.name}", err=True)
    sys.stderr.flush()
    signal.signal(sig, signal.SIG_DFL)
    os.kill(os.getpid(), sig)
    sys.exit(128 + sig)  # where the signal does not end the process at once


@contextmanager
def _sigterm_raises() -> Iterator[None]:
    """While a command runs, SIGTERM raises :class:`_Terminated` in the main thread."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def terminate(_signum: int, _frame: object) -> None:
        raise _Terminated

    previous = signal.signal(signal.SIGTERM, terminate)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="bibnet")
def main() -> None:
    """Keyword co-occurrence maps from Web of Science, Scopus, Lens, PubMed, Dimensions and OpenAlex exports."""


def _register() -> None:
    # Imported here so that `bibnet --help` stays fast and each command owns its module.
    from bibnet.cli import analyze, info, map_cmd, remap_cmd, resolution_cmd, themes_cmd, thesaurus_cmd

    for module in (analyze, map_cmd, themes_cmd, info, remap_cmd, resolution_cmd, thesaurus_cmd):
        main.add_command(module.command)


_register()
