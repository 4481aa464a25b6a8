"""The ``convolab`` command: reports, and the tidy tables for people who do not use notebooks.

A mistake the user can fix (a missing or empty corpus, an output folder that cannot be written,
a bad option or parameter, a corpus too small for topics) is one line on stderr and exit
status 1 (2 for a malformed command line, as argparse does), found before any work is done
where it can be. Anything else is a bug in convolab: its traceback is printed, followed by a
line saying so, and the status is 70 (``EX_SOFTWARE``).

This is the only place that configures logging; the library itself only logs. The top layer:
it may import every other; nothing imports it.
"""

from __future__ import annotations

import argparse
import contextlib
import logging
import sys
import time
import traceback
from pathlib import Path

from .outputs import OutputError, atomic_path, check_url, is_url, local_path, url_target

logger = logging.getLogger("convolab.cli")

EPILOG = """\
examples:
  convolab report                                   render every notebook on ./corpus into reports/
  convolab report --corpus my-essays --out my-reports --param random_state=1
  convolab corpus my-essays --out tables/           documents, paragraphs, sentences, logs
  convolab topics my-essays --out tables/ --unit sentence
  convolab sentiment my-essays --out tables/

A corpus is a folder of essays (.txt, .md, .html; or .csv/.jsonl/.parquet with a text column),
optionally with a metadata.csv whose 'file' column names each essay. Tables are written as
CSV and Parquet, one file of each per table, with ids (doc_id, para_id, sent_id) that join.
CORPUS and --out may be URLs on object storage (s3://bucket/archive/*.parquet, gs://...;
S3 needs pip install 'convolab[s3]').
"""


#: Exit status of an unexpected error (a bug), after sysexits.h's EX_SOFTWARE.
EXIT_BUG = 70


class CommandError(Exception):
    """A problem the user can fix; printed without a traceback."""


def _one_line(exc: BaseException) -> str:
    return " ".join(str(exc).split()) or type(exc).__name__


class _Parser(argparse.ArgumentParser):
    """argparse, with its errors on one line (usage is one ``--help`` away)."""

    def error(self, message):
        self.exit(2, f"{self.prog}: error: {' '.join(message.split())} "
                     f"(see '{self.prog} --help')\n")


def _count(minimum: int):
    def parse(value: str) -> int:
        try:
            number = int(value)
        except ValueError:
            number = None
        if number is None or number < minimum:
            raise argparse.ArgumentTypeError(f"expected an integer ≥ {minimum}, not {value!r}")
        return number

    parse.__name__ = "integer"
    return parse


def _output(out: str) -> Path | str:
    """The output folder, checked now: a bad ``--out`` fails before any work is done.

    A URL (``s3://bucket/tables/``) is kept as text and checked with
    :func:`~convolab.outputs.check_url`; a ``file://`` URL is a local folder.
    """
    from .report import output_folder

    try:
        if is_url(out):
            return check_url(out)
        return output_folder(local_path(out), create=False)
    except OSError as exc:
        raise CommandError(_one_line(exc)) from exc


def _write_tables(tables: dict, out: Path | str, formats: tuple[str, ...]) -> list[Path | str]:
    """Write each table as ``<name>.<fmt>``; a dict or Series is one record (e.g. metrics).

    Into a local folder each file is written whole under a temporary name and moved into
    place; to a URL each is written directly (:func:`~convolab.outputs.url_target`).
    """
    import pandas as pd

    remote = isinstance(out, str)
    if not remote:
        out.mkdir(parents=True, exist_ok=True)
    written = []
    for name, table in tables.items():
        dask = hasattr(table, "npartitions")  # written by the workers
        if isinstance(table, (dict, pd.Series)):
            table = pd.DataFrame([dict(table)])
        elif dask:  # each partition's own row numbers mean nothing; a named index does
            if table._meta.index.name is not None:
                table = table.reset_index()
            # Topic ids as column names: Dask's Parquet writer takes text only (pandas' turns
            # them into text itself), so both engines' files hold the same names.
            table = table.rename(columns=str)
        elif not isinstance(table.index, pd.RangeIndex):
            table = table.reset_index()  # a meaningful index (e.g. doc_id) becomes a column
        for fmt in formats:
            file = name if dask and fmt == "parquet" else f"{name}.{fmt}"
            path = f"{out.rstrip('/')}/{file}" if remote else out / file
            with (url_target if remote else atomic_path)(path) as tmp:
                if dask and fmt == "csv":
                    table.to_csv(tmp, index=False, single_file=True)
                elif dask:
                    table.to_parquet(tmp, write_index=False, overwrite=True)
                elif fmt == "csv":
                    table.to_csv(tmp, index=False)
                else:
                    table.to_parquet(tmp, index=False)
            written.append(path)
    return written


