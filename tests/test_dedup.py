"""Corpus dedup: exact and near copies, the keeper policy, order independence, hard negatives."""

from __future__ import annotations

import datetime as dt
import random

import numpy as np
import pytest

from newsclean.duplicates import (
    COVERED_SHARE,
    HEADS,
    RELATED_MAX,
    DuplicateFinder,
    Entry,
    coverage,
    holds,
    keepers_from_edges,
    record_json,
    template_pair,
)
from newsclean.errors import ConfigError
from newsclean.minhash import MinHasher, MinHashParams, Sketch, candidate_pairs, similarity
from newsclean.model import Article, Related, Removal
from newsclean.stages import Dedup, MinLength

FERRY = """The harbour authority suspended the evening ferry service to the outer islands on Tuesday after inspectors found cracks in the hull of the largest vessel in the fleet.

Around four hundred passengers a day use the route, most of them commuters who work in the port district and return home after dark. The authority said a replacement boat would be chartered from a neighbouring region within a fortnight.

"We will not put anyone on a boat we cannot vouch for," the authority's director told reporters at the terminal, adding that the morning crossings would continue with a smaller ship.

Island councillors said the suspension showed how fragile the connection had become. The fleet's newest ferry is twenty-six years old, and a tender for two replacement vessels has been delayed twice since the last election.

Shopkeepers on the largest island said deliveries of fresh produce would be moved to the morning boat, and that prices were likely to rise if the suspension lasted longer than a month."""

ORCHARD = """Apple growers in the valley expect their smallest harvest in a decade after a late frost in April destroyed blossom across more than half of the orchards, the regional farmers' union said on Monday.

The union estimated losses at around forty million euros and asked the agriculture ministry to bring forward support payments that are normally made at the end of the year.

Several family farms said they would not hire seasonal pickers this autumn. "There is simply nothing to pick on the upper slopes," said one grower, whose family has farmed the same hillside for four generations.

Juice producers warned that they would have to import fruit to keep their presses running, and that the price of cider could climb by a fifth before Christmas.

Scientists at the agricultural institute said frost damage of this kind had become more frequent as warmer winters push trees to flower earlier, leaving blossom exposed to cold snaps that used to arrive before the buds opened."""

LIBRARY = """The city library will open on Sundays from next month for the first time in its history, after the council approved extra funding for staff on Thursday evening.

The main reading room and the children's floor will be open from ten until four, and the library said it would also extend its weekday hours by one hour in the evening.

Librarians had campaigned for Sunday opening for years, pointing to long queues for the computers on Saturday and to students who had nowhere quiet to work at weekends.

The council said the cost of the change would be met by savings on the building's heating, after new insulation was fitted last winter, and by a grant from a regional education fund.

A survey carried out by the library last year found that two thirds of its members would visit on a Sunday, and that demand was strongest among families with young children and among pensioners."""


WEATHER = """Forecasters expect {c1} to wake up to {t1} degrees on {day}, with showers moving in from the west by mid-morning and strong gusts along the coast that could bring down branches and delay the first ferries of the day.

In {c2} the afternoon should stay dry, with highs near {t2} degrees, before cloud thickens in the evening and steady rain spreads from the hills towards the river valley overnight.

The weather service said the outlook for the rest of the week was much the same, with temperatures a little below the seasonal average, and it advised drivers on the {road} to allow extra time for their journeys and to check for flooding before setting out."""

MONDAY = WEATHER.format(c1="Eastmere", t1=7, day="Monday", c2="Portville", t2=14, road="A12")
THURSDAY = WEATHER.format(c1="Northam", t1=4, day="Thursday", c2="Lowbridge", t2=11, road="M4")


def article(text: str, id: str, published: str | None = None, **fields) -> Article:
    return Article(id=id, text=text, published=published, **fields)


def syndicated(text: str) -> str:
    """A wire copy: a dateline before, an agency line and a share prompt after."""
    return "PORTVILLE, March 3 (Wire) — " + text + "\n\nReporting by the Wire desk; editing by the night editor.\n\nShare this story"


