"""`build`: check every role, render every output in memory, then publish output/."""

from __future__ import annotations

import argparse
import gc
import sys
import time
from pathlib import Path

from rolebook.build import cache
from rolebook.commands.options import (
    LANGUAGES,
    jobs_argument,
    output_argument,
    print_lines,
    summary_line,
)
from rolebook.commands.progress import Progress
from rolebook.model.errors import CheckFailed

SUMMARY = "check every role, then write output/docx/ and output/html/"


def arguments(p: argparse.ArgumentParser) -> None:
    """Adds the options of `build`."""
    output_argument(p)
    p.add_argument(
        "--lang",
        choices=LANGUAGES,
        default=None,
        help="language of labels and dates (default: the handbook's `language`)",
    )
    jobs_argument(p)
    p.add_argument(
        "--no-cache",
        dest="cache",
        action="store_false",
        help=f"render everything, ignoring and keeping {cache.FOLDER}/ as it is",
    )
    _output_switches(p)
    _talk_switches(p)


def _output_switches(p: argparse.ArgumentParser) -> None:
    """Adds the options that write more than the .docx and HTML: PDFs, postings, pay."""
    p.add_argument(
        "--pdf",
        action="store_true",
        help="also write output/pdf/ (needs LibreOffice; as `pdf: true` in handbook.yaml)",
    )
    p.add_argument(
        "--postings",
        action="store_true",
        help="also write output/postings/: a job posting of each open role (.html and .txt)",
    )
    p.add_argument(
        "--with-pay",
        action="store_true",
        help="print each role's pay band from pay_bands.yaml (confidential: never otherwise)",
    )


def _talk_switches(p: argparse.ArgumentParser) -> None:
    """Adds -q and -v: how much the build says as it goes."""
    talk = p.add_mutually_exclusive_group()
    talk.add_argument(
        "-q",
        "--quiet",
        action="store_true",
        help="print only the problems found: no progress, no summary",
    )
    talk.add_argument(
        "-v",
        "--verbose",
        action="store_true",
        help="show progress from the start, each stage's time and every file rendered",
    )


def run(args: argparse.Namespace) -> int:
    """Builds the handbook and prints what was written."""
    from rolebook.build import pipeline  # Word, Jinja and lxml, once something is to be rendered

    started = time.perf_counter()
    # The process ends with the build: the cycle collector, which the build pauses while it
    # runs, would then walk all it made once more, for nothing (0.2 s at 10,000 roles). Off
    # for the rest of the process (tests/conftest.py turns it on again after each test).
    gc.disable()
    output = args.output or args.root / "output"
    progress = Progress(args.quiet, args.verbose)
    try:
        built = pipeline.build(
            args.root,
            output,
            args.lang,
            _say_waiting,
            args.jobs,
            args.cache,
            args.pdf,
            progress,
            postings=args.postings,
            with_pay=args.with_pay,
        )
    except CheckFailed as exc:
        progress.close()
        print_lines(exc.lines(), sys.stderr)
        print(
            "build failed: nothing was written; the previous output is unchanged", file=sys.stderr
        )
        return exc.exit_code
    progress.close()
    print_lines(built.diagnostics, sys.stderr)
    if not args.quiet:
        _say_built(args, built, output, time.perf_counter() - started)
    return 0


def _say_built(args: argparse.Namespace, built, output: Path, seconds: float) -> None:
    """Prints what the build wrote: every file rendered with -v, and a summary line."""
    if args.verbose:
        print_lines([f"rendered {path}" for path in built.rendered])
    done = (
        f"{output} is up to date"
        if built.up_to_date
        else (
            f"wrote {built.files} files to {output} ({len(built.rendered)} rendered, "
            f"{built.files - len(built.rendered)} copied from the cache or the templates)"
        )
    )
    print(f"{summary_line(built.roles, 0, built.warnings)}; {done} in {seconds:.2f} s")


def _say_waiting() -> None:
    print("waiting for another build to finish…", file=sys.stderr, flush=True)
