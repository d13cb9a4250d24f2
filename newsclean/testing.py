"""Validate cleaning in your own tests: golden cases and assertion helpers, usable without pytest.

The pytest plugin (``newsclean.pytest_plugin``, registered on install) builds on this module;
see docs/testing.md.

Golden cases: an input file plus the output we expect, kept as plain files in a folder. A case
is a folder holding:

``input.txt`` or ``input.html``  the document as a scraper would hand it over
``meta.json``                    optional hints: ``url``, ``title``, ``source``, ``authors``, ``published``
``expected.txt``                 the clean text, exactly (a final newline is ignored)
``expected.json``                optional fields to check; only the keys present are compared:
                                 ``title``, ``authors``, ``published``, ``language``, ``source``,
                                 ``categories`` (the set of removal categories), ``rules`` (the set
                                 of rule ids that fired), ``drop`` (the drop reason, or null)

On a mismatch :func:`check_case` writes ``obtained.txt`` and ``obtained.json`` beside the
expected files, so the difference can be read and reviewed; :func:`regenerate` rewrites the
expected files from what was obtained.
"""

from __future__ import annotations

import difflib
import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import attrs

from newsclean.model import Article, Category, RawDocument
from newsclean.pipeline import Pipeline

INPUT_NAMES = ("input.txt", "input.html")
# Any of these marks a folder as a case, so that a case whose input is misnamed is an error,
# not a case silently left out.
CASE_FILE_NAMES = (*INPUT_NAMES, "expected.txt", "expected.json", "meta.json")


@attrs.frozen(kw_only=True)
class GoldenCase:
    """One case folder, loaded."""

    name: str
    path: Path
    document: RawDocument
    expected_text: str | None
    expected_fields: dict[str, Any]

    @classmethod
    def load(cls, folder: Path) -> GoldenCase:
        inputs = [folder / n for n in INPUT_NAMES if (folder / n).exists()]
        if len(inputs) != 1:
            found = ", ".join(sorted(p.name for p in folder.iterdir() if p.is_file())) or "no files"
            raise ValueError(f"golden case {folder} needs exactly one of {', '.join(INPUT_NAMES)} (it has {found})")
        source = inputs[0]
        meta = _read_json(folder / "meta.json")
        url = meta.pop("url", None)
        document = RawDocument(
            id=folder.name,
            content=source.read_bytes(),
            format="html" if source.suffix == ".html" else "text",
            url=url,
            hints=meta,
        )
        text_path = folder / "expected.txt"
        expected_text = text_path.read_text(encoding="utf-8").rstrip("\n") if text_path.exists() else None
        return cls(
            name=folder.name,
            path=folder,
            document=document,
            expected_text=expected_text,
            expected_fields=_read_json(folder / "expected.json"),
        )


def discover(root: Path) -> list[GoldenCase]:
    """Every case under ``root``, sorted by name: the folders holding an input, expected or
    meta file. ValueError for one without exactly one input file (``INPUT_NAMES``)."""
    folders = sorted({p.parent for name in CASE_FILE_NAMES for p in root.rglob(name)})
    return [GoldenCase.load(folder) for folder in folders]


def observed_fields(article: Article) -> dict[str, Any]:
    """The checkable fields of a cleaned article, in the form ``expected.json`` uses."""
    return {
        "title": article.title,
        "authors": list(article.authors),
        "published": article.published.isoformat() if article.published else None,
        "language": article.language,
        "source": article.source,
        "categories": sorted({r.category.value for r in article.removed}),
        "rules": sorted({r.rule for r in article.removed}),
        "drop": article.drop.reason if article.drop else None,
    }


def compare(case: GoldenCase, article: Article) -> list[str]:
    """Differences between a case's expectations and ``article``; empty when it passes."""
    problems: list[str] = []
    if case.expected_text is not None and article.text != case.expected_text:
        problems.append("text differs")
    observed = observed_fields(article)
    for key, want in sorted(case.expected_fields.items()):
        if key not in observed:
            problems.append(f"unknown key {key!r} in expected.json")
            continue
        got = observed[key]
        if key in ("categories", "rules"):
            want = sorted(set(want))
        if got != want:
            problems.append(f"{key}: expected {want!r}, got {got!r}")
    return problems


def run_case(case: GoldenCase, pipeline: Pipeline) -> Article:
    """Clean a case's input with ``pipeline`` (document stages only)."""
    return pipeline.process(case.document)


OBTAINED_TEXT = "obtained.txt"
OBTAINED_FIELDS = "obtained.json"


