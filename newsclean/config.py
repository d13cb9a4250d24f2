"""``RunConfig``: every setting of a run in one frozen value, with its defaults and checks.

The CLI maps its arguments to a RunConfig and nothing else; ``newsclean.run``, the Runner, the
integrations and ``default_pipeline`` take one (or its settings as keywords). Where the run
happens (``Runner.local(jobs=)``, ``Runner.dask(client=)``) is the Runner's, not the config's:
it never changes what a run writes.

``RunConfig.identity(pipeline)`` is what a run is: every stage's settings (read off the
stages themselves, so a pipeline of one's own is described as well as the default one), the
reader settings, the rule packs' digests and the libraries' versions, as a flat mapping from a
setting's name to its value. Its digest is recorded in the stats file of every run, and
``--resume`` (or ``resume=True``) refuses to continue a run whose identity differs, naming
the settings that differ.
"""

from __future__ import annotations

import enum
import hashlib
import json
import platform
import re
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import attrs

from newsclean import options
from newsclean.errors import ConfigError
from newsclean.minhash import MinHashParams

if TYPE_CHECKING:
    from newsclean.pipeline import Pipeline

__all__ = ["RunConfig", "SettingError", "library_versions", "rule_pack_digests", "stage_settings"]

# The libraries whose versions are part of a run's identity (their upgrade can change output).
LIBRARIES = ("trafilatura", "lxml", "beautifulsoup4", "ftfy", "langdetect", "charset-normalizer", "regex")


class SettingError(ConfigError):
    """A RunConfig setting that is not accepted; ``setting`` is its name."""

    def __init__(self, setting: str, message: str):
        super().__init__(message)
        self.setting = setting


def _checked(setting: str, check: Callable[..., Any], value: Any, **kwargs: Any) -> Any:
    """``check(value, setting, **kwargs)``, its ConfigError a SettingError naming ``setting``."""
    try:
        return check(value, setting, **kwargs)
    except ConfigError as exc:
        raise SettingError(setting, str(exc)) from None


def _flag(value: Any, setting: str) -> bool:
    if not isinstance(value, bool):
        raise ConfigError(f"{setting} must be True or False, not {value!r}")
    return value


def _field_name(value: Any, setting: str) -> str:
    if not isinstance(value, str) or not value:
        raise ConfigError(f"{setting} must be a non-empty field name, not {value!r}")
    return value


def _optional_count(value: Any, setting: str) -> int | None:
    return None if value is None else options.integer(value, setting, minimum=1)


def _rule_languages(value: Any, setting: str) -> tuple[str, ...] | None:
    if value is None:
        return None
    items = (value,) if isinstance(value, str) else tuple(value)
    if not all(isinstance(item, str) for item in items):
        raise ConfigError(f"{setting} must be rule-pack names (strings), not {value!r}")
    return items


def _paths(value: Any, setting: str) -> tuple[str, ...]:
    items = (value,) if isinstance(value, str) else tuple(value)
    if not all(isinstance(item, str) and item for item in items):
        raise ConfigError(f"{setting} must be paths of rule-pack files, not {value!r}")
    return items


def _dedup(value: Any, setting: str) -> str:
    return options.dedup_mode(value)


def _check_pipeline(_config: Any, _attribute: Any, value: Any) -> None:
    from newsclean.pipeline import Pipeline

    if value is not None and not isinstance(value, Pipeline):
        raise SettingError("pipeline", f"pipeline must be a newsclean Pipeline, not {type(value).__name__}")


