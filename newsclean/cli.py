"""The ``newsclean`` command: ``clean`` a corpus, ``explain`` one document."""

from __future__ import annotations

import argparse
import contextlib
import logging
import os
import signal
import sys
import threading
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from newsclean import __version__
from newsclean.api import default_pipeline
from newsclean.config import RunConfig, SettingError
from newsclean.errors import ConfigError, NewscleanError
from newsclean.minhash import MinHashParams
from newsclean.options import STDIN_FORMATS, clean_command, distinct_outputs, output_file
from newsclean.readers import ReadReport, check_paths, read_inputs, skip_reason
from newsclean.writers import STDOUT

if TYPE_CHECKING:
    from newsclean.stats import RunStats


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
    clean.add_argument("--preset", choices=("corpus",),
                       help=f"corpus: for a training corpus, --min-words {CORPUS_PRESET['min_words']} (unless given) and at least "
                            f"{CORPUS_PRESET['min_sentences']} sentences left, so widgets, stubs and link lists do not pass")
    clean.add_argument("--pipeline", metavar="MODULE:FUNCTION",
                       help="build the pipeline with FUNCTION() of MODULE (importable, or a .py file's module in the current folder) instead of the default one")
    clean.add_argument("--limit", type=int, default=None, metavar="N",
                       help="clean only the first N documents of the inputs: a trial run")
    clean.add_argument("--text-only", action="store_true",
                       help="reject markup found in .txt files and text fields as html_as_text (default: read it as HTML)")
    clean.add_argument("--text-field", default="text", metavar="NAME",
                       help="the JSONL field / Parquet column holding a document's text (default: text)")
    clean.add_argument("--html-field", default="html", metavar="NAME",
                       help="the JSONL field / Parquet column holding a document's HTML, tried first (default: html)")
    clean.add_argument("--id-field", default="id", metavar="NAME",
                       help="the JSONL field / Parquet column holding a document's id (default: id)")
    clean.add_argument("--quiet", action="store_true", help="print nothing but errors: no progress (a bar on a terminal, else a line every 10 s), no summary")
    clean.add_argument("-v", "--verbose", action="count", default=0,
                       help="log what the run does to stderr (-v: its passes and timings; -vv: debugging detail)")
    clean.add_argument("--report", metavar="REPORT.html", help="also write an HTML report of the run (see newsclean report)")
    clean.add_argument("--rules", action="append", default=[], metavar="PACK.toml", help=RULES_HELP)

    explain = commands.add_parser("explain", help="show a document's clean text and every removal")
    explain.add_argument("file", metavar="FILE")
    explain.add_argument("--rules", action="append", default=[], metavar="PACK.toml", help=RULES_HELP)

    rules = commands.add_parser("rules", help="check a rule pack of your own")
    rules_commands = rules.add_subparsers(dest="rules_command", required=True)
    check = rules_commands.add_parser("check", help="load rule packs and run each rule's examples and counterexamples; exit 1 when one fails")
    check.add_argument("packs", nargs="+", metavar="PACK.toml")

    report = commands.add_parser("report", help="write a self-contained HTML report of a run's output, rejects and stats")
    report.add_argument("run", metavar="RUN.jsonl", help="the run's output (.jsonl, .jsonl.gz or .parquet)")
    report.add_argument("--rejects", metavar="R.jsonl", help="its rejects file (default: the one the stats file names, else the one beside RUN, if there)")
    report.add_argument("--stats", metavar="S.json", help="its stats file (default: the one beside RUN, if there)")
    report.add_argument("-o", "--output", required=True, metavar="REPORT.html", help="where the report goes")
    report.add_argument("--sample", type=int, default=500, metavar="N", help="articles shown in full, chosen at random (default 500)")
    report.add_argument("--seed", type=int, default=0, metavar="S", help="seed of the sample (default 0)")
    return parser


RULES_HELP = ("a rule pack of your own, added to the packaged ones for articles in every language (repeatable; "
              "its examples must pass: see newsclean rules check)")


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    with logging_to_stderr(getattr(args, "verbose", 0)):
        return _main(args)


@contextlib.contextmanager
def logging_to_stderr(verbosity: int) -> Iterator[None]:
    """newsclean's log records on stderr for the command's life (-v: INFO, -vv: DEBUG)."""
    if not verbosity:
        yield
        return
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("newsclean: %(levelname)s %(name)s: %(message)s"))
    logger = logging.getLogger("newsclean")
    level = logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.DEBUG if verbosity > 1 else logging.INFO)
    try:
        yield
    finally:
        logger.removeHandler(handler)
        logger.setLevel(level)


