"""The ``newsclean`` command: ``clean`` a corpus, ``explain`` one document."""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import platform
import signal
import sys
import threading
import uuid
from collections.abc import Iterator, Sequence
from itertools import islice
from pathlib import Path
from typing import Any

from tqdm import tqdm

from newsclean import __version__
from newsclean.api import default_pipeline
from newsclean.checkpoint import EVERY as CHECKPOINT_EVERY
from newsclean.checkpoint import Checkpoint, checkpoint_path, input_manifest, read_lines, remove_checkpoint, run_options, tail_digest
from newsclean.errors import ConfigError, NewscleanError
from newsclean.minhash import MinHashParams
from newsclean.model import Article
from newsclean.options import STDIN_FORMATS, clean_command, distinct_outputs
from newsclean.parallel import run_parallel
from newsclean.pipeline import CorpusStage, Pipeline
from newsclean.readers import ReadReport, check_paths, input_files, read_inputs, skip_reason
from newsclean.stats import RunStats
from newsclean.writers import (
    STDOUT,
    JsonlWriter,
    article_record,
    finish,
    lock_path,
    open_partial,
    open_writer,
    output_lock,
    partial_path,
    resumable,
    sync,
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="newsclean", description="Clean raw news into article records.")
    parser.add_argument("--version", action="version", version=f"newsclean {__version__}")
    commands = parser.add_subparsers(dest="command", required=True)

    clean = commands.add_parser("clean", help="clean files, folders, JSONL, WARC, Parquet or stdin into JSONL or Parquet")
    clean.add_argument("inputs", nargs="+", metavar="INPUT", help=".txt/.html/.htm/.jsonl/.warc (each also .gz), .parquet, a folder of them, or - for stdin (JSONL unless --stdin-format)")
    clean.add_argument("-o", "--output", required=True, metavar="OUT.jsonl", help="where clean articles go: .jsonl, .jsonl.gz or .parquet, by the extension (- for stdout)")
    clean.add_argument("--rejects", metavar="REJECTS.jsonl", help="where rejected inputs go (default: OUT with .rejects.jsonl)")
    clean.add_argument("--stats", metavar="STATS.json", help="where the run's stats go (default: OUT with .stats.json)")
    clean.add_argument("--dedup", choices=("near", "exact", "off"), default="near",
                       help="drop near and exact copies (default), exact copies only, or none")
    clean.add_argument("--no-dedup", action="store_const", dest="dedup", const="off", help="same as --dedup off")
    clean.add_argument("--dedup-threshold", type=float, default=MinHashParams().threshold, metavar="J",
                       help="estimated Jaccard similarity of 3-word shingles at which a copy is a near duplicate (default 0.5)")
    clean.add_argument("--no-site-repeat", action="store_true", help="keep lines that recur across a source's articles")
    clean.add_argument("--lang", metavar="CODES", help="keep only these languages, comma separated ISO 639-1 codes or English names (e.g. en,uk)")
    clean.add_argument("--min-words", type=int, default=1, metavar="N", help="reject articles with fewer words left (default 1; at least 1)")
    clean.add_argument("--jobs", type=int, default=os.cpu_count() or 1, metavar="N",
                       help="worker processes for extraction and cleaning (default: all cores); output is the same for any N")
    clean.add_argument("--max-bytes", type=int, default=10_000_000, metavar="N",
                       help="reject documents larger than N bytes as too_large (default 10,000,000)")
    clean.add_argument("--time-budget", type=float, default=60.0, metavar="SECONDS",
                       help="reject a document whose extraction and cleaning take longer as timeout (default 60; 0: no limit)")
    clean.add_argument("--resume", action="store_true",
                       help="continue an interrupted run from its last checkpoint (same inputs and options; plain JSONL output)")
    clean.add_argument("--engine", choices=("local", "dask"), default="local",
                       help="local processes (default) or a Dask cluster (pip install 'newsclean[dask]')")
    clean.add_argument("--scheduler", metavar="ADDRESS", help="with --engine dask: the scheduler to use (tcp://host:8786)")
    clean.add_argument("--workers", type=int, default=None, metavar="N",
                       help="with --engine dask and no --scheduler: workers of a local cluster (default: all cores)")
    clean.add_argument("--stdin-format", choices=STDIN_FORMATS, default="jsonl",
                       help="what - reads: JSONL records (default), or one HTML page or one text")
    clean.add_argument("--max-reject-rate", type=float, default=None, metavar="SHARE",
                       help="exit 1 when more than this share (0 to 1) of the inputs is rejected (default: only when all are)")
    clean.add_argument("--quiet", action="store_true", help="print nothing but errors: no progress bar, no summary")
    clean.add_argument("--report", metavar="REPORT.html", help="also write an HTML report of the run (see newsclean report)")

    explain = commands.add_parser("explain", help="show a document's clean text and every removal")
    explain.add_argument("file", metavar="FILE")

    report = commands.add_parser("report", help="write a self-contained HTML report of a run's output, rejects and stats")
    report.add_argument("run", metavar="RUN.jsonl", help="the run's output (.jsonl, .jsonl.gz or .parquet)")
    report.add_argument("--rejects", metavar="R.jsonl", help="its rejects file (default: the one the stats file names, else the one beside RUN, if there)")
    report.add_argument("--stats", metavar="S.json", help="its stats file (default: the one beside RUN, if there)")
    report.add_argument("-o", "--output", required=True, metavar="REPORT.html", help="where the report goes")
    report.add_argument("--sample", type=int, default=500, metavar="N", help="articles shown in full, chosen at random (default 500)")
    report.add_argument("--seed", type=int, default=0, metavar="S", help="seed of the sample (default 0)")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        if args.command == "clean":
            return run_clean(args)
        if args.command == "report":
            return run_report(args)
        return run_explain(args)
    except NewscleanError as exc:
        print(f"newsclean: error: {exc}", file=sys.stderr)
        return 2
    except OSError as exc:
        print(f"newsclean: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("newsclean: interrupted; output left under *.partial names is incomplete", file=sys.stderr)
        return 130


@contextlib.contextmanager
def sigterm_as_interrupt() -> Iterator[None]:
    """While the run writes, SIGTERM stops it like Ctrl-C: files are closed and keep their
    ``.partial`` names. (Only in the main thread, where Python delivers signals.)"""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def interrupt(_signum: int, _frame: Any) -> None:
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGTERM, interrupt)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def default_rejects_path(output: str) -> str:
    return _beside(output, "rejects.jsonl")