@attrs.frozen(kw_only=True)
class RunConfig:
    """Every setting of a run. Each is checked when the config is made: a ``ConfigError``
    (a :class:`SettingError`) names the setting and what it accepts.

    The default pipeline's settings (``default_pipeline`` documents them) are used unless
    ``pipeline`` is given. The reader settings: ``stdin_format`` (what ``-`` is read as),
    ``text_only`` (markup where text was expected is rejected, not read as HTML), ``limit``
    (read only the first documents: a trial run), and the JSONL fields / Parquet columns that
    hold the text, the HTML and the id (``text_field``, ``html_field``, ``id_field``).
    """

    # The default pipeline.
    keep_languages: tuple[str, ...] = attrs.field(default=(), converter=lambda value: _checked("keep_languages", options.language_codes, value))
    dedup: str = attrs.field(default="near", converter=lambda value: _checked("dedup", _dedup, value))
    dedup_threshold: float = attrs.field(
        default=MinHashParams().threshold, converter=lambda value: _checked("dedup_threshold", options.number, value, minimum=0.0, maximum=1.0, above=True)
    )
    site_repeat: bool = attrs.field(default=True, converter=lambda value: _checked("site_repeat", _flag, value))
    # An article with no words left is always rejected (as ``empty``): 0 would reject every one.
    min_words: int = attrs.field(default=1, converter=lambda value: _checked("min_words", options.integer, value, minimum=1))
    min_sentences: int = attrs.field(default=0, converter=lambda value: _checked("min_sentences", options.integer, value, minimum=0))
    rule_languages: tuple[str, ...] | None = attrs.field(default=None, converter=lambda value: _checked("rule_languages", _rule_languages, value))
    seed: int = attrs.field(default=0, converter=lambda value: _checked("seed", options.integer, value, minimum=0))
    # Any pipeline: rule packs of one's own (TOML paths), added to its boilerplate stage.
    rules: tuple[str, ...] = attrs.field(default=(), converter=lambda value: _checked("rules", _paths, value))
    on_error: str = attrs.field(default="drop", converter=lambda value: _checked("on_error", options.choice, value, accepted=options.ON_ERROR))
    max_bytes: int = attrs.field(default=options.DEFAULT_MAX_BYTES, converter=lambda value: _checked("max_bytes", options.integer, value, minimum=1))
    time_budget: float | None = attrs.field(default=60.0, converter=lambda value: _checked("time_budget", options.budget, value))
    pipeline: Pipeline | None = attrs.field(default=None, validator=_check_pipeline)
    # Reading.
    stdin_format: str = attrs.field(default="jsonl", converter=lambda value: _checked("stdin_format", options.choice, value, accepted=options.STDIN_FORMATS))
    text_only: bool = attrs.field(default=False, converter=lambda value: _checked("text_only", _flag, value))
    limit: int | None = attrs.field(default=None, converter=lambda value: _checked("limit", _optional_count, value))
    text_field: str = attrs.field(default="text", converter=lambda value: _checked("text_field", _field_name, value))
    html_field: str = attrs.field(default="html", converter=lambda value: _checked("html_field", _field_name, value))
    id_field: str = attrs.field(default="id", converter=lambda value: _checked("id_field", _field_name, value))

    def __attrs_post_init__(self) -> None:
        if self.pipeline is not None:
            for field in attrs.fields(type(self)):
                if field.name in DEFAULT_PIPELINE_SETTINGS and getattr(self, field.name) != field.default:
                    raise SettingError(field.name, f"{field.name} is a setting of the default pipeline, and pipeline= is given: set it in that pipeline's stages")
        if self.text_field == self.html_field:
            raise SettingError("html_field", f"text_field and html_field both name {self.text_field!r}; give each its own field")

    @classmethod
    def of(cls, config: RunConfig | None = None, **settings: Any) -> RunConfig:
        """``config`` with ``settings`` changed (a new default config when None). An unknown
        setting is a ConfigError listing the known ones."""
        known = {field.name for field in attrs.fields(cls)}
        unknown = sorted(set(settings) - known)
        if unknown:
            raise ConfigError(f"unknown setting(s) {', '.join(unknown)}; settings: {', '.join(sorted(known))}")
        if config is None:
            return cls(**settings)
        if not isinstance(config, cls):
            raise TypeError(f"config must be a RunConfig, not {type(config).__name__}")
        return attrs.evolve(config, **settings) if settings else config

    # --- what it builds ---------------------------------------------------------------------

    def build_pipeline(self) -> Pipeline:
        """``pipeline`` when given, else the default pipeline with these settings; with the
        ``rules`` packs added to its boilerplate stage (a pack that does not load, or whose
        examples fail, is a ConfigError here, before any work)."""
        pipeline = self.pipeline if self.pipeline is not None else _default_pipeline(self)
        if not self.rules:
            return pipeline
        from newsclean.rulepack import RulePack
        from newsclean.stages.boilerplate import with_user_packs

        return with_user_packs(pipeline, [RulePack.from_file(path) for path in self.rules])

    @property
    def record_fields(self) -> Any:
        """The reader's field names (``newsclean.readers.RecordFields``)."""
        from newsclean.readers import RecordFields

        return RecordFields(text=self.text_field, html=self.html_field, id=self.id_field)

    # --- what it is -----------------------------------------------------------------------

    def settings(self) -> dict[str, Any]:
        """The settings as JSON-ready values (a pipeline of one's own as its stage names;
        then the default pipeline's settings, which it does not use, are left out)."""
        values = {field.name: _json_ready(getattr(self, field.name)) for field in attrs.fields(type(self)) if field.name != "pipeline"}
        if self.pipeline is not None:
            for name in DEFAULT_PIPELINE_SETTINGS:
                values.pop(name)
            values["pipeline"] = list(self.pipeline.names)
        return values

    def identity(self, pipeline: Pipeline | None = None) -> dict[str, Any]:
        """What a run with this config is, as a flat ``{setting: value}``: the pipeline's
        stages in order and each one's settings (``dedup.params.threshold``), the reader
        settings (``reader.text_field``), the rule packs' digests (``rule_pack.en``) and the
        libraries' versions (``version.ftfy``). ``pipeline``: the one built from this config,
        when the caller has it already."""
        pipeline = pipeline if pipeline is not None else self.build_pipeline()
        found: dict[str, Any] = {
            "pipeline": list(pipeline.names),
            "pipeline.on_error": pipeline.on_error,
            "pipeline.time_budget": pipeline.time_budget,
        }
        for stage in (pipeline.extract, *pipeline.stages):
            name = _stage_name(stage)
            for key, value in stage_settings(stage).items():
                found[f"{name}.{key}" if key else name] = value
        for name in ("stdin_format", "text_only", "limit", "text_field", "html_field", "id_field"):
            found[f"reader.{name}"] = getattr(self, name)
        found["reader.max_bytes"] = getattr(pipeline.extract, "max_bytes", self.max_bytes)
        found.update({f"rule_pack.{name}": digest for name, digest in rule_pack_digests().items()})
        found.update({f"version.{name}": version for name, version in library_versions().items()})
        return found

    def digest(self, pipeline: Pipeline | None = None) -> str:
        """A short digest of ``identity``."""
        return identity_digest(self.identity(pipeline))