def _load(args):
    import convolab

    try:
        corpus = convolab.load_corpus(args.corpus, min_words=args.min_words,
                                      include_hidden=args.include_hidden,
                                      follow_links=args.follow_links, engine=args.engine,
                                      progress=args.engine == "dask" and not args.quiet,
                                      scratch=_scratch(args))
    except (OSError, ValueError) as exc:
        raise CommandError(_one_line(exc)) from exc
    if corpus.scratch is not None:  # removed once the tables are written (see _engine)
        args.cleanup.append(corpus.scratch)
    return corpus


def _scratch(args) -> str | None:
    """Where the Dask engine keeps its intermediate files: ``--scratch``, else beside a URL
    ``--out`` (workers of a cluster that shares no disk all reach it), else a local temporary
    folder (``$CONVOLAB_SCRATCH`` or the system's)."""
    if args.engine != "dask":
        return None
    if args.scratch:
        return args.scratch
    return f"{args.out.rstrip('/')}/_scratch" if is_url(args.out) else None


@contextlib.contextmanager
def _engine(args):
    """A Dask client for ``--engine dask``: the scheduler asked for, or a local cluster."""
    if getattr(args, "engine", "pandas") != "dask":
        if any(getattr(args, k, None) for k in ("scheduler", "workers", "sample_size",
                                                 "scratch")):
            raise CommandError("--scheduler, --workers, --scratch and --sample-size need "
                               "--engine dask")
        yield None
        return
    from distributed import Client

    from .cluster import local_cluster

    if not args.verbose:  # distributed logs every worker's start and stop at INFO, and
        logging.getLogger("distributed").setLevel(logging.WARNING)  # each shuffle at WARNING
        logging.getLogger("distributed.shuffle").setLevel(logging.ERROR)
    if args.scheduler:
        try:
            client = Client(args.scheduler, timeout="10s")
        except (OSError, TimeoutError, ValueError) as exc:
            raise CommandError(f"cannot reach the Dask scheduler at {args.scheduler} "
                               f"({_one_line(exc)}); start one with `dask scheduler`, or use "
                               "--workers N for a local cluster") from exc
    else:
        # Any free port for the dashboard: two runs at once must not fight over 8787.
        client = Client(local_cluster(n_workers=args.workers or 2, dashboard_address=":0"))
    logger.info("Dask dashboard: %s", client.dashboard_link)
    args.cleanup = []
    try:
        yield client
    finally:
        for scratch in args.cleanup:
            with contextlib.suppress(OSError):
                scratch.remove()
        cluster = client.cluster
        client.close()
        if cluster is not None and not args.scheduler:
            cluster.close()


def _cmd_report(args) -> int:
    from tqdm.contrib.logging import logging_redirect_tqdm

    from .report import ReportError, render_reports

    try:
        # Log lines go through tqdm.write so they do not break the progress bar.
        with logging_redirect_tqdm():
            params = args.param + (["follow_links=true"] if args.follow_links else [])
            pages = render_reports(args.corpus, args.out, params,
                                   notebooks_dir=args.notebooks, strict=args.strict,
                                   progress=not args.quiet)
    except ReportError as exc:  # quotes the failing cell: several lines, on purpose
        raise CommandError(str(exc)) from exc
    except (OSError, ValueError) as exc:  # found before any notebook ran
        raise CommandError(_one_line(exc)) from exc
    for page in pages:
        logger.info("wrote %s (%.0f kB)", page, page.stat().st_size / 1024)
    print(Path(args.out) / "index.html")
    return 0