def edited(text: str, share: float, seed: int = 7) -> str:
    """A copy with ``share`` of its words replaced."""
    rng = random.Random(seed)
    tokens = text.split(" ")
    for i in rng.sample(range(len(tokens)), int(len(tokens) * share)):
        tokens[i] = "changed"
    return " ".join(tokens)


def truncated(text: str, share: float) -> str:
    return text[: int(len(text) * share)]


def spliced(first: str, first_share: float, second: str, second_share: float) -> str:
    """A new article: the start of ``first`` and the end of ``second``, by words."""
    a, b = first.split(" "), second.split(" ")
    return " ".join(a[: int(len(a) * first_share)]) + "\n\n" + " ".join(b[len(b) - int(len(b) * second_share) :])


def estimated_similarity(a: str, b: str) -> float:
    return similarity(*MinHasher().signatures([a, b]))


def reuses(old: str, share: float, new: str) -> str:
    """A new story that quotes ``share`` of an old one's words as background."""
    words = old.split(" ")
    return new + "\n\n" + " ".join(words[: int(len(words) * share)])


def drops(articles: list[Article]) -> dict[str, tuple[str, str, float]]:
    return {a.id: (a.drop.reason, a.drop.duplicate_of, a.drop.similarity) for a in articles if a.drop}


def outcome(articles) -> dict[str, tuple]:
    """Each article's fate: (reason, kept id, rule) when it went, else its related ids."""
    return {
        a.id: (a.drop.reason, a.drop.duplicate_of, a.drop.decided_by) if a.drop else tuple(r.id for r in a.related)
        for a in articles
    }


# --- signatures ------------------------------------------------------------------------------

def test_signatures_estimate_jaccard_of_shingles():
    hasher = MinHasher()
    a, b, c = hasher.signatures([FERRY, truncated(FERRY, 0.9), ORCHARD])
    assert 0.75 <= similarity(a, b) <= 1.0
    assert similarity(a, c) < 0.1
    assert similarity(a, a) == 1.0


def test_signatures_ignore_case_spacing_and_punctuation():
    hasher = MinHasher()
    a, b = hasher.signatures([FERRY, FERRY.upper().replace(" ", "   ").replace(",", "")])
    assert similarity(a, b) == 1.0


def test_signatures_are_the_same_alone_or_in_a_batch_and_across_block_edges(monkeypatch):
    hasher = MinHasher()
    together = hasher.signatures([FERRY, ORCHARD, LIBRARY])
    monkeypatch.setattr("newsclean.minhash.BLOCK_ROWS", 7)  # a document in many blocks
    alone = np.stack([hasher.signatures([t])[0] for t in (FERRY, ORCHARD, LIBRARY)])
    assert np.array_equal(together, alone)


def test_texts_hashed_together_get_the_signatures_they_get_alone(monkeypatch):
    texts = ["", "Two", "Two words", FERRY, "\n\n".join([ORCHARD] * 300), LIBRARY, "   ", FERRY.upper()]
    hasher = MinHasher()
    alone = np.stack([hasher.signature(t) for t in texts])
    assert np.array_equal(hasher.signatures(texts), alone)
    monkeypatch.setattr("newsclean.minhash.BLOCK_ROWS", 5)  # segments across block edges
    assert np.array_equal(hasher.signatures(texts), alone)
    assert np.array_equal(hasher.signatures_and_sketches(texts)[0], alone)


def test_short_and_empty_texts_get_signatures():
    hasher = MinHasher()
    sigs = hasher.signatures(["", "Two words", "Two words", "other words"])
    assert sigs.shape == (4, 128)
    assert similarity(sigs[1], sigs[2]) == 1.0 and similarity(sigs[1], sigs[3]) < 1.0


def test_candidate_pairs_share_a_band():
    keys = np.array([[1, 2], [1, 3], [4, 3], [5, 6]], dtype=np.uint64)
    assert candidate_pairs(keys).tolist() == [[0, 1], [1, 2]]


