"""Checks of the settings a run takes, used by ``RunConfig`` (newsclean.config), the CLI,
``clean`` and the integrations. Each check raises :class:`ConfigError` naming the option and what it
accepts, before any document is read."""

from __future__ import annotations

import functools
import math
import os
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from newsclean.errors import ConfigError

# The metadata hints an input may carry (JSONL fields, Parquet columns, ``clean`` keywords).
HINT_NAMES = ("title", "description", "source", "authors", "published", "crawled")
DEDUP_MODES = ("near", "exact", "off")
ON_ERROR = ("drop", "raise")
DOCUMENT_FORMATS = ("text", "html")
STDIN_FORMATS = ("jsonl", "html", "text")
# The files a run owns beside each file it writes (OUT + suffix): the file being written, its
# lock, and beside the output the spill file and the checkpoint (see writers, runner,
# checkpoint). An input or another output with one of these names is refused, never deleted.
RUN_FILE_SUFFIXES = (".partial", ".lock", ".partial.spill", ".partial.checkpoint", ".partial.checkpoint.tmp")
# The longest time budget (seconds, about 11 days): the system timer takes no more.
MAX_TIME_BUDGET = 1e6
# The size over which a document is rejected unless a run says otherwise (``max_bytes``).
DEFAULT_MAX_BYTES = 10_000_000
# langdetect names Chinese by script; a bare "zh" (or "Chinese") means both.
_LANGUAGE_GROUPS = {"zh": ("zh-cn", "zh-tw")}


@functools.cache
def supported_languages() -> tuple[str, ...]:
    """The language codes the language stage can detect (langdetect's profiles), sorted."""
    from langdetect.detector_factory import PROFILES_DIRECTORY

    return tuple(sorted(os.listdir(PROFILES_DIRECTORY)))


def language_codes(value: str | Iterable[str] | None, option: str = "keep_languages") -> tuple[str, ...]:
    """Codes from ``"en,uk"``, ``["EN", "german"]`` or ``"en"`` (one code, not two letters):
    any case, ``_`` or ``-`` in ``zh-cn``, and English names of languages. ConfigError lists
    the accepted codes for anything else."""
    if value is None:
        return ()
    items = value.split(",") if isinstance(value, str) else list(value)
    codes: list[str] = []
    for item in items:
        if not isinstance(item, str):
            raise ConfigError(f"{option}: expected language codes as strings, got {item!r}")
        for code in _language_code(item, option):
            if code not in codes:
                codes.append(code)
    return tuple(codes)


def _language_code(item: str, option: str) -> tuple[str, ...]:
    name = item.strip().lower().replace("_", "-")
    if not name:
        return ()
    supported = supported_languages()
    if name in supported:
        return (name,)
    if name in _LANGUAGE_GROUPS:
        return _LANGUAGE_GROUPS[name]
    code = _code_for_name(name)
    if code in supported:
        return (code,)
    if code in _LANGUAGE_GROUPS:
        return _LANGUAGE_GROUPS[code]
    raise ConfigError(
        f"{option}: unknown or unsupported language {item.strip()!r}; accepted: ISO 639-1 codes "
        f"{', '.join(supported)}, zh (both Chinese scripts), or a language's English name (english, german, ...)"
    )


def _code_for_name(name: str) -> str | None:
    """ISO 639-1 code for an English language name or a three-letter code (pycountry)."""
    import pycountry

    try:
        found = pycountry.languages.lookup(name)
    except LookupError:
        return None
    return getattr(found, "alpha_2", None)


