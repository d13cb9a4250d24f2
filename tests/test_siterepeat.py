"""Site-learned junk: lines recurring across a source's articles go; shared quotes stay."""

from __future__ import annotations

import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from newsclean import ConfigError
from newsclean.model import Article, Category, Drop
from newsclean.stages import SiteRepeat
from newsclean.stages.siterepeat import source_key

APPEAL = "Support the Harbour Gazette: become a member today!"
QUOTE = "“We will rebuild the pier before the winter,” the mayor said."


def story(n: int) -> str:
    return (
        f"Council meeting number {n} approved spending on the harbour, with {n + 3} members in favour "
        f"and the rest abstaining after a debate that ran late into the evening."
    )


def article(n: int, *extra: str, source: str | None = None, url: str | None = "auto") -> Article:
    if url == "auto":
        url = f"https://www.gazette.example/news/{n}"
    return Article(id=f"a{n}", url=url, source=source, text="\n\n".join([story(n), *extra]))


def run(articles, **settings) -> dict[str, Article]:
    return {a.id: a for a in SiteRepeat(**settings).run(articles)}


def test_line_under_most_articles_of_a_source_is_removed_with_evidence():
    out = run([article(n, APPEAL) for n in range(6)])
    for n in range(6):
        cleaned = out[f"a{n}"]
        assert cleaned.text == story(n)
        [removal] = cleaned.removed
        assert removal.category is Category.SITE_REPEAT
        assert removal.text == APPEAL
        assert removal.evidence == "in 6 of 6 articles from gazette.example"


def test_quote_shared_by_two_articles_stays():
    articles = [article(n, QUOTE if n < 2 else "") for n in range(10)]
    out = run(articles)
    assert QUOTE in out["a0"].text and QUOTE in out["a1"].text


def test_line_below_min_articles_stays():
    out = run([article(n, APPEAL if n < 4 else "") for n in range(6)])
    assert APPEAL in out["a0"].text


def test_line_in_a_small_share_of_a_large_source_stays():
    out = run([article(n, APPEAL if n < 6 else "") for n in range(60)])  # 10 % < 20 %
    assert APPEAL in out["a0"].text


def test_long_recurring_paragraph_stays():
    background = (
        "The harbour was built in 1887 and rebuilt twice, after the storms of 1953 and 1990, "
        "and it now handles most of the fishing fleet of the region as well as two ferry routes "
        "to the islands, which carry about a million passengers a year between them."
    )
    out = run([article(n, background) for n in range(6)])
    assert background in out["a0"].text


def test_sources_are_learned_apart():
    articles = [article(n, APPEAL, url=f"https://site{n % 3}.example/{n}") for n in range(9)]  # 3 per site
    out = run(articles)
    assert all(APPEAL in a.text for a in out.values())


def test_source_field_wins_over_the_url_host():
    assert source_key(Article(id="x", url="https://www.b.example/1", source="The Gazette")) == "the gazette"
    assert source_key(Article(id="x", url="https://www.b.example/1")) == "b.example"
    assert source_key(Article(id="x")) is None


def test_articles_without_a_source_pass_untouched():
    out = run([article(n, APPEAL, url=None) for n in range(6)])
    assert all(APPEAL in a.text for a in out.values())


def test_dropped_articles_pass_through_and_nothing_is_lost():
    dropped = Article(id="gone", url="https://www.gazette.example/x", drop=Drop(stage="extract", reason="no_content"))
    articles = [article(n, APPEAL) for n in range(6)] + [dropped]
    out = list(SiteRepeat().run(articles))
    assert [a.id for a in out] == [a.id for a in articles]
    assert out[-1] == dropped


def test_result_does_not_depend_on_input_order():
    articles = [article(n, APPEAL if n % 2 else "", QUOTE if n < 3 else "") for n in range(30)]
    expected = run(articles)
    shuffled = articles[:]
    random.Random(7).shuffle(shuffled)
    assert run(shuffled) == expected


