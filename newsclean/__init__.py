"""newsclean: raw news (HTML or scraped text) in, clean article objects out."""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from newsclean.errors import ConfigError, InputError, NewscleanError, RulePackError, StageError

if TYPE_CHECKING:
    from newsclean.api import clean, default_pipeline
    from newsclean.config import RunConfig
    from newsclean.stages.base import CorpusStage
    from newsclean.model import Article, Category, Drop, RawDocument, Reject, RejectReason, Removal
    from newsclean.pipeline import Pipeline
    from newsclean.rulepack import Rule, RulePack
    from newsclean.runner import Runner, run

# The version of a source tree that is not installed (no package metadata to read).
UNKNOWN_VERSION = "0+unknown"


def _version() -> str:
    """The installed distribution's version (pyproject.toml is its one source)."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("newsclean")
    except PackageNotFoundError:
        return UNKNOWN_VERSION

# Imported on first use: importing newsclean (as pytest does for the plugin, in every project
# that has newsclean installed) must not load trafilatura and the rule packs.
_LAZY = {
    "clean": "newsclean.api",
    "default_pipeline": "newsclean.api",
    "Article": "newsclean.model",
    "Category": "newsclean.model",
    "Drop": "newsclean.model",
    "RawDocument": "newsclean.model",
    "Reject": "newsclean.model",
    "RejectReason": "newsclean.model",
    "Removal": "newsclean.model",
    "CorpusStage": "newsclean.stages.base",
    "Pipeline": "newsclean.pipeline",
    "Runner": "newsclean.runner",
    "RunConfig": "newsclean.config",
    "run": "newsclean.runner",
    "Rule": "newsclean.rulepack",
    "RulePack": "newsclean.rulepack",
}


def __getattr__(name: str) -> Any:
    if name == "__version__":  # read from package metadata on first use, like the names below
        globals()[name] = value = _version()
        return value
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'newsclean' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_LAZY) | {"__version__"})


__all__ = [
    "Article",
    "Category",
    "ConfigError",
    "CorpusStage",
    "Drop",
    "InputError",
    "NewscleanError",
    "Pipeline",
    "RawDocument",
    "Reject",
    "RejectReason",
    "Removal",
    "Rule",
    "RulePack",
    "RulePackError",
    "RunConfig",
    "Runner",
    "StageError",
    "__version__",
    "clean",
    "default_pipeline",
    "run",
]