def test_large_buckets_stay_linear():
    keys = np.zeros((50, 1), dtype=np.uint64)
    pairs = candidate_pairs(keys, max_bucket=5)
    assert len(pairs) == 49 + 48 + 47 + 46  # each member with the next four
    assert {tuple(p) for p in pairs.tolist()} >= {(0, 4), (45, 49)} and (0, 5) not in {tuple(p) for p in pairs.tolist()}


def test_large_buckets_pair_members_with_their_best_ranked_heads_only():
    keys = np.zeros((200, 2), dtype=np.uint64)
    keys[:5, 1] = 7  # a small bucket in band 1: all its pairs
    rank = np.arange(200)[::-1]  # the last rows rank first
    pairs = {tuple(p) for p in candidate_pairs(keys, 10, rank=rank, heads=3).tolist()}
    heads = {199, 198, 197}
    expected = {(min(i, h), max(i, h)) for h in heads for i in range(200) if i != h}
    expected |= {(i, j) for i in range(5) for j in range(i + 1, 5)}
    assert pairs == expected  # 3 per member, not 199
    # the same rows in another order give the same pairs, by rank
    perm = np.random.default_rng(1).permutation(200)
    moved = candidate_pairs(keys[perm], 10, rank=rank[perm], heads=3).tolist()
    assert {tuple(sorted((int(perm[a]), int(perm[b])))) for a, b in moved} == pairs


def test_word_hashes_do_not_depend_on_neighbours_or_chunking(monkeypatch):
    from newsclean import minhash

    text = "the ferry, “the” dock—überfahrt… ferry\u00a0«the»".encode("utf-8")
    hashes = minhash._word_hashes(text)
    assert len(hashes) == 7
    assert hashes[0] == hashes[2] == hashes[6] and hashes[1] == hashes[5] and len(set(hashes.tolist())) == 4
    monkeypatch.setattr(minhash, "CHUNK_BYTES", 12)
    assert minhash._word_hashes(text).tolist() == hashes.tolist()
    assert len(minhash._word_hashes(b"")) == 0 and len(minhash._word_hashes(b" ,; ")) == 0


def test_params_are_checked():
    with pytest.raises(ConfigError):
        MinHashParams(threshold=0)
    assert MinHashParams().num_perm == 128
    assert MinHashParams().candidate_probability(0.6) > 0.98


# --- the stage -------------------------------------------------------------------------------

def test_near_copies_of_known_kinds_go_and_name_the_kept_article():
    corpus = [
        article(FERRY, "original", "2024-03-03"),
        article(syndicated(FERRY), "wire-copy", "2024-03-04"),
        article(edited(FERRY, 0.04), "lightly-edited", "2024-03-04"),
        article(truncated(FERRY, 0.9), "truncated", "2024-03-03"),
        article(FERRY.replace('"', "“", 1).replace('"', "”", 1).replace(". ", ".  "), "quotes-and-spaces", "2024-03-05"),
        article(ORCHARD, "orchard"),
        article(LIBRARY, "library"),
    ]
    out = list(Dedup().run(corpus))
    gone = drops(out)
    assert set(gone) == {"wire-copy", "lightly-edited", "truncated", "quotes-and-spaces"}
    assert gone.pop("quotes-and-spaces") == ("dedup:exact", "original", 1.0)  # words are compared
    for reason, kept, sim in gone.values():
        assert reason == "dedup:near" and kept == "original" and 0.5 <= sim < 1.0
    assert [a.id for a in out] == [a.id for a in corpus]  # input order, nothing lost


def test_a_story_reusing_background_from_an_older_one_is_not_a_duplicate():
    follow_up = reuses(FERRY, 0.4, LIBRARY)
    quote_only = ORCHARD + '\n\n"We will not put anyone on a boat we cannot vouch for," the director said.'
    out = list(Dedup().run([article(FERRY, "old"), article(follow_up, "follow-up"), article(quote_only, "quote")]))
    assert all(a.kept for a in out)