def default_stats_path(output: str) -> str:
    return _beside(output, "stats.json")


def _beside(output: str, suffix: str) -> str:
    """``out/clean.jsonl`` -> ``out/clean.<suffix>``; ``newsclean.<suffix>`` for stdout."""
    if output == STDOUT:
        return f"newsclean.{suffix}"
    path = Path(output)
    name = path.name
    for ending in (".gz", ".jsonl", ".parquet"):
        if name.endswith(ending):
            name = name[: -len(ending)]
    return str(path.with_name(f"{name}.{suffix}"))


def run_context(args: argparse.Namespace) -> dict[str, Any]:
    """Options, versions and rule-pack digests, recorded in the stats file."""
    from importlib.metadata import PackageNotFoundError, version

    from newsclean.rulepack import COMMON, DATA_FILES, RulePack, available_languages

    options = {k: v for k, v in sorted(vars(args).items()) if k != "command"}
    packs = {name: RulePack.load(name).digest for name in (COMMON, *available_languages(), *DATA_FILES)}
    versions = {"newsclean": __version__, "python": platform.python_version()}
    for package in ("trafilatura", "lxml", "beautifulsoup4", "ftfy", "langdetect", "charset-normalizer"):
        try:
            versions[package] = version(package)
        except PackageNotFoundError:
            versions[package] = None
    return {"options": options, "versions": versions, "rule_packs": packs}


def run_clean(args: argparse.Namespace) -> int:
    check_paths(args.inputs)
    rejects_path = args.rejects or default_rejects_path(args.output)
    # With the output on stdout, stats are written only where --stats says.
    stats_path = Path(args.stats) if args.stats else None if args.output == STDOUT else Path(default_stats_path(args.output))
    outputs = {"-o": args.output, "--rejects": rejects_path, "--stats": str(stats_path) if stats_path else None}
    distinct_outputs(args.inputs, {**outputs, "--report": args.report})
    settings = clean_command(args, outputs)
    check_stdin(args)
    if args.report and args.output == STDOUT:
        raise ConfigError("--report reads the output back: name an output file, not stdout")
    written = tuple(p for p in outputs.values() if p not in (None, STDOUT))
    with contextlib.ExitStack() as locks:
        # One run at a time writes these files: a second one is refused before it touches them.
        for path in written:
            locks.enter_context(output_lock(path))
        return _run_clean(args, settings, rejects_path, stats_path, written)