def _main(args: argparse.Namespace) -> int:
    try:
        if args.command == "clean":
            return run_clean(args)
        if args.command == "report":
            return run_report(args)
        if args.command == "rules":
            return run_rules_check(args)
        return run_explain(args)
    except NewscleanError as exc:
        print(f"newsclean: error: {exc}", file=sys.stderr)
        return 2
    except BrokenPipeError:
        # The reader of stdout went away (``newsclean explain page.html | head``): stop quietly,
        # and keep the interpreter's last flush from failing again.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 141
    except OSError as exc:
        print(f"newsclean: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(f"newsclean: interrupted; output left under *.partial names is incomplete{_how_to_resume(args)}", file=sys.stderr)
        return 130


def _how_to_resume(args: argparse.Namespace) -> str:
    """The interrupt message's advice: ``--resume``, when the interrupted run can be resumed."""
    from newsclean.engine.driver import default_rejects_path
    from newsclean.writers import resumable

    if args.command != "clean":
        return ""
    rejects = args.rejects or default_rejects_path(args.output)
    if "-" in args.inputs or not resumable(args.output) or not resumable(rejects):
        return ""
    return "; the same command with --resume continues it from its last checkpoint"


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


# RunConfig settings whose CLI option is not ``--`` + the name with dashes.
_OPTION_OF = {"keep_languages": "--lang", "site_repeat": "--no-site-repeat", "pipeline": "--pipeline"}


def run_config(args: argparse.Namespace) -> RunConfig:
    """The RunConfig that ``newsclean clean``'s arguments say: the one place they are mapped.
    A setting that is not accepted is a ConfigError naming its option."""
    if args.pipeline:
        pipeline_settings: dict[str, Any] = {"pipeline": user_pipeline(args.pipeline, changed_pipeline_options(args))}
    else:
        preset = CORPUS_PRESET if args.preset == "corpus" else {}
        min_words_given = "--min-words" in changed_pipeline_options(args)
        pipeline_settings = {
            "keep_languages": args.lang,
            "dedup": args.dedup,
            "dedup_threshold": args.dedup_threshold,
            "site_repeat": not args.no_site_repeat,
            "min_words": args.min_words if min_words_given or not preset else preset["min_words"],
            "min_sentences": preset.get("min_sentences", 0),
        }
    try:
        return RunConfig(
            **pipeline_settings,
            max_bytes=args.max_bytes,
            time_budget=args.time_budget,
            stdin_format=args.stdin_format,
            text_only=args.text_only,
            limit=args.limit,
            text_field=args.text_field,
            html_field=args.html_field,
            id_field=args.id_field,
            rules=tuple(args.rules),
        )
    except SettingError as exc:
        option = _OPTION_OF.get(exc.setting, "--" + exc.setting.replace("_", "-"))
        raise ConfigError(str(exc).replace(exc.setting, option, 1)) from None


def run_clean(args: argparse.Namespace) -> int:
    """``newsclean clean``: check the options, map them to a RunConfig, and hand it to the Runner."""
    # Imported here: ``explain`` needs neither the runner (processes, progress bar) nor checkpoints.
    from newsclean.engine.checkpoint import checkpoint_path
    from newsclean.engine.driver import Runner, default_rejects_path, default_stats_path

    check_paths(args.inputs)
    rejects_path = args.rejects or default_rejects_path(args.output)
    # With the output on stdout, stats are written only where --stats says.
    stats_path = args.stats if args.stats else None if args.output == STDOUT else default_stats_path(args.output)
    outputs = {"-o": args.output, "--rejects": rejects_path, "--stats": stats_path}
    distinct_outputs(args.inputs, {**outputs, "--report": args.report})
    config = run_config(args)
    clean_command(args, outputs)  # creates the outputs' folders: after every check
    check_stdin(args)
    if args.report and args.output == STDOUT:
        raise ConfigError("--report reads the output back: name an output file, not stdout")
    if args.resume and args.output != STDOUT and not checkpoint_path(args.output).exists():
        print(f"newsclean: nothing to resume for {args.output} (no checkpoint): starting the run afresh", file=sys.stderr)
    if args.engine == "dask":
        runner = Runner.dask(scheduler=args.scheduler, workers=args.workers)
    else:
        runner = Runner.local(jobs=args.jobs)
    with sigterm_as_interrupt():
        stats = runner.run(
            args.inputs,
            args.output,
            config=config,
            rejects=rejects_path,
            stats=stats_path,
            resume=args.resume,
            progress=not args.quiet,
            exclude=(args.report,) if args.report else (),
        )
    rejected = ", ".join(f"{reason} {count}" for reason, count in stats.rejected.most_common())
    logging.getLogger(__name__).info("run done: %d in, %d kept, rejected: %s", stats.documents_in, stats.kept, rejected or "none")
    if not args.quiet:
        print(stats.summary(), file=sys.stderr)
    if args.report:
        from newsclean.report import build_report

        build_report(args.output, args.report, rejects=rejects_path, stats=Path(stats_path) if stats_path else None)
        if not args.quiet:
            print(f"newsclean: report written to {args.report}", file=sys.stderr)
    return exit_status(stats, args.max_reject_rate, stdin="-" in args.inputs and args.stdin_format == "jsonl")


# --preset corpus: an article of a training corpus has some prose (a 13-word weather widget,
# a stub, a list of links do not).
CORPUS_PRESET = {"min_words": 50, "min_sentences": 2}
# The options default_pipeline takes: with --pipeline, the function decides them.
PIPELINE_OPTIONS = ("dedup", "dedup_threshold", "no_site_repeat", "lang", "min_words", "max_bytes", "time_budget", "preset")


def changed_pipeline_options(args: argparse.Namespace) -> list[str]:
    defaults = build_parser().parse_args(["clean", "-", "-o", "-"])
    return ["--" + name.replace("_", "-") for name in PIPELINE_OPTIONS if getattr(args, name) != getattr(defaults, name)]


def user_pipeline(spec: str, changed: Sequence[str] = ()) -> Any:
    """The Pipeline that ``module:function`` builds; ConfigError saying what is wrong."""
    import importlib

    from newsclean.pipeline import Pipeline

    if changed:
        raise ConfigError(f"--pipeline builds the whole pipeline: set {', '.join(changed)} in its function instead")
    module_name, _, function_name = spec.partition(":")
    if not module_name or not function_name:
        raise ConfigError(f"--pipeline {spec!r}: expected MODULE:FUNCTION, e.g. mypipeline:build")
    if os.getcwd() not in sys.path:
        sys.path.insert(0, os.getcwd())  # the `newsclean` script does not put it there
    try:
        module = importlib.import_module(module_name)
    except ImportError as exc:
        raise ConfigError(f"--pipeline {spec!r}: cannot import {module_name} ({exc})") from None
    function = getattr(module, function_name, None)
    if not callable(function):
        raise ConfigError(f"--pipeline {spec!r}: {module_name} has no function {function_name}")
    pipeline = function()
    if not isinstance(pipeline, Pipeline):
        raise ConfigError(f"--pipeline {spec!r}: {function_name}() returned {type(pipeline).__name__}, not a newsclean Pipeline")
    return pipeline


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
    stream: Any = getattr(sys.stdin, "buffer", None)
    head = stream.peek(64)[:64] if hasattr(stream, "peek") else b""
    if head.lstrip()[:1] == b"<":
        raise ConfigError("standard input looks like HTML, but - is read as JSONL; pass --stdin-format html (or text)")


def run_explain(args: argparse.Namespace) -> int:
    from newsclean.rulepack import RulePack
    from newsclean.stages.boilerplate import with_user_packs

    check_paths([args.file])
    pipeline = with_user_packs(default_pipeline(dedup=False), [RulePack.from_file(path) for path in args.rules])
    report = ReadReport()
    shown = 0
    for article in pipeline.run(read_inputs([args.file], report)):
        shown += 1
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
    if not shown:
        skipped = f"; {report.skipped_files_total} file(s) skipped ({skip_reason(report.skipped_files[0])}, ...)" if report.skipped_files else ""
        print(f"newsclean: error: {args.file} holds no document newsclean reads{skipped}", file=sys.stderr)
        return 1
    return 0


def run_rules_check(args: argparse.Namespace) -> int:
    """``newsclean rules check PACK...``: each pack loaded (unknown keys, bad patterns: exit 2)
    and every rule's examples run; 1 when one fails, with every failure listed."""
    from newsclean.rulepack import RulePack

    failed = 0
    for path in args.packs:
        pack = RulePack.from_file(path, check_examples=False)
        failures = pack.failing_examples()
        examples = sum(len(r.examples) + len(r.counterexamples) for r in pack.rules)
        unchecked = [r.id for r in pack.rules if not r.examples or not r.counterexamples]
        for failure in failures:
            print(f"{path}: {failure}", file=sys.stderr)
        if unchecked:
            print(f"{path}: warning: no examples or no counterexamples for {', '.join(unchecked)}", file=sys.stderr)
        verdict = f"{len(failures)} of {examples} examples fail" if failures else f"{examples} examples pass"
        print(f"{path}: pack {pack.language!r}, {len(pack.rules)} rules, {verdict}")
        failed += bool(failures)
    return 1 if failed else 0


def run_report(args: argparse.Namespace) -> int:
    from newsclean.report import build_report, read_stats
    from newsclean.engine.driver import default_rejects_path, default_stats_path

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
    distinct_outputs([p for p in (args.run, rejects, stats) if p], {"-o": args.output})
    output_file(args.output, "-o")
    build_report(args.run, args.output, rejects=rejects, stats=stats, sample=args.sample, seed=args.seed)
    used = ", ".join(p for p in (args.run, rejects, stats) if p)
    print(f"newsclean: report of {used} written to {args.output}", file=sys.stderr)
    return 0


def _existing(path: str) -> str | None:
    return path if Path(path).is_file() else None


if __name__ == "__main__":
    sys.exit(main())
