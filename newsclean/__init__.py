"""newsclean: raw news (HTML or scraped text) in, clean article objects out."""

from newsclean.api import clean, default_pipeline
from newsclean.errors import ConfigError, InputError, NewscleanError, RulePackError, StageError
from newsclean.model import Article, Category, Drop, RawDocument, Removal
from newsclean.pipeline import CorpusStage, Pipeline
from newsclean.rulepack import Rule, RulePack

__version__ = "0.1.0"

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
    "Removal",
    "Rule",
    "RulePack",
    "RulePackError",
    "StageError",
    "__version__",
    "clean",
    "default_pipeline",
]
