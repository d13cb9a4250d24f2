"""The document stage bases: a stage does its own work and nothing else.

``DocumentStage.apply(article) -> article`` is the work; calling the stage (as the pipeline
does) runs it and records the stage in the article's trace. ``LineFilter.removals(lines,
article)`` only says which lines (paragraphs) go and why; the base takes them out of the text
and records them. The pipeline adds the time budget and turns an exception into a counted drop
(``newsclean.pipeline``). Corpus stages have their own base, ``newsclean.corpus.CorpusStage``.
"""

from __future__ import annotations

import abc
from typing import ClassVar

import attrs

from newsclean.model import Article, Removal
from newsclean.text import join_paragraphs, split_paragraphs


class DocumentStage(abc.ABC):
    """``Article -> Article``: subclasses implement ``apply``."""

    __slots__ = ()
    name: ClassVar[str]

    @abc.abstractmethod
    def apply(self, article: Article) -> Article:
        """The article after this stage (its trace is recorded by the caller)."""

    def __call__(self, article: Article) -> Article:
        after = self.apply(article)
        return attrs.evolve(after, trace=after.trace + (self.name,))


class LineFilter(DocumentStage):
    """A stage that removes whole lines: ``removals`` names them (each ``Removal.line`` is the
    line's index), the base builds the text that is left."""

    __slots__ = ()

    @abc.abstractmethod
    def removals(self, lines: list[str], article: Article) -> list[Removal]:
        """The lines of ``article`` (its paragraphs, ``lines``) that go."""

    def apply(self, article: Article) -> Article:
        lines = split_paragraphs(article.text)
        removed = self.removals(lines, article)
        if not removed:
            return article
        taken = {r.line for r in removed}
        kept = [line for i, line in enumerate(lines) if i not in taken]
        return attrs.evolve(article, text=join_paragraphs(kept), removed=article.removed + tuple(removed))