def test_keeper_is_the_earliest_published_then_the_one_that_covers_then_fewer_removed_then_id():
    def keeper(corpus):
        out = list(Dedup().run(corpus))
        return {a.id for a in out if a.kept}, {a.drop.decided_by for a in out if a.drop}

    assert keeper([article(syndicated(FERRY), "late", "2024-03-05"), article(FERRY, "early", "2024-03-01")]) == ({"early"}, {"published"})
    assert keeper([article(FERRY, "undated"), article(syndicated(FERRY), "dated", "2024-03-09")]) == ({"dated"}, {"published"})
    # the cut copy does not hold the whole story: the full one stays, however dated
    assert keeper([article(truncated(FERRY, 0.75), "cut", "2024-03-01"), article(FERRY, "full", "2024-03-02")]) == ({"full"}, {"covers"})
    # same date, each holds the other: the one holding more of the other (no wire tail) stays
    assert keeper([article(syndicated(FERRY), "a-wire"), article(FERRY, "b-plain")]) == ({"a-wire"}, {"covers"})
    junk = (Removal(stage="boilerplate", category="advertisement", rule="en.ad", text="Advertisement"),)
    assert keeper([article(FERRY, "a", removed=junk), article(FERRY.upper(), "b")]) == ({"b"}, {"fewer_removed"})
    assert keeper([article(FERRY, "b"), article(FERRY, "a"), article(FERRY, "c")]) == ({"a"}, {"id"})


def test_exact_copies_are_exact_with_similarity_one():
    out = list(Dedup().run([article(FERRY, "b"), article(FERRY.upper(), "a")]))
    assert drops(out) == {"b": ("dedup:exact", "a", 1.0)}


def test_an_exact_copy_of_a_near_copy_names_the_article_kept():
    copy = syndicated(FERRY)
    out = list(Dedup().run([article(copy, "c1"), article(copy, "c2"), article(FERRY, "orig", "2024-01-01")]))
    gone = drops(out)
    assert set(gone) == {"c1", "c2"} and {kept for _, kept, _ in gone.values()} == {"orig"}
    assert {reason for reason, _, _ in gone.values()} == {"dedup:near"}


def test_an_original_is_not_removed_for_a_longer_article_holding_only_part_of_it():
    # 40 % of one story, then the last two thirds of another: similar enough to the second,
    # and longer, but the second's first third is nowhere else.
    mixed = spliced(FERRY, 0.4, ORCHARD, 2 / 3)
    assert estimated_similarity(mixed, ORCHARD) >= MinHashParams().threshold
    out = list(Dedup().run([article(ORCHARD, "original"), article(mixed, "mixed"), article(FERRY, "ferry", "2024-01-01")]))
    assert all(a.kept for a in out)
    related = {a.id: a.related for a in out}
    assert related["original"] == (Related("mixed", related["mixed"][0].similarity),)
    assert related["mixed"][0].id == "original" and related["mixed"][0].similarity >= 0.5


def test_a_follow_up_with_new_text_is_not_removed_for_the_story_it_reuses():
    words = FERRY.split(" ")
    follow_up = " ".join(words[: int(len(words) * 0.7)]) + "\n\n" + "Late on Wednesday the authority said a chartered boat would arrive from the mainland on Friday, and that the evening crossings would resume at the weekend with extra checks on every sailing."
    assert estimated_similarity(follow_up, FERRY) >= MinHashParams().threshold
    assert len(follow_up.split()) < len(FERRY.split())  # shorter: the old rule removed it
    out = list(Dedup().run([article(FERRY, "story"), article(follow_up, "follow-up")]))
    assert all(a.kept for a in out)
    assert [[r.id for r in a.related] for a in out] == [["follow-up"], ["story"]]


def test_template_stories_are_different_articles():
    assert estimated_similarity(MONDAY, THURSDAY) >= MinHashParams().threshold
    copy = syndicated(MONDAY)
    out = list(Dedup().run([article(MONDAY, "monday", "2024-03-04"), article(THURSDAY, "thursday", "2024-03-07"), article(copy, "wire")]))
    assert outcome(out) == {"monday": ("thursday",), "thursday": ("monday",), "wire": ("dedup:near", "monday", "published")}
    # a short notice with two numbers and a day: another vote changes one number
    notice = ("The harbour board approved repair plan number {} on Tuesday, with {} members in favour, its chair said."
              "\n\nWork on the berth starts in spring, and the board expects it to take most of the summer.")
    assert estimated_similarity(notice.format(3, 5), notice.format(3, 61)) >= MinHashParams().threshold
    assert all(a.kept for a in Dedup().run([article(notice.format(3, 5), "a"), article(notice.format(3, 61), "b")]))