# What the default pipeline is built from: a pipeline of one's own has its own.
DEFAULT_PIPELINE_SETTINGS = (
    "keep_languages", "dedup", "dedup_threshold", "site_repeat", "min_words", "min_sentences", "rule_languages", "seed",
    "on_error", "max_bytes", "time_budget",
)


def identity_digest(identity: dict[str, Any]) -> str:
    text = json.dumps(identity, sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:16]


def differences(then: dict[str, Any], now: dict[str, Any]) -> list[str]:
    """The settings of two identities that differ, each as ``name (then -> now)``."""
    changed = sorted(k for k in set(then) | set(now) if then.get(k, _MISSING) != now.get(k, _MISSING))
    return [f"{k} ({_shown(then.get(k, _MISSING))} then, {_shown(now.get(k, _MISSING))} now)" for k in changed]


_MISSING = object()


def _shown(value: Any) -> str:
    if value is _MISSING:
        return "absent"
    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= 60 else text[:57] + "..."


def rule_pack_digests() -> dict[str, str]:
    """The digest of every packaged rule pack (and data file), by name."""
    from newsclean.rulepack import COMMON, DATA_FILES, RulePack, available_languages

    return {name: RulePack.load(name).digest for name in (COMMON, *available_languages(), *DATA_FILES)}


def library_versions() -> dict[str, str | None]:
    """newsclean's, Python's and the cleaning libraries' versions (None: not installed)."""
    from importlib.metadata import PackageNotFoundError, version

    from newsclean import __version__

    versions: dict[str, str | None] = {"newsclean": __version__, "python": platform.python_version()}
    for package in LIBRARIES:
        try:
            versions[package] = version(package)
        except PackageNotFoundError:
            versions[package] = None
    return versions


# --- a stage's settings ---------------------------------------------------------------------

# A value with more parts than this is recorded as a digest: compiled rules, vocabularies.
_SMALL = 40


class _TooLarge(Exception):
    pass


def stage_settings(stage: Any) -> dict[str, Any]:
    """A stage's settings, flat: for an attrs class, each field given to it when it was made
    (nested attrs values as ``params.threshold``), small values as they are and large ones
    (rule lists) as a digest; a rule pack as its file's digest. For any other callable, its
    importable name under the key ``""``."""
    if not attrs.has(type(stage)):
        return {"": _callable_name(stage)}
    found: dict[str, Any] = {}
    _flatten(stage, "", found, depth=0)
    return found


def _flatten(value: Any, prefix: str, found: dict[str, Any], depth: int) -> None:
    for field in _settings_fields(value):
        key = f"{prefix}{field.name}"
        item = getattr(value, field.name)
        if attrs.has(type(item)) and not _is_pack(item) and depth < 3:
            _flatten(item, key + ".", found, depth + 1)
            continue
        try:
            found[key] = _json_ready(item, [_SMALL])
        except _TooLarge:
            digest = hashlib.sha256()
            _feed(item, digest)
            found[key] = "sha256:" + digest.hexdigest()[:16]