def integer(value: Any, option: str, *, minimum: int) -> int:
    """``value`` as an int of at least ``minimum``."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise ConfigError(f"{option} must be a whole number, not {value!r}")
    if value < minimum:
        raise ConfigError(f"{option} must be at least {minimum}, not {value}")
    return value


def number(value: Any, option: str, *, minimum: float, maximum: float | None = None, above: bool = False) -> float:
    """``value`` as a float in ``[minimum, maximum]`` (``(minimum, maximum]`` with ``above``)."""
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise ConfigError(f"{option} must be a finite number, not {value!r}")
    low_ok = value > minimum if above else value >= minimum
    if not low_ok or (maximum is not None and value > maximum):
        low = f"over {minimum:g}" if above else f"at least {minimum:g}"
        high = f" and at most {maximum:g}" if maximum is not None else ""
        raise ConfigError(f"{option} must be {low}{high}, not {value:g}")
    return float(value)


def choice(value: Any, option: str, accepted: Iterable[Any]) -> Any:
    accepted = tuple(accepted)
    if value not in accepted:
        raise ConfigError(f"{option} must be one of {', '.join(map(repr, accepted))}, not {value!r}")
    return value


def dedup_mode(value: bool | str) -> str:
    """``"near"``, ``"exact"`` or ``"off"``; True is ``"near"`` and False ``"off"``."""
    if isinstance(value, bool):
        return "near" if value else "off"
    return choice(value, "dedup", DEDUP_MODES)


def budget(value: Any, option: str = "time_budget") -> float | None:
    """Seconds of a time budget: None or 0 for none, else a finite number over 0."""
    if value is None or (value == 0 and not isinstance(value, bool)):
        return None
    return number(value, option, minimum=0.0, maximum=MAX_TIME_BUDGET, above=True)


def content(value: Any, option: str) -> str | bytes | None:
    """A document's content: str, bytes or None; TypeError naming ``option`` for anything else."""
    if value is not None and not isinstance(value, (str, bytes)):
        raise TypeError(f"{option} must be str or bytes, not {type(value).__name__}")
    return value


def optional_text(value: Any, option: str) -> str | None:
    """A str or None; TypeError naming ``option`` for anything else."""
    if value is not None and not isinstance(value, str):
        raise TypeError(f"{option} must be a str, not {type(value).__name__}")
    return value


def hints(given: dict[str, Any]) -> dict[str, Any]:
    """``given`` if every name is a known hint; ConfigError naming the unknown ones."""
    unknown = sorted(set(given) - set(HINT_NAMES))
    if unknown:
        raise ConfigError(f"unknown metadata hint(s) {', '.join(unknown)}; hints: {', '.join(HINT_NAMES)}")
    return given


def document_format(value: str | None, option: str = "format") -> str | None:
    """``"text"``, ``"html"`` or None (look at the content)."""
    return value if value is None else choice(value, option, DOCUMENT_FORMATS)


def output_file(path: str | os.PathLike[str], option: str) -> Path:
    """Make sure ``path`` can be written: create its folder, refuse a folder or a file in the
    way. Run before any work, so that a run does not fail at its end."""
    path = Path(path)
    if path.is_dir():
        raise ConfigError(f"{option} {str(path)!r} is a folder; name a file")
    folder = path.parent
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except FileExistsError:
        raise ConfigError(f"{option} {str(path)!r}: {str(folder)!r} is not a folder") from None
    except OSError as exc:
        raise ConfigError(f"{option} {str(path)!r}: cannot create its folder ({exc.strerror})") from None
    if not os.access(folder, os.W_OK):
        raise ConfigError(f"{option} {str(path)!r}: folder {str(folder)!r} is not writable")
    return path


def output_format(path: str, option: str = "-o") -> str:
    """``path`` when its ending names a format a writer writes (``newsclean.formats``: JSONL,
    Parquet, registered ones) or it is ``-``; ConfigError otherwise, so that ``-o out.csv`` never holds JSONL under a CSV name."""
    from newsclean.formats import writer_for

    if path != "-" and writer_for(path) is None:
        raise ConfigError(
            f"{option} {path!r}: newsclean writes JSONL (.jsonl, .jsonl.gz) or Parquet (.parquet), chosen by the name; "
            "name the output with one of those endings"
        )
    return path


def _identity(path: str) -> tuple[str, tuple[int, int] | None]:
    """The resolved path and, for an existing file, its device and inode."""
    try:
        info = os.stat(path)
        inode = (info.st_dev, info.st_ino)
    except OSError:
        inode = None
    return os.path.realpath(path), inode