def test_coverage_reads_only_small_serialisable_sketches():
    hasher = MinHasher()

    def sketch(text: str) -> Sketch:
        data = hasher.sketch(text).to_bytes()
        assert len(data) <= 1300
        return Sketch.from_bytes(data)

    ferry, orchard = sketch(FERRY), sketch(ORCHARD)
    assert coverage(sketch(edited(FERRY, 0.06)), ferry).share >= COVERED_SHARE
    assert coverage(sketch(truncated(FERRY, 0.9)), ferry).share == 1.0
    assert coverage(ferry, sketch(truncated(FERRY, 0.9))).found < 0.95
    assert coverage(sketch(spliced(FERRY, 0.4, ORCHARD, 2 / 3)), orchard).share < 0.7
    assert holds(ferry, sketch(syndicated(FERRY))) is not None and holds(ferry, orchard) is None
    assert holds(sketch(MONDAY), sketch(THURSDAY)) is None and template_pair(sketch(MONDAY), sketch(THURSDAY))
    assert not template_pair(ferry, sketch(syndicated(FERRY))) and not template_pair(ferry, sketch(edited(FERRY, 0.06)))
    # a long text keeps a sample of the same bounded size, comparable with a short one's
    long_text = "\n\n".join([FERRY, ORCHARD, LIBRARY] * 30)
    assert len(hasher.sketch(long_text).to_bytes()) <= 1300
    assert coverage(ferry, sketch(long_text)).share >= COVERED_SHARE
    assert coverage(sketch(long_text), ferry).share < 0.5


def test_a_sketch_does_not_depend_on_its_batch():
    texts = [FERRY, "", "Die Straße in Köln: Müller traf Émile am 3. März.", "Ali met Dr Smith in İzmir on 4 May.",
             "Take 5µg, said Dr Smith in İzmir.", MONDAY, "One"]
    hasher = MinHasher()
    signatures, together = hasher.signatures_and_sketches(texts)
    assert np.array_equal(signatures, hasher.signatures(texts))
    for text, data in zip(texts, together):
        assert hasher.signatures_and_sketches([text])[1][0] == data
    assert hasher.signatures_and_sketches(texts[::-1])[1] == together[::-1]
    facts = {text: len(Sketch.from_bytes(data).facts) for text, data in zip(texts, together)}
    assert facts[texts[2]] == 4  # straße, köln, émile, 3: not after a colon or a full stop
    assert facts[texts[3]] == 5  # dr, smith, izmir, 4, may: folding İ changed the bytes, not the words
    assert facts[texts[4]] == 1  # 5µg: folding µ made "5µg" one word, so only digits are read


@pytest.mark.parametrize("seed", range(5))
def test_result_does_not_depend_on_input_order(seed):
    corpus = [
        article(FERRY, "f0", "2024-03-03"),
        article(syndicated(FERRY), "f1", "2024-03-03"),
        article(edited(FERRY, 0.05, seed=1), "f2"),
        article(truncated(FERRY, 0.9), "f3", "2024-03-02"),
        article(ORCHARD, "o0"),
        article(edited(ORCHARD, 0.03), "o1", "2023-12-01"),
        article(ORCHARD, "o2"),
        article(LIBRARY, "l0"),
        article(reuses(FERRY, 0.4, LIBRARY), "l1"),
        article(spliced(ORCHARD, 0.4, FERRY, 2 / 3), "mix"),
        article(MONDAY, "w1", "2024-03-04"),
        article(THURSDAY, "w2", "2024-03-07"),
        article(syndicated(THURSDAY), "w3", "2024-03-07"),
    ]
    reference = outcome(Dedup().run(corpus))
    shuffled = corpus[:]
    random.Random(seed).shuffle(shuffled)
    assert outcome(Dedup().run(shuffled)) == reference
    # the earliest published ferry copy is cut short: the full dated one that holds it stays
    assert reference["f3"] == ("dedup:near", "f1", "covers") and reference["f1"] == ()