@pytest.mark.parametrize("settings", [{"min_articles": 2}, {"min_share": 0}, {"min_share": 1.5}])
def test_bad_settings_are_refused(settings):
    with pytest.raises(ConfigError):
        SiteRepeat(**settings)


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.tuples(st.sampled_from(["a.example", "b.example"]), st.sets(st.integers(0, 12), max_size=6)), min_size=1, max_size=60),
    st.integers(1, 7),
    st.randoms(use_true_random=False),
)
def test_counts_are_exact_however_the_corpus_is_split_and_merged(articles, parts, rng):
    stage = SiteRepeat(min_articles=3, min_share=0.1)
    pool = [f"Line number {i} of the boilerplate pool." for i in range(13)]
    corpus = [Article(id=f"a{n}", source=source, text="\n\n".join(pool[i] for i in sorted(lines)) or "x") for n, (source, lines) in enumerate(articles)]
    keyed = list(enumerate(corpus))
    whole = stage.decide(stage.observe(keyed))
    cuts = sorted(rng.sample(range(1, len(keyed)), min(parts, len(keyed)) - 1)) if len(keyed) > 1 else []
    pieces = [keyed[a:b] for a, b in zip([0, *cuts], [*cuts, len(keyed)])]
    states = [stage.observe(piece) for piece in pieces]
    rng.shuffle(states)
    halves = [stage.merge(states[: len(states) // 2]), stage.merge(states[len(states) // 2 :])] if len(states) > 1 else states
    assert stage.decide(stage.merge(halves)) == whole
    for source, (total, lines) in whole.items():
        for line, count in lines.items():
            truth = sum(1 for a in corpus if a.source == source and line in stage.candidate_lines(a))
            assert count == truth and count >= max(3, 0.1 * total)

def titled(n: int, title: str, first: str) -> Article:
    return Article(id=f"a{n}", url=f"https://blog.example/{n}", title=title, text="\n\n".join([first, story(n)]))


def test_a_title_every_article_of_a_source_shares_gives_way_to_the_headline_line():
    # The blog's <title> is its name; each post's headline is the first line of its text.
    out = run([titled(n, "The Harbour Blog", f"Ferry timetable changes for week {n}") for n in range(6)])
    for n in range(6):
        cleaned = out[f"a{n}"]
        assert cleaned.title == f"Ferry timetable changes for week {n}"
        assert cleaned.text == story(n)
        [removal] = cleaned.removed
        assert (removal.category, removal.rule) == (Category.HEADLINE, "site.title")
        assert removal.evidence == "the title 'The Harbour Blog' is in 6 of 6 articles from blog.example"


def test_a_site_wide_title_stays_when_the_first_line_is_no_headline():
    # A letters column: the same title every day, and the text opens with the letter itself.
    firsts = ["Dear editor,", "Sir, the harbour levy will ruin the fish market this winter.", "Yes"]
    out = run([titled(n, "Letters to the editor", firsts[n % 3]) for n in range(6)])
    for n in range(6):
        assert out[f"a{n}"].title == "Letters to the editor"
        assert out[f"a{n}"].text.startswith(firsts[n % 3])
        assert not out[f"a{n}"].removed


def test_titles_of_their_own_or_shared_by_a_few_articles_stay():
    articles = [titled(n, "Ferry fares rise" if n < 4 else f"Story {n}", f"Ferry timetable changes for week {n}") for n in range(30)]
    out = run(articles)
    assert all(out[f"a{n}"].title == ("Ferry fares rise" if n < 4 else f"Story {n}") for n in range(30))
    assert all(not a.removed for a in out.values())


def test_line_in_under_half_of_a_source_stays_one_authors_sign_off():
    sign_off = "Written by Mara Keel, who covers the harbour for the Gazette."
    out = run([article(n, sign_off if n < 9 else "") for n in range(20)])  # 9 of 20 < half
    assert sign_off in out["a0"].text
    out = run([article(n, sign_off if n < 10 else "") for n in range(20)])  # 10 of 20: the template's
    assert sign_off not in out["a0"].text


INTERVIEW = ["What is your earliest memory of the harbour?", "Which boat would you save from a storm?"]


def interview(n: int) -> str:
    answers = [f"Guest {n} remembers the ferry horn of {1950 + n} and the smell of tar.", f"Guest {n} would save the lifeboat number {n}."]
    return "\n\n".join(line for pair in zip(INTERVIEW, answers) for line in pair)


def test_questions_an_interview_series_repeats_stay_with_their_answers():
    out = run([article(n, interview(n)) for n in range(8)])
    for n in range(8):
        assert out[f"a{n}"].text == "\n\n".join([story(n), interview(n)])
        assert not out[f"a{n}"].removed


def test_repeated_question_prompt_without_an_answer_of_its_own_goes():
    prompt, follow = "Enjoyed this story?", "Share it with a friend and follow the Gazette."
    out = run([article(n, prompt, follow) for n in range(6)] + [article(n, prompt) for n in range(6, 12)])
    assert out["a0"].text == story(0) and out["a7"].text == story(7)
    assert {r.text for r in out["a0"].removed} == {prompt, follow}
