"""The document stage bases: a stage does its own work and nothing else.

``DocumentStage.apply(article) -> article`` is the work; calling the stage (as the pipeline
does) runs it and records the stage in the article's trace. ``LineFilter.removals(lines,
article)`` only says which lines (paragraphs) go and why; the base takes them out of the text
and records them. The pipeline adds the time budget and turns an exception into a counted drop
(``newsclean.pipeline``). ``CorpusStage`` is the base of the stages that decide from the whole
stream; its drivers are in ``newsclean.engine.corpus``.

A stage declares the order it needs: ``requires`` names facts a stage before it must have set,
``provides`` the facts it sets (class attributes, sets of the names below or of one's own). A
pipeline checks them when it is built: a stage placed before one that sets what it requires is
a ``ConfigError`` naming both. A fact no stage of the pipeline sets is not checked (the input may
carry it: an Article with its language).
"""

from __future__ import annotations

import abc
from collections.abc import Iterable, Iterator, Sequence
from typing import ClassVar, Generic, TypeVar

import attrs

from newsclean.engine.corpus import Keyed, run_alone
from newsclean.model import Article, Removal, returned_article
from newsclean.text import join_paragraphs, split_paragraphs

# The facts the built-in stages declare.
NORMALIZED = "normalized"  # text and fields normalised: Unicode, mojibake, spacing (normalize)
LANGUAGE = "language"  # ``article.language`` detected (language)
COMMENTS_OUT = "comments-out"  # a reader-comment thread under the story taken out (comment_thread)

State = TypeVar("State")
Model = TypeVar("Model")


class DocumentStage(abc.ABC):
    """``Article -> Article``: subclasses implement ``apply``."""

    __slots__ = ()
    name: ClassVar[str]
    requires: ClassVar[frozenset[str]] = frozenset()
    provides: ClassVar[frozenset[str]] = frozenset()

    @abc.abstractmethod
    def apply(self, article: Article) -> Article:
        """The article after this stage (its trace is recorded by the caller)."""

    def __call__(self, article: Article) -> Article:
        after = returned_article(self.name, self.apply(article))
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


class CorpusStage(abc.ABC, Generic[State, Model]):
    """A stage that decides from the whole stream: four calls every engine drives.

    - ``observe(batch) -> state``: what the stage needs of a batch of ``(key, article)`` pairs
      (kept articles only). Small and picklable: it may travel between processes.
    - ``merge(states) -> state``: one state from several. Associative and blind to order, so an
      engine may merge in any tree.
    - ``decide(state) -> model``: once, from the merged state of the whole corpus.
    - ``apply(key, article, model) -> article``: per kept article; the model is what goes to
      the workers, so it holds only decisions, not the corpus.

    ``key`` is the article's position in the stream the stage sees (0, 1, ...), the same on
    every engine. The driver, not the stage, records the stage in a kept article's ``trace``.
    """

    name: ClassVar[str]
    requires: ClassVar[frozenset[str]] = frozenset()
    provides: ClassVar[frozenset[str]] = frozenset()

    @abc.abstractmethod
    def observe(self, batch: Sequence[Keyed]) -> State:
        """What the stage needs of these kept articles."""

    @abc.abstractmethod
    def merge(self, states: Sequence[State]) -> State:
        """One state from several (associative; the order of ``states`` must not matter)."""

    @abc.abstractmethod
    def decide(self, state: State) -> Model:
        """The model ``apply`` uses, from the state of the whole corpus."""

    @abc.abstractmethod
    def apply(self, key: int, article: Article, model: Model) -> Article:
        """The kept article at ``key`` after the stage (dropped, or with lines removed)."""

    def run(self, articles: Iterable[Article]) -> Iterator[Article]:
        """Every article of a stream after the stage, in order (the stream waits in a
        temporary spill file, not in memory)."""
        return run_alone(self, articles)