def test_exact_mode_keeps_near_copies():
    out = list(Dedup(near=False).run([article(FERRY, "a"), article(syndicated(FERRY), "b"), article(FERRY, "c")]))
    assert drops(out) == {"c": ("dedup:exact", "a", 1.0)}


def test_dropped_articles_pass_through_and_are_not_keepers():
    empty = MinLength()(article("", "empty"))
    out = list(Dedup().run([empty, article(FERRY, "a")]))
    assert out[0] == empty and out[1].kept


def test_reject_record_carries_reason_kept_id_and_similarity():
    out = list(Dedup().run([article(FERRY, "orig", "2024-01-01"), article(syndicated(FERRY), "copy")]))
    record = out[1].reject_record()
    assert record["reason"] == "dedup:near" and record["duplicate_of"] == "orig"
    assert 0.5 <= record["similarity"] < 1.0
    assert Article.from_dict(out[1].to_dict()) == out[1]


def test_removed_copies_are_similar_to_the_article_they_name_not_only_chained():
    # a ~ b and b ~ c, but a and c are not similar: c must stay.
    rank = np.array([0, 1, 2])
    pairs = np.array([[0, 1], [1, 2]])
    assert keepers_from_edges(rank, pairs, np.array([0.8, 0.8])) == {1: (0, 0.8)}


def test_finder_reports_positions_and_the_most_similar_kept_article():
    finder = DuplicateFinder()
    finder.add([10, 20, 30], [article(FERRY, "a", "2024-01-01"), article(ORCHARD, "b"), article(truncated(FERRY, 0.95), "c")])
    (decision,) = finder.decide().decisions
    assert (decision.position, decision.reason, decision.duplicate_of) == (30, "dedup:near", 10)


def test_default_pipeline_dedup_modes():
    from newsclean.api import default_pipeline

    assert "dedup" in default_pipeline().names
    assert "dedup" not in default_pipeline(dedup="off").names
    assert "dedup" not in default_pipeline(dedup=False).names
    with pytest.raises(ConfigError):
        default_pipeline(dedup="fuzzy")


def test_published_dates_are_compared_as_dates():
    a = article(FERRY, "z", published=dt.date(2023, 12, 31))
    b = article(syndicated(FERRY), "a", published=dt.date(2024, 1, 1))
    assert {x.id for x in Dedup().run([b, a]) if x.kept} == {"z"}


def test_an_entry_from_the_callers_record_json_is_the_entry_it_would_make():
    # same id, date and text: only the record hash (here, the url) can tell them apart
    a = Article(id="x", url="https://a.example/1", text="Same words here in both copies of it.")
    b = Article(id="x", url="https://b.example/1", text="Same words here in both copies of it.")
    assert Entry.of(a, record_json(a)) == Entry.of(a)
    assert Entry.of(a).record != Entry.of(b).record
    with_records, without = DuplicateFinder(), DuplicateFinder()
    with_records.add([0, 1], [a, b], [record_json(a), record_json(b)])
    without.add([0, 1], [a, b])
    assert with_records.decide() == without.decide() and len(without.decide().decisions) == 1


# --- clusters of template pages (issue 16) --------------------------------------------------

NOT_FOUND = """Sorry, we could not find that page

The address you followed does not lead to any story on this site. It may have been removed, renamed or never existed at all.

Reference {number}. Please mention this reference when you contact the newsroom about a missing page, so that we can look into it quickly.

Try the search box above, or go back to the home page for today's news."""


def not_found_pages(count: int, seed: int = 3) -> list[Article]:
    """Pages that differ in their reference number only, as crawls collect them."""
    rng = random.Random(seed)
    numbers = rng.sample(range(10**6, 10**7), count)
    return [article(NOT_FOUND.format(number=n), f"nf-{i:05d}") for i, n in enumerate(numbers)]