def _cmd_corpus(args) -> int:
    out = _output(args.out)
    corpus = _load(args)
    tables = {"documents": corpus.documents, "paragraphs": corpus.paragraphs,
              "sentences": corpus.sentences, "excluded": corpus.excluded,
              "skipped": corpus.skipped, "removed": corpus.removed}
    logger.info("%s", corpus.summary())
    return _report_written(_write_tables(tables, out, args.formats))


def _cmd_topics(args) -> int:
    import convolab
    from convolab.topics.clustering import check_size

    out = _output(args.out)
    corpus = _load(args)
    try:
        tm = convolab.TopicModel(unit=args.unit, embedding=args.embedding,
                                 random_state=args.random_state, progress=not args.quiet)
        check_size(len(corpus.units(args.unit)), args.unit)
    except ValueError as exc:  # settings or corpus size: the user's to fix, before fitting
        raise CommandError(_one_line(exc)) from exc
    tm.fit(corpus, **({"sample_size": args.sample_size} if args.engine == "dask" else {}))
    tables = {"topics": tm.topics_, "assignments": tm.assignments_,
              "document_topics": tm.document_topics(), "evaluation": tm.evaluate()}
    return _report_written(_write_tables(tables, out, args.formats))


def _cmd_sentiment(args) -> int:
    import convolab

    out = _output(args.out)
    corpus = _load(args)
    scores = convolab.SentimentModel().score(corpus)
    # With Dask both tables are made on the workers; only the by-document table is small
    # enough to come back (one row per document).
    tables = {"sentiment": scores,
              "sentiment_by_document": convolab.sentiment_by(scores, by="doc_id")}
    return _report_written(_write_tables(tables, out, args.formats))


def _report_written(paths: list[Path | str]) -> int:
    for path in paths:
        print(path)
    return 0