def _settings_fields(value: Any) -> list[Any]:
    return [f for f in attrs.fields(type(value)) if f.init and not f.name.startswith("_")]


def _is_pack(value: Any) -> bool:
    return isinstance(getattr(value, "digest", None), str) and hasattr(value, "rules")


def _is_pattern(value: Any) -> bool:
    return isinstance(value, re.Pattern) or (hasattr(value, "pattern") and hasattr(value, "flags") and hasattr(value, "search"))


def _json_ready(value: Any, budget: list[int] | None = None) -> Any:
    """``value`` as JSON that says what it is, the same in every process (no memory
    addresses). With ``budget`` (a one-item list: parts left), _TooLarge past it."""
    if budget is not None:
        budget[0] -= 1
        if budget[0] < 0:
            raise _TooLarge
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, enum.Enum):
        return _json_ready(value.value, budget)
    if _is_pack(value):
        return {"rule_pack": value.digest}
    if _is_pattern(value):
        return {"pattern": value.pattern, "flags": int(value.flags)}
    if isinstance(value, dict):
        return {str(k): _json_ready(v, budget) for k, v in sorted(value.items(), key=lambda kv: str(kv[0]))}
    if isinstance(value, (frozenset, set)):
        return sorted((_json_ready(v, budget) for v in value), key=lambda v: json.dumps(v, sort_keys=True))
    if isinstance(value, (list, tuple)):
        return [_json_ready(v, budget) for v in value]
    if attrs.has(type(value)):
        return {f.name: _json_ready(getattr(value, f.name), budget) for f in _settings_fields(value)}
    if callable(value):
        return _callable_name(value)
    return type(value).__qualname__


def _feed(value: Any, digest: Any) -> None:
    """Feed what ``_json_ready(value)`` says to ``digest``, without building it."""
    if isinstance(value, (dict, list, tuple, set, frozenset)) or (attrs.has(type(value)) and not _is_pack(value)):
        if isinstance(value, dict):
            items: list[tuple[str, Any]] = sorted(((str(k), v) for k, v in value.items()), key=lambda kv: kv[0])
        elif isinstance(value, (set, frozenset)):
            items = [("", v) for v in sorted(value, key=lambda v: json.dumps(_json_ready(v), sort_keys=True))]
        elif isinstance(value, (list, tuple)):
            items = [("", v) for v in value]
        else:
            items = [(f.name, getattr(value, f.name)) for f in _settings_fields(value)]
        digest.update(b"(")
        for key, item in items:
            digest.update(key.encode("utf-8", "surrogatepass") + b"=")
            _feed(item, digest)
            digest.update(b",")
        digest.update(b")")
        return
    text = json.dumps(_json_ready(value), sort_keys=True, ensure_ascii=False)
    digest.update(text.encode("utf-8", "surrogatepass"))


def _callable_name(value: Any) -> str:
    target = value if hasattr(value, "__qualname__") else type(value)
    return f"{getattr(target, '__module__', '?')}.{getattr(target, '__qualname__', type(value).__name__)}"


def _stage_name(stage: Any) -> str:
    from newsclean.pipeline import stage_name

    return stage_name(stage)


# --- the default pipeline -------------------------------------------------------------------


def _default_pipeline(config: RunConfig) -> Pipeline:
    from newsclean.pipeline import Pipeline
    from newsclean.rulepack import available_languages
    from newsclean.stages import (
        Boilerplate,
        CommentThread,
        DocDedup,
        Dedup,
        Extract,
        Header,
        Language,
        MenuRow,
        MinLength,
        NavigationHead,
        Normalize,
        SiteRepeat,
    )

    languages = config.rule_languages if config.rule_languages is not None else tuple(available_languages())
    keep: Any = config.keep_languages
    stages: list[object] = [
        Normalize(),
        Language(keep=keep, seed=config.seed),
        NavigationHead(),
        MenuRow.for_languages(*languages),
        Header.for_languages(*languages),
        # Before the boilerplate rules: a reader-comment thread under the story goes first, so
        # the tail rules (a writer's bio, follow and contact lines) find the story's end.
        CommentThread(),
        Boilerplate.for_languages(*languages),
        DocDedup(),
    ]
    if config.site_repeat:
        stages.append(SiteRepeat())
    stages.append(MinLength(min_words=config.min_words, min_sentences=config.min_sentences))
    if config.dedup != "off":
        stages.append(Dedup(near=config.dedup == "near", params=MinHashParams(threshold=config.dedup_threshold)))
    return Pipeline(
        extract=Extract(max_bytes=config.max_bytes),
        stages=tuple(stages),
        on_error=config.on_error,
        time_budget=config.time_budget,
    )