def _run_clean(args: argparse.Namespace, settings: dict[str, Any], rejects_path: str, stats_path: Path | None, written: tuple[str, ...]) -> int:
    pipeline = default_pipeline(dedup=args.dedup, site_repeat=not args.no_site_repeat, **settings)
    report = ReadReport()
    stats = RunStats()
    excluded = (
        written
        + tuple(str(partial_path(p)) for p in written)
        + tuple(str(lock_path(p)) for p in written)
        + ((args.report,) if args.report else ())
    )
    stdin = "-" in args.inputs
    checkpointing = resumable(args.output) and resumable(rejects_path) and not stdin
    options = run_options(vars(args))
    manifest = input_manifest(f.path for f in input_files(args.inputs, ReadReport(), excluded)) if checkpointing else {}
    done, resume_at = 0, (None, None)
    if args.resume:
        if stdin:
            raise ConfigError("--resume cannot read standard input again: run afresh without --resume")
        if not checkpointing:
            raise ConfigError("--resume needs plain JSONL output and rejects files (not stdout, .gz or .parquet)")
        checkpoint = Checkpoint.load(args.output)
        if checkpoint.options != options:
            changed = sorted(k for k in options if checkpoint.options.get(k) != options[k])
            raise ConfigError(f"--resume with other options than the interrupted run: {', '.join(changed)}")
        if checkpoint.inputs != manifest:
            raise ConfigError(
                f"cannot resume run {checkpoint.run_id}: the inputs changed since it was interrupted "
                f"({checkpoint.inputs.get('files')} files then, {manifest['files']} now, or their sizes or times differ); "
                "run again without --resume"
            )
        checkpoint.check_files(args.output, rejects_path)
        run_id = checkpoint.run_id
        done, resume_at = checkpoint.documents_done, (checkpoint.output_bytes, checkpoint.rejects_bytes)
        for record in read_lines(partial_path(args.output), checkpoint.output_bytes):
            stats.add(Article.from_dict(record))
        for record in read_lines(partial_path(rejects_path), checkpoint.rejects_bytes):
            stats.add_reject(record)
    else:
        # A fresh run: an older run's checkpoint must never be taken for this one's.
        if args.output != STDOUT:
            remove_checkpoint(args.output)
        run_id = uuid.uuid4().hex
    # No tqdm monitor thread: with no other thread running, workers can be forked (fast).
    tqdm.monitor_interval = 0
    with sigterm_as_interrupt(), engine(args, pipeline, report, excluded, skip=done, max_bytes=settings["max_bytes"]) as articles:
        progress = tqdm(articles, desc="newsclean", unit="doc", file=sys.stderr, disable=args.quiet or None, initial=done)
        with open_writer(args.output, resume_at[0]) as out, JsonlWriter(rejects_path, resume_at[1]) as rejects:
            for article in progress:
                stats.add(article)
                if article.kept:
                    out.write(article_record(article))
                else:
                    rejects.write(article.reject_record())
                if checkpointing and stats.documents_in % CHECKPOINT_EVERY == 0:
                    output_bytes, rejects_bytes = out.flush(), rejects.flush()  # synced
                    Checkpoint(
                        run_id=run_id,
                        documents_done=stats.documents_in,
                        output_bytes=output_bytes,
                        rejects_bytes=rejects_bytes,
                        output_tail=tail_digest(partial_path(args.output), output_bytes),
                        rejects_tail=tail_digest(partial_path(rejects_path), rejects_bytes),
                        inputs=manifest,
                        options=options,
                    ).save(args.output)
        if args.output != STDOUT:
            remove_checkpoint(args.output)
        stats.skipped_files = report.skipped_files_total
        stats.skipped_records = dict(report.skipped_records)
        stats.skipped_file_names = [{"path": p, "reason": skip_reason(p)} for p in report.skipped_files]
        if stats_path is not None:
            text = json.dumps(stats.to_dict(**run_context(args)), indent=2, ensure_ascii=False) + "\n"
            with open_partial(str(stats_path)) as handle:
                handle.write(text.encode("utf-8", "backslashreplace"))
                sync(handle)
            finish(str(stats_path))
    if not args.quiet:
        print(stats.summary(), file=sys.stderr)
    if args.report:
        from newsclean.report import build_report

        build_report(args.output, args.report, rejects=rejects_path, stats=stats_path)
        if not args.quiet:
            print(f"newsclean: report written to {args.report}", file=sys.stderr)
    return exit_status(stats, args.max_reject_rate, stdin=stdin and args.stdin_format == "jsonl")