def distinct_outputs(inputs: Iterable[str], outputs: dict[str, str | None]) -> None:
    """ConfigError when a file a run writes (``outputs``: option -> path, ``-`` and None
    left out) is one of the ``inputs`` named, lies inside an input folder (whether or not it
    exists yet: the next run would read it), or is another output; and when an input or an
    output is one of the files the run owns beside an output (``RUN_FILE_SUFFIXES``). By
    resolved path or inode, so links and ``..`` do not hide it."""
    named = {option: _identity(path) for option, path in outputs.items() if path not in (None, "-")}
    read = [(name, _identity(name)) for name in inputs if name != "-"]
    folders = [(name, identity) for name, identity in read if os.path.isdir(name)]

    def same(a: tuple[str, Any], b: tuple[str, Any]) -> bool:
        return a[0] == b[0] or (a[1] is not None and a[1] == b[1])

    options = list(named)
    owned = {option: [(f"{outputs[option]}{suffix}", _identity(f"{outputs[option]}{suffix}")) for suffix in RUN_FILE_SUFFIXES] for option in options}
    for i, option in enumerate(options):
        for name, identity in read:
            if same(named[option], identity):
                raise ConfigError(f"{option} {outputs[option]!r} is the input {name!r}: a run never writes over its input")
            for sibling in owned[option]:
                if same(sibling, identity):
                    raise ConfigError(
                        f"the input {name!r} is {sibling[0]!r}, a file the run writing {option} {outputs[option]!r} "
                        "creates and removes; rename that input or pick another output"
                    )
        for other in options:
            for sibling in owned[other] if other != option else ():
                if same(named[option], sibling):
                    raise ConfigError(
                        f"{option} {outputs[option]!r} is {sibling[0]!r}, a file the run writing {other} "
                        f"{outputs[other]!r} creates and removes; give {option} another name"
                    )
        for name, identity in folders:
            if _inside(named[option][0], identity):
                raise ConfigError(
                    f"{option} {outputs[option]!r} is inside the input folder {name!r}: the next run would read it; "
                    "write it outside the folders a run reads"
                )
        for other in options[i + 1 :]:
            if same(named[option], named[other]):
                raise ConfigError(f"{option} and {other} both name {outputs[option]!r}; give each its own file")


def _inside(resolved: str, folder: tuple[str, tuple[int, int] | None]) -> bool:
    """Whether the resolved path ``resolved`` lies below ``folder`` (its ``_identity``): by
    path, or by the inode of one of its existing parent folders (a bind mount, a
    case-insensitive file system)."""
    path = Path(resolved)
    if path.is_relative_to(folder[0]) and resolved != folder[0]:
        return True
    for parent in path.parents:
        try:
            info = os.stat(parent)
        except OSError:
            continue
        if (info.st_dev, info.st_ino) == folder[1]:
            return True
    return False


def requires(given: dict[str, bool], needed: str, holds: bool) -> None:
    """ConfigError when an option in ``given`` (name -> was it set) is set but ``needed`` is not."""
    named = [name for name, is_set in given.items() if is_set]
    if named and not holds:
        raise ConfigError(f"{' and '.join(named)} {'need' if len(named) > 1 else 'needs'} {needed}")


def clean_command(args: Any, outputs: dict[str, str | None]) -> None:
    """Check the options of ``newsclean clean`` (an argparse namespace) that are the CLI's own
    (where the run goes, its exit status, its files) before any work; the run's settings are
    checked by ``RunConfig``. ``outputs`` maps an option (``-o``, ``--rejects``, ``--stats``)
    to the file it writes (None: none); their folders are created here, or the run is refused."""
    if args.inputs.count("-") > 1:
        raise ConfigError("stdin (-) can be read only once")
    integer(args.jobs, "--jobs", minimum=1)
    if args.workers is not None:
        integer(args.workers, "--workers", minimum=1)
    requires({"--scheduler": args.scheduler is not None, "--workers": args.workers is not None}, "--engine dask", args.engine == "dask")
    requires({"--limit": getattr(args, "limit", None) is not None}, "--engine local", args.engine == "local")
    if args.max_reject_rate is not None:
        number(args.max_reject_rate, "--max-reject-rate", minimum=0.0, maximum=1.0)
    if args.stdin_format != "jsonl" and "-" not in args.inputs:
        raise ConfigError("--stdin-format applies to standard input: name - among the inputs")
    distinct_outputs(args.inputs, outputs)
    for option, path in outputs.items():
        if path is not None and path != "-":
            output_file(path, option)