def test_a_cluster_of_thousands_of_template_pages_is_bounded_work_and_all_stay():
    pages = not_found_pages(3000)
    finder = DuplicateFinder()
    finder.add(range(len(pages)), pages)
    found = finder.decide()
    assert found.decisions == []  # each pair is a template pair: different pages
    # every page is in one LSH bucket with thousands of others; each is checked against a
    # few heads, not against the next 999 members of each bucket
    assert found.pairs > len(pages)  # the cluster was seen
    assert found.pairs <= 4 * HEADS * len(pages) and found.checks <= 2 * found.pairs
    assert max(len(others) for others in found.related.values()) <= RELATED_MAX


@pytest.mark.parametrize("seed", range(2))
def test_near_copies_inside_a_large_bucket_still_go_whatever_the_order(seed):
    pages = not_found_pages(500)
    original = pages[250].text
    copies = [  # one word of the notice changed each time: same reference, same facts
        article(original.replace(old, new, 1), f"zz-copy-{i}")
        for i, (old, new) in enumerate([("Sorry", "Apologies"), ("removed", "deleted"), ("renamed", "moved"),
                                        ("quickly", "soon"), ("above", "at the top")])
    ]
    corpus = pages + copies
    random.Random(seed).shuffle(corpus)
    fates = outcome(Dedup().run(corpus))
    group = {pages[250].id} | {c.id for c in copies}
    gone = {i for i, fate in fates.items() if fate and fate[0] == "dedup:near"}
    assert gone == group - {pages[250].id}  # the copies rank last: the original stays
    assert all(fates[i][1] in group for i in gone)


MEAL_INTRO = ("A dietitian at the county hospital has drawn up a week of cheap, filling meals for families on a tight budget, "
              "built around oats, lentils, seasonal vegetables and one roast chicken stretched over several days.")
MEALS = [
    "Breakfast: porridge made with milk and water, topped with a sliced banana and a spoon of honey.",
    "Lunch: lentil and carrot soup with a thick slice of wholemeal bread and a piece of cheese.",
    "Dinner: roast chicken leftovers with baked potatoes, peas and gravy made from the pan juices.",
]
MEAL_COST = "The plan costs about forty pounds a week for a family of four, the dietitian said, and every recipe can be cooked in one pot."
# A plan that repeats its meals day after day, by design.
MEAL_PLAN = "\n\n".join([MEAL_INTRO] + [f"{day}\n\n" + "\n\n".join(MEALS) for day in ("Monday", "Tuesday", "Wednesday")] + [MEAL_COST])
# A follow-up holding each of the plan's distinct paragraphs once, and news of its own.
MEAL_FOLLOW_UP = "\n\n".join([MEAL_INTRO, *MEALS, MEAL_COST,
    "Since the plan was published, more than two hundred readers have written in with their own versions, many swapping the chicken for beans to cut the cost further.",
    "The hospital now hands the plan to every family that leaves its maternity ward, and a local supermarket has offered to bundle the ingredients into one discounted box from next month."])


def test_a_story_that_repeats_lines_by_design_is_not_a_copy_of_one_holding_them_once():
    """Coverage counts words with their repeats (issue 28): the follow-up holds every distinct
    paragraph of the plan, but only about half of its words."""
    assert estimated_similarity(MEAL_PLAN, MEAL_FOLLOW_UP) >= MinHashParams().threshold
    shared = sum(len(p.split()) for p in [MEAL_INTRO, *MEALS, MEAL_COST])
    assert 0.45 < shared / len(MEAL_PLAN.split()) < 0.65
    out = list(Dedup().run([article(MEAL_PLAN, "plan", "2024-05-02"), article(MEAL_FOLLOW_UP, "follow-up", "2024-05-01")]))
    assert outcome(out) == {"plan": ("follow-up",), "follow-up": ("plan",)}


def test_coverage_counts_a_repeated_paragraph_as_often_as_the_keeper_has_it():
    hasher = MinHasher()
    once = FERRY.split("\n\n")[1]
    thrice, single = (Sketch.from_bytes(b) for b in hasher.signatures_and_sketches(["\n\n".join([once] * 3), once])[1])
    assert coverage(thrice, single).share < 0.5
    assert coverage(single, thrice).share == pytest.approx(1.0)
