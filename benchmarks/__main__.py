"""Benchmarks of bibnet: ``python -m benchmarks run [--quick]``.

``run`` measures every stage at 40,000 and 400,000 records and the 1,000,000-record run,
each next to a baseline of the same run, and rewrites ``benchmarks/RESULTS.md`` (about an
hour on 2 cores; inputs are generated once into ``benchmarks/data/``).
``run --quick`` (under a minute) compares a few ratios with those recorded in RESULTS.md and
exits 1 on a gross regression (:data:`benchmarks.suite.REGRESSION_FACTOR` times worse).
``memory DIR`` prints where the memory of a big run goes, step by step.
"""

from __future__ import annotations

import argparse
import sys

from benchmarks import suite


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    run = sub.add_parser("run", help="measure and write benchmarks/RESULTS.md (or --quick: check for regressions)")
    run.add_argument("--quick", action="store_true", help="regression check against RESULTS.md, under a minute")
    run.add_argument("--runs", type=int, default=suite.RUNS, help="runs per measurement (median reported)")
    run.add_argument("--no-400k", dest="big", action="store_false", help="40,000 records only")
    run.add_argument("--no-million", dest="million", action="store_false", help="skip the 1,000,000-record run")
    memory = sub.add_parser("memory", help="resident memory after each step of a big run")
    memory.add_argument("folder")
    memory.add_argument("--min-occurrences", type=int, default=suite.MIN_OCCURRENCES)
    args = parser.parse_args(argv)

    if args.command == "memory":
        suite.memory_profile(args.folder, min_occurrences=args.min_occurrences)
        return 0
    if args.quick:
        return suite.quick(runs=args.runs)
    suite.full(runs=args.runs, big=args.big, million=args.million and args.big)
    return 0


if __name__ == "__main__":
    sys.exit(main())