@attrs.frozen(kw_only=True)
class CaseResult:
    """The outcome of checking one case: its problems (empty when it passed) and a report."""

    case: GoldenCase
    article: Article = attrs.field(eq=False)
    problems: tuple[str, ...]

    @property
    def passed(self) -> bool:
        return not self.problems

    def report(self) -> str:
        """The problems, a unified diff of the text, and every removal (category, rule, line)."""
        lines = [f"{self.case.name}: {'; '.join(self.problems)}"]
        if self.case.expected_text is not None and self.article.text != self.case.expected_text:
            lines += difflib.unified_diff(
                self.case.expected_text.splitlines(), self.article.text.splitlines(),
                "expected.txt", OBTAINED_TEXT, lineterm="",
            )
        lines.append("removed:")
        lines += [f"  [{r.category.value}] {r.rule}: {r.text[:100]}" for r in self.article.removed]
        return "\n".join(lines)


def check_case(case: GoldenCase, pipeline: Pipeline) -> CaseResult:
    """Clean the case and compare. On a mismatch, write the obtained files into the case folder;
    on a match, remove stale ones."""
    article = run_case(case, pipeline)
    result = CaseResult(case=case, article=article, problems=tuple(compare(case, article)))
    text_file, fields_file = case.path / OBTAINED_TEXT, case.path / OBTAINED_FIELDS
    if result.passed:
        text_file.unlink(missing_ok=True)
        fields_file.unlink(missing_ok=True)
    else:
        text_file.write_text(article.text + "\n", encoding="utf-8")
        fields_file.write_text(_dump(observed_fields(article)), encoding="utf-8")
    return result


def regenerate(case: GoldenCase, article: Article) -> None:
    """Rewrite the case's expected files from ``article``: the text, and the keys that
    ``expected.json`` already checks (all checkable keys when it has none)."""
    (case.path / "expected.txt").write_text(article.text + "\n", encoding="utf-8")
    observed = observed_fields(article)
    keys = case.expected_fields.keys() or observed.keys()
    (case.path / "expected.json").write_text(_dump({k: observed[k] for k in keys if k in observed}), encoding="utf-8")


# Categories a clean text should not hold. Header and repetition categories are left out: the
# first line of a clean text is not a headline to remove, and repetition needs the whole corpus.
BOILERPLATE_CATEGORIES = frozenset(
    {
        Category.ADVERTISEMENT, Category.RELATED, Category.DONATION, Category.SUBSCRIPTION,
        Category.NEWSLETTER, Category.SOCIAL, Category.AUTHOR_BIO, Category.TAGS,
        Category.COPYRIGHT, Category.CAPTION, Category.MASTHEAD, Category.NAVIGATION,
    }
)


def find_boilerplate(
    article_or_text: Article | str,
    categories: Iterable[Category | str] | None = None,
    pipeline: Pipeline | None = None,
) -> list[str]:
    """Boilerplate newsclean would still remove from a text (or an article's text): one line
    per finding, ``[category] rule: the line``."""
    from newsclean.api import default_pipeline

    text = article_or_text.text if isinstance(article_or_text, Article) else article_or_text
    wanted = {Category(c) for c in categories} if categories is not None else BOILERPLATE_CATEGORIES
    pipeline = pipeline or default_pipeline(dedup=False, site_repeat=False)
    cleaned = pipeline.process(RawDocument(id="checked", content=text, format="text"))
    return [f"[{r.category.value}] {r.rule}: {r.text}" for r in cleaned.removed if r.category in wanted]


def assert_no_boilerplate(
    article_or_text: Article | str,
    categories: Iterable[Category | str] | None = None,
    pipeline: Pipeline | None = None,
) -> None:
    """Raise AssertionError naming the category, rule and line of any boilerplate left in a
    text or an article's text (by default any junk category; or only ``categories``)."""
    __tracebackhide__ = True  # a failure points at the caller's line, not at ours
    found = find_boilerplate(article_or_text, categories, pipeline)
    if found:
        raise AssertionError(f"{len(found)} boilerplate line(s) left:\n" + "\n".join(f"  {f}" for f in found))


def _dump(data: dict[str, Any]) -> str:
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def _read_json(path: Path) -> dict[str, Any]:
    if not path.exists():
        return {}
    return json.loads(path.read_text(encoding="utf-8"))


# --- the stage contract ----------------------------------------------------------------------


class StageContractError(AssertionError):
    """A stage breaks the contract every engine relies on; the message lists each problem."""


_SAMPLE_TEXTS = (
    "The harbour board met on Tuesday and approved the repair budget, its chair said.\n\n"
    "Work on the north quay starts in spring and ends before the summer season.",
    "Der Stadtrat hat am Dienstag beschlossen, im Frühjahr zwei neue Bibliotheken zu eröffnen.",
    "Short line.",
    "",
)