def _formats(value: str) -> tuple[str, ...]:
    formats = tuple(f.strip().lower() for f in value.split(",") if f.strip())
    bad = set(formats) - {"csv", "parquet"}
    if bad or not formats:
        raise argparse.ArgumentTypeError("formats are csv and/or parquet, e.g. 'csv,parquet'")
    return formats


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of the ``convolab`` command."""
    from convolab import __version__

    parser = _Parser(
        prog="convolab",
        description="Topics and tone in essays on service, customers and conversation: "
                    "render the curated notebooks to self-contained HTML reports, or write "
                    "the tidy tables behind them.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"convolab {__version__}")
    common = _Parser(add_help=False)
    common.add_argument("-v", "--verbose", action="store_true", help="log more detail")
    common.add_argument("-q", "--quiet", action="store_true",
                        help="no progress bars, warnings and errors only")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    report = sub.add_parser(
        "report", parents=[common], help="execute every notebook and render HTML reports",
        description="Execute every notebook in notebooks/ on a corpus (papermill) and render "
                    "each to one self-contained HTML file, plus an index.html linking them.",
        epilog="example:\n  convolab report --corpus my-essays --out my-reports "
               "--param random_state=1",
        formatter_class=argparse.RawDescriptionHelpFormatter)
    report.add_argument("--corpus", default="corpus",
                        help="folder of essays (default: %(default)s, the seed corpus)")
    report.add_argument("--out", default="reports", help="output folder (default: %(default)s)")
    report.add_argument("--param", action="append", default=[], metavar="NAME=VALUE",
                        help="override a notebook parameter (repeatable); values are cast: "
                             "1 → int, 0.5 → float, true/false, none, else text")
    report.add_argument("--notebooks", default=None, metavar="DIR",
                        help="folder of notebooks (default: ./notebooks or the project's)")
    report.add_argument("--follow-links", action="store_true",
                        help="read symbolic links that point outside the corpus folder (same "
                             "as --param follow_links=true); by default they are skipped")
    report.add_argument("--strict", action="store_true",
                        help="fail if a notebook writes anything to stderr")
    report.set_defaults(func=_cmd_report)

    def tables_command(name, help, func, description):
        cmd = sub.add_parser(name, parents=[common], help=help, description=description)
        cmd.add_argument("corpus", metavar="CORPUS",
                         help="folder, file or glob of essays; or a URL such as "
                              "'s3://bucket/archive/*.parquet'")
        cmd.add_argument("--out", required=True, metavar="DIR",
                         help="folder for the tables, or a URL such as s3://bucket/tables/")
        cmd.add_argument("--formats", type=_formats, default=("csv", "parquet"),
                         metavar="csv,parquet", help="table formats (default: both)")
        cmd.add_argument("--min-words", type=_count(0), default=10,
                         help="exclude documents shorter than this (default: %(default)s)")
        cmd.add_argument("--include-hidden", action="store_true",
                         help="read hidden files and folders (names starting with '.'); by "
                              "default they are listed as skipped")
        cmd.add_argument("--follow-links", action="store_true",
                         help="read symbolic links that point outside the corpus folder; by "
                              "default they are listed as skipped")
        cmd.add_argument("--engine", choices=("pandas", "dask"), default="pandas",
                         help="'dask' reads, cleans, embeds and scores on Dask workers "
                              "(default: %(default)s)")
        where = cmd.add_mutually_exclusive_group()
        where.add_argument("--scheduler", metavar="ADDRESS",
                           help="with --engine dask: a running scheduler, e.g. "
                                "tcp://host:8786")
        where.add_argument("--workers", type=_count(1), metavar="N",
                           help="with --engine dask: start a local cluster of N worker "
                                "processes (default: 2)")
        cmd.add_argument("--scratch", metavar="DIR",
                         help="with --engine dask: folder or URL for intermediate files, "
                              "one every worker reaches (default: beside a URL --out, else "
                              "a local temporary folder); removed when done")
        cmd.set_defaults(func=func)
        return cmd

    tables_command("corpus", "write the corpus tables", _cmd_corpus,
                   "Write documents, paragraphs, sentences, excluded inputs, skipped entries "
                   "(hidden or metadata files) and the cleaning log (removed) as tables.")
    topics = tables_command("topics", "fit topics and write their tables", _cmd_topics,
                            "Fit a topic model and write topics, assignments (one row per "
                            "unit), document_topics and evaluation as tables.")
    topics.add_argument("--unit", default="sentence",
                        choices=("sentence", "paragraph", "document"),
                        help="text unit to model (default: %(default)s)")
    topics.add_argument("--embedding", default="minilm", choices=("minilm", "static", "tfidf"),
                        help="embedding backend (default: %(default)s)")
    topics.add_argument("--random-state", type=_count(0), default=0,
                        help="seed (default: %(default)s)")
    topics.add_argument("--sample-size", type=_count(2), default=None, metavar="N",
                        help="with --engine dask: fit on N units sampled by document, then "
                             "assign all (default: 20000)")
    tables_command("sentiment", "score sentiment and write its tables", _cmd_sentiment,
                   "Score the sentiment of every sentence and write sentiment (one row per "
                   "sentence) and sentiment_by_document as tables.")
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run the ``convolab`` command; returns the exit status."""
    parser = build_parser()
    args = parser.parse_args(argv)
    # convolab's own messages at INFO; other libraries' only when they warn (or with -v).
    level = logging.DEBUG if args.verbose else logging.WARNING if args.quiet else logging.INFO
    logging.basicConfig(level=logging.INFO if args.verbose else logging.WARNING,
                        format="%(levelname)s %(name)s: %(message)s")
    logging.getLogger("convolab").setLevel(level)
    start = time.perf_counter()
    try:
        with _engine(args):
            status = args.func(args)
    except (CommandError, OutputError) as exc:
        print(f"convolab {args.command}: error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except Exception as exc:
        traceback.print_exc()
        print(f"convolab {args.command}: internal error: {type(exc).__name__}: {_one_line(exc)}"
              " -- this is a bug in convolab; please report it with the traceback above.",
              file=sys.stderr)
        return EXIT_BUG
    logger.info("done in %.1f s", time.perf_counter() - start)
    return status


if __name__ == "__main__":
    sys.exit(main())