def exit_status(stats: RunStats, max_reject_rate: float | None, stdin: bool = False) -> int:
    """1, with the reasons on stderr, when no input was read, every input was rejected, or
    more than ``max_reject_rate`` of them; else 0. ``stdin``: JSONL was read from stdin."""
    if stats.documents_in == 0:
        problem = "no documents were read"
    elif stats.kept == 0:
        problem = f"every input was rejected ({stats.rejected_total} of {stats.documents_in})"
    elif max_reject_rate is not None and stats.rejected_total > max_reject_rate * stats.documents_in:
        share = stats.rejected_total / stats.documents_in
        problem = f"{stats.rejected_total} of {stats.documents_in} inputs rejected ({share:.1%}), over --max-reject-rate {max_reject_rate:g}"
    else:
        return 0
    reasons = ", ".join(f"{reason} {n}" for reason, n in stats.rejected.most_common())
    hint = " (- is read as JSONL; --stdin-format html or text reads one document)" if stdin and stats.rejected["bad_json"] else ""
    print(f"newsclean: error: {problem}" + (f"; reasons: {reasons}" if reasons else "") + hint, file=sys.stderr)
    return 1


def check_stdin(args: argparse.Namespace) -> None:
    """Refuse, before any work, markup on stdin read as JSONL (the default)."""
    if "-" not in args.inputs or args.stdin_format != "jsonl":
        return
    stream = getattr(sys.stdin, "buffer", None)
    head = stream.peek(64)[:64] if hasattr(stream, "peek") else b""
    if head.lstrip()[:1] == b"<":
        raise ConfigError("standard input looks like HTML, but - is read as JSONL; pass --stdin-format html (or text)")


@contextlib.contextmanager
def engine(
    args: argparse.Namespace, pipeline: Pipeline, report: ReadReport, excluded: tuple[str, ...], skip: int, max_bytes: int | None = None
) -> Iterator[Iterator[Article]]:
    """The run's articles in input order, from local worker processes or a Dask cluster,
    without the first ``skip`` (done before an interruption)."""
    if args.engine == "local":
        documents = read_inputs(args.inputs, report, exclude=excluded, stdin_format=args.stdin_format, max_bytes=max_bytes)
        if not any(isinstance(stage, CorpusStage) for stage in pipeline.stages):
            # Each document is cleaned on its own: the ones done need not be read again.
            yield run_parallel(pipeline, islice(documents, skip, None), args.jobs)
        else:
            # Corpus stages decide from every document, so all are cleaned again.
            yield islice(run_parallel(pipeline, documents, args.jobs), skip, None)
        return
    from newsclean.distributed import clean_bag, count_skipped_records, dask_client, files_bag, iterate, list_files

    files = list_files(args.inputs, report, excluded)

    def articles() -> Iterator[Article]:
        yield from islice(iterate(clean_bag(files_bag(files), pipeline)), skip, None)
        report.skipped_records.update(count_skipped_records(files))

    with dask_client(args.scheduler, args.workers or os.cpu_count() or 1):
        yield articles()


def run_explain(args: argparse.Namespace) -> int:
    check_paths([args.file])
    pipeline = default_pipeline(dedup=False)
    for article in pipeline.run(read_inputs([args.file])):
        print(f"# {article.id}")
        for label, value in (
            ("title", article.title),
            ("authors", ", ".join(article.authors) or None),
            ("published", article.published),
            ("source", article.source),
            ("language", article.language),
        ):
            if value:
                print(f"{label}: {value}")
        if article.drop is not None:
            print(f"dropped: {article.drop.reason} ({article.drop.detail})")
        print()
        print(article.text)
        print()
        print(f"--- removed: {len(article.removed)} ---")
        for removal in article.removed:
            print(f"[{removal.category.value}] {removal.rule}: {removal.text}")
        print()
    return 0


def run_report(args: argparse.Namespace) -> int:
    from newsclean.report import build_report, read_stats

    if args.run == "-":
        raise ConfigError("newsclean report reads a file, not stdin")
    check_paths([args.run])
    if args.sample < 0:
        raise ConfigError("--sample must not be negative")
    stats = args.stats or _existing(default_stats_path(args.run))
    rejects = args.rejects
    if rejects is None and stats is not None:
        # The rejects file the run was told to write, as its stats file records it.
        named = (read_stats(stats).get("options") or {}).get("rejects")
        rejects = _existing(named) if isinstance(named, str) else None
    rejects = rejects or _existing(default_rejects_path(args.run))
    build_report(args.run, args.output, rejects=rejects, stats=stats, sample=args.sample, seed=args.seed)
    used = ", ".join(p for p in (args.run, rejects, stats) if p)
    print(f"newsclean: report of {used} written to {args.output}", file=sys.stderr)
    return 0


def _existing(path: str) -> str | None:
    return path if Path(path).is_file() else None


if __name__ == "__main__":
    sys.exit(main())