def sample_articles() -> list[Article]:
    """A few small articles of our own writing, one of them empty, for ``check_stage``."""
    return [
        Article(id=f"sample-{i}", text=text, url=f"https://gazette.example/{i}", source="gazette.example", meta={"tags": ["a"]})
        for i, text in enumerate(_SAMPLE_TEXTS)
    ]


def check_stage(stage: Any, articles: Iterable[Article] | None = None) -> None:
    """Check that ``stage`` keeps the contract of a pipeline stage, as scikit-learn's
    ``check_estimator`` does for estimators: it has a name; its ``requires`` and ``provides``,
    when it declares them, are sets of fact names; it pickles (worker processes and
    Dask get a copy: a lambda or a local function cannot go there); it returns an Article for
    each article (not None); it leaves its input as it was; and it gives the same output twice.
    A corpus stage (``observe``, ``merge``, ``decide``, ``apply``) is run over the articles as
    a whole, and its states and model must pickle too. ``articles`` default to
    ``sample_articles()``. Raises :class:`StageContractError` listing every problem found."""
    import copy
    import pickle

    from newsclean.pipeline import stage_name
    from newsclean.stages.base import CorpusStage, DocumentStage

    samples = list(articles) if articles is not None else sample_articles()
    name = stage_name(stage)
    problems: list[str] = []
    if not getattr(stage, "name", None):
        problems.append(f"{name}: has no `name` (the name drops and traces are recorded under)")
    for kind in ("requires", "provides"):
        declared = getattr(stage, kind, None) or ()
        if isinstance(declared, str) or not all(isinstance(fact, str) for fact in declared):
            problems.append(f"{name}: `{kind}` must be a set of fact names (strings), not {declared!r}")
    try:
        pickle.loads(pickle.dumps(stage))
    except Exception as exc:
        problems.append(
            f"{name}: cannot be pickled ({type(exc).__name__}: {exc}), so it cannot run in worker processes "
            "(jobs > 1, a time budget, Dask); define it as a module-level function or class, not a lambda or a local function"
        )
    if isinstance(stage, CorpusStage):
        problems.extend(_corpus_problems(stage, name, samples))
    elif not callable(stage):
        problems.append(f"{name}: a document stage must be callable (Article -> Article)")
    else:
        # A DocumentStage's own work, before its base checks and records it.
        call = stage.apply if isinstance(stage, DocumentStage) else stage
        for article in samples:
            before = copy.deepcopy(article)
            try:
                first = call(article)
            except Exception as exc:
                problems.append(f"{name}: raised {type(exc).__name__}: {exc} on {article.id!r}")
                continue
            if not isinstance(first, Article):
                problems.append(f"{name}: returned {type(first).__name__} for {article.id!r}, not an Article (a missing return?)")
                continue
            if article != before:
                problems.append(f"{name}: changed its input article {article.id!r}; return a new one (attrs.evolve) instead")
            again = call(copy.deepcopy(before))
            if again != first:
                problems.append(f"{name}: gave another output the second time on {article.id!r}; a stage must be deterministic")
    if problems:
        raise StageContractError("stage contract broken:\n- " + "\n- ".join(dict.fromkeys(problems)))


def _corpus_problems(stage: Any, name: str, samples: list[Article]) -> list[str]:
    import copy
    import pickle

    from newsclean.engine.corpus import apply_one, observe_all

    problems: list[str] = []
    before = copy.deepcopy(samples)
    try:
        halves = [observe_all(stage, samples[:1]), observe_all(stage, samples[1:], start=1)]
        state = stage.merge(halves)
        pickle.loads(pickle.dumps(state))
        model = stage.decide(state)
        pickle.loads(pickle.dumps(model))
        outputs = [stage.apply(key, article, model) for key, article in enumerate(samples) if article.kept]
    except Exception as exc:
        return [f"{name}: {type(exc).__name__}: {exc} (observe, merge, decide and apply over the sample articles; states and models must pickle)"]
    for output in outputs:
        if not isinstance(output, Article):
            problems.append(f"{name}: apply returned {type(output).__name__}, not an Article (a missing return?)")
    if samples != before:
        problems.append(f"{name}: changed its input articles; return new ones (attrs.evolve) instead")
    if problems:
        return problems
    whole = stage.decide(stage.merge([observe_all(stage, samples)]))
    if [apply_one(stage, k, a, whole) for k, a in enumerate(samples)] != [apply_one(stage, k, a, model) for k, a in enumerate(samples)]:
        problems.append(f"{name}: its decisions depend on how the stream was cut into batches; merge must be associative")
    return problems
