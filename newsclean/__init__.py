"""newsclean: raw news (HTML or scraped text) in, clean article objects out."""

from __future__ import annotations

import importlib
import importlib.abc
import importlib.machinery
import importlib.util
import sys
from types import ModuleType
from typing import TYPE_CHECKING, Any

from newsclean.errors import ConfigError, InputError, NewscleanError, RulePackError, StageError

if TYPE_CHECKING:
    from newsclean.api import clean, default_pipeline
    from newsclean.config import RunConfig
    from newsclean.stages.base import CorpusStage
    from newsclean.model import Article, Category, Drop, RawDocument, Reject, RejectReason, Removal
    from newsclean.pipeline import Pipeline
    from newsclean.rulepack import Rule, RulePack
    from newsclean.engine.driver import Runner, run

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
    "Runner": "newsclean.engine.driver",
    "RunConfig": "newsclean.config",
    "run": "newsclean.engine.driver",
    "Rule": "newsclean.rulepack",
    "RulePack": "newsclean.rulepack",
}


# The run's machinery moved into ``newsclean.engine``; the old module names still import, and
# give the module at its new home, the same object (a patch or a pickle by the old name
# reaches it). Kept as renames, not as files at the old paths.
MOVED = {
    "newsclean.runner": "newsclean.engine.driver",
    "newsclean.parallel": "newsclean.engine.local",
    "newsclean.distributed": "newsclean.engine.distributed",
    "newsclean.budget": "newsclean.engine.budget",
    "newsclean.checkpoint": "newsclean.engine.checkpoint",
    "newsclean.killable": "newsclean.engine.killable",
    "newsclean.spill": "newsclean.engine.spill",
    "newsclean.corpus": "newsclean.engine.corpus",
}


class _MovedModules(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    """Imports an old name of ``MOVED`` as its new module."""

    def __init__(self) -> None:
        self._specs: dict[str, importlib.machinery.ModuleSpec | None] = {}

    def find_spec(self, fullname: str, path: Any = None, target: Any = None) -> importlib.machinery.ModuleSpec | None:
        return importlib.util.spec_from_loader(fullname, self) if fullname in MOVED else None

    def create_module(self, spec: importlib.machinery.ModuleSpec) -> ModuleType:
        module = importlib.import_module(MOVED[spec.name])
        self._specs[spec.name] = module.__spec__
        return module

    def exec_module(self, module: ModuleType) -> None:
        # The import system gave the module the old name's spec: it keeps its own.
        assert module.__spec__ is not None
        module.__spec__ = self._specs[module.__spec__.name]


if not any(isinstance(finder, _MovedModules) for finder in sys.meta_path):
    sys.meta_path.append(_MovedModules())


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
