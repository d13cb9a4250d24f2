"""Document and corpus stages, one behaviour at a time, with hard negatives."""

from __future__ import annotations

import datetime as dt
import pickle

import pytest

import newsclean
from newsclean.model import Article, Category, Flag
from newsclean.stages import Boilerplate, Dedup, DocDedup, Header, Language, MinLength, Normalize
from newsclean.rules.engine import is_teaser
from newsclean.text import word_count, word_count_upto

BOILERPLATE = Boilerplate.for_languages("en")
HEADER = Header.for_languages("en")


def art(*paragraphs: str, **fields) -> Article:
    return Article(id=fields.pop("id", "t"), text="\n\n".join(paragraphs), **fields)


def categories(article: Article) -> list[str]:
    return [r.category.value for r in article.removed]


ARTICLE = [
    "The city council approved a new budget on Tuesday after a four-hour debate.",
    "The plan adds 40 bus routes and raises parking fees in the centre by a fifth.",
    "Opposition members said the fee rise would hurt small shops on the high street.",
]


# --- normalize -----------------------------------------------------------------------------

def test_normalize_repairs_mojibake_and_spaces():
    out = Normalize()(art("Ukraineâ€™s  border\u00a0guards\u200b said  so."))
    assert out.text == "Ukraine’s border guards said so."
    assert any(step.startswith("ftfy:") for step in out.trace)


def test_normalize_makes_one_paragraph_per_line_and_joins_hard_wraps():
    out = Normalize()(Article(id="t", text="Title line\nFirst sentence runs on\nto the next line.\n\n\n\nSecond."))
    assert out.text == "Title line\n\nFirst sentence runs on to the next line.\n\nSecond."


def test_normalize_keeps_curly_quotes_and_nfc():
    out = Normalize()(art("“Cafe\u0301,” she said."))
    assert out.text == "“Café,” she said."


# --- header --------------------------------------------------------------------------------

def test_header_date_prefix_glued_to_first_sentence():
    out = HEADER(art("date 2024-07-13 Troops arrived at the border on Friday.", *ARTICLE))
    assert out.text.startswith("Troops arrived")
    assert out.published == dt.date(2024, 7, 13)
    assert out.removed[0].text == "date 2024-07-13"


@pytest.mark.parametrize("line", ["Published: 3 May 2024", "May 3, 2024", "Updated 2024-05-03 14:20", "Friday, 3 May 2024 at 10:15 BST"])
def test_header_date_lines(line):
    out = HEADER(art(line, *ARTICLE))
    assert out.published == dt.date(2024, 5, 3)
    assert out.text == "\n\n".join(ARTICLE)


def test_header_date_as_content_stays():
    first = "May 3, 2024 was the wettest day the city has recorded, forecasters said."
    out = HEADER(art(first, *ARTICLE))
    assert out.text.startswith(first) and out.published is None


def test_header_byline_fills_authors():
    out = HEADER(art("By Jane Doe and Tom Roe, Reuters", *ARTICLE, title="Budget passes"))
    assert out.authors == ("Jane Doe", "Tom Roe")
    assert categories(out) == ["byline"]


@pytest.mark.parametrize(
    "line, names",
    [
        ("Post written by Mara Lindqvist.", ("Mara Lindqvist",)),
        ("Article written by guest writer Tomas Berne", ("Tomas Berne",)),
        ("By staff writer Ana Ruiz and Tom Roe", ("Ana Ruiz", "Tom Roe")),
        ("Posted by Jane Doe", ("Jane Doe",)),
        ("Posted by Dave on August 13th, 2012", ("Dave",)),
        ("Posted by Jane Doe on Monday, March 3, 2012 at 10:15 am", ("Jane Doe",)),
    ],
)
def test_header_byline_forms_of_blogs_and_role_words(line, names):
    out = HEADER(art(line, *ARTICLE, title="Budget passes"))
    assert out.authors == names and categories(out) == ["byline"]
    assert out.text == "\n\n".join(ARTICLE)


@pytest.mark.parametrize(
    "first",
    [
        "Posted by the council on its website, the notice drew 300 replies within a day.",
        "Article written by hand in 1887, the harbour charter still hangs in the town hall.",
        "By staff writers' count, the paper printed 41 corrections last year.",
        "By Friday at 5 the council had approved the plan and 3 members had left",
        "By Jane Doe on behalf of the council",
    ],
)
def test_header_sentence_starting_like_a_blog_byline_stays(first):
    out = HEADER(art(first, *ARTICLE, title="Budget passes"))
    assert out.text.startswith(first) and not out.authors


def test_header_looks_past_one_unknown_short_line_for_the_byline_and_date():
    # The page's title is the site's name; the headline in the body does not repeat it.
    out = HEADER(art("Council votes on bus routes", "By THE ASSOCIATED PRESS", "May 3, 2024", *ARTICLE, title="Harbour Daily News"))
    assert out.authors == ("THE ASSOCIATED PRESS",) and out.published == dt.date(2024, 5, 3)
    assert out.text == "\n\n".join(["Council votes on bus routes", *ARTICLE])


def test_header_looks_past_no_sentence_and_no_second_unknown_line():
    first = "The council met on Tuesday."
    out = HEADER(art(first, "By Jane Doe", *ARTICLE, title="Harbour Daily News"))
    assert not out.authors and out.text.startswith(first + "\n\nBy Jane Doe")
    out = HEADER(art("Council votes", "Bus routes", "By Jane Doe", *ARTICLE, title="Harbour Daily News"))
    assert not out.authors
    # Below the unknown line only bylines and dates go: not a line that names the source.
    out = HEADER(art("Saved by the desk", "Council votes on bus routes", *ARTICLE, title="Menu", source="Council votes on bus routes"))
    assert out.text.startswith("Saved by the desk\n\nCouncil votes on bus routes")


def test_header_sentence_starting_with_by_stays():
    first = "By the end of the week, the council had approved the plan."
    out = HEADER(art(first, *ARTICLE, title="Budget passes"))
    assert out.text.startswith(first) and not out.authors


def test_header_masthead_tagline_and_headline():
    out = HEADER(art("The Harbour Times", "News and analysis from the coast", "Council passes budget after long debate.", *ARTICLE))
    assert out.title == "Council passes budget after long debate."
    assert categories(out) == ["masthead", "masthead", "headline"]
    assert out.text == "\n\n".join(ARTICLE)


def test_header_repeated_headline_with_known_title():
    out = HEADER(art("Council passes budget", *ARTICLE, title="Council passes budget"))
    assert out.text == "\n\n".join(ARTICLE) and categories(out) == ["headline"]


@pytest.mark.parametrize(
    "title, line",
    [
        ("Council passes budget after long debate | The Harbour Times", "Council passes budget after long debate"),
        ("» The Harbour Times: Council passes budget after long debate", "Council passes budget after long debate"),
        ("Council passes budget after long debate", "Council passes budget after long debate 254"),
        ("Council passes budget after long debate", "Council passes budget after long debate 29 August, 2011"),
    ],
)
def test_header_headline_inside_a_longer_title_or_with_a_count_is_the_headline(title, line):
    out = HEADER(art(line, *ARTICLE, title=title))
    assert out.text == "\n\n".join(ARTICLE) and categories(out) == ["headline"]
    assert out.title == title


@pytest.mark.parametrize(
    "title, line",
    [
        ("Council passes budget after long debate | The Harbour Times", "Council passes budget after long debate."),
        ("Budget vote | The Harbour Times", "Budget vote"),  # too short to tell from a subhead
        ("Council passes budget", "Council passes budget after the mayor agreed to delay the harbour levy until spring"),
        ("Council passes budget", "Council passes budget 2024 plan with two amendments"),
    ],
)
def test_header_line_that_only_shares_words_with_the_title_stays(title, line):
    out = HEADER(art(line, *ARTICLE, title=title))
    assert out.text.startswith(line)


def test_header_short_first_line_without_punctuation_is_headline():
    out = HEADER(art("Council passes budget", *ARTICLE))
    assert out.title == "Council passes budget"


def test_header_first_line_no_later_line_outdoes_is_the_post_not_its_headline():
    # A one-line blog post over its comment form: taking it for the headline empties the body.
    post = "Harbour seals spotted again at the old pier this morning by the ferry crew"
    out = HEADER(art(post, "No comments yet.", "Name (required)", "Leave a reply"))
    assert out.title is None and out.text.startswith(post) and not out.removed
    # The same line over a body that outdoes it is the headline.
    assert HEADER(art(post, *ARTICLE)).title == post


@pytest.mark.parametrize("line", ["Want more harbour news? Follow @harbourtimes on Twitter", "Mara Quill @maraquill"])
def test_header_first_line_with_a_social_handle_is_not_a_headline(line):
    out = HEADER(art(line, *ARTICLE))
    assert out.title is None and out.text.startswith(line)
    # A handle-like word inside an address is no handle.
    assert HEADER(art("Letters to news@harbourtimes.example go to the editor", *ARTICLE)).title is not None


def test_header_first_line_running_on_after_a_comma_is_not_a_headline():
    verse = "He in his madness prays for storms,"
    out = HEADER(art(verse, "and dreams that storms will bring him peace.", *ARTICLE))
    assert out.title is None and out.text.startswith(verse)


def test_no_first_line_is_taken_for_the_headline_of_an_html_page_without_a_title():
    # A page that names no title in its markup: the first line of its body is a photo caption
    # or a section label, not the headline. From text, the same line is the headline.
    caption = "The two leaders met at the harbour on Monday"
    page = "<html><body><div class='story'>" + f"<div class='cap'>{caption}</div>" + "".join(f"<p>{p}</p>" for p in ARTICLE) + "</div></body></html>"
    from_html = newsclean.clean(html=page)
    assert Flag.NO_TITLE in from_html.flags and "extract:no-title" in from_html.trace
    assert from_html.title is None and from_html.text.startswith(caption)
    assert newsclean.clean(text="\n\n".join([caption, *ARTICLE])).title == caption


def test_the_header_reads_the_typed_flag_not_the_trace():
    caption = "The two leaders met at the harbour on Monday"
    flagged = HEADER(art(caption, *ARTICLE, flags={Flag.NO_TITLE}))
    assert flagged.title is None and flagged.text.startswith(caption)
    noted_only = HEADER(art(caption, *ARTICLE, trace=("extract", "extract:no-title")))
    assert noted_only.title == caption


def test_header_long_first_sentence_is_not_a_headline():
    out = HEADER(art(*ARTICLE))
    assert out.title is None and out.text == "\n\n".join(ARTICLE)


# --- boilerplate ---------------------------------------------------------------------------

def test_related_block_stops_at_article_text():
    text = [ARTICLE[0], "Related news", "Storm knocks out power to 40,000 homes", "Mayor opens new bridge",
            "Officials expect the new routes to start in September, the transport office said.", ARTICLE[1]]
    out = BOILERPLATE(art(*text))
    assert out.text == "\n\n".join([ARTICLE[0], text[4], ARTICLE[1]])
    assert categories(out) == ["related"] * 3


def test_related_block_takes_truncated_blurbs_and_repeated_headlines():
    text = [*ARTICLE, "You may also like", "Storm hits coast", "Storm hits coast",
            "Heavy rain and strong winds battered the coast on Sunday, cutting power to thousands of homes and...",]
    out = BOILERPLATE(art(*text))
    assert out.text == "\n\n".join(ARTICLE)


def test_a_list_under_a_related_header_goes_whole_and_the_story_after_it_stays():
    items = [
        "- Storm knocks out power Heavy rain and strong winds battered the coast on Sunday, cutting power to thousands of homes.",
        "- Mayor opens new bridge The crossing, two years late, carried its first traffic on Monday morning.",
    ]
    text = [*ARTICLE[:2], "Also on Harbour Post:", *items, ARTICLE[2]]
    out = BOILERPLATE(art(*text))
    assert out.text == "\n\n".join(ARTICLE)
    assert categories(out) == ["related"] * 3


def test_a_list_in_the_story_without_a_related_header_stays():
    items = ["- lower business taxes;", "- research and development investment;", "- and labour shortages."]
    text = [ARTICLE[0], "The premiers said the topics included:", *items, ARTICLE[1]]
    assert BOILERPLATE(art(*text)).text == "\n\n".join(text)


def test_a_table_row_whose_every_cell_is_junk_goes():
    row = "| Print this story \\| Email this story | Share |"
    out = BOILERPLATE(art(*ARTICLE[:2], row, ARTICLE[2]))
    assert out.text == "\n\n".join(ARTICLE)
    assert [r.text for r in out.removed] == [row]


def test_a_table_row_with_one_cell_of_content_stays():
    row = "| Print | Kilbride Athletic beat Portmoy Rovers 3-1 in the cup final on Saturday |"
    text = [*ARTICLE[:2], row, ARTICLE[2]]
    assert BOILERPLATE(art(*text)).text == "\n\n".join(text)


def test_a_related_block_never_takes_the_only_story_sentence():
    # A slide page: the one caption is the story, printed among other stories' teasers.
    caption = "Singer Jane Harbour wore a striped swimsuit on the beach at Portmoy on Sunday afternoon."
    text = ["Entertainment Headlines", "Stars Gather For Harbour Gala", "Celebrity Swimsuit Season", caption, "Slideshows"]
    out = BOILERPLATE(art(*text))
    assert caption in out.text
    assert "Stars Gather For Harbour Gala" not in out.text


def test_word_related_as_content_stays():
    line = "Related charges were filed against two other officials on Friday."
    out = BOILERPLATE(art(ARTICLE[0], line, ARTICLE[1]))
    assert line in out.text and not out.removed


@pytest.mark.parametrize(
    ("junk", "category"),
    [
        ("Advertisement", "advertisement"),
        ("Subscribe now to get unlimited access.", "subscription"),
        ("Sign up for our morning newsletter and get the news in your inbox.", "newsletter"),
        ("Share this article", "social"),
        ("Tags: budget, council, buses", "tags"),
        ("© 2024 Harbour Media Ltd", "copyright"),
        ("Photo: Jane Doe / The Harbour Times", "caption"),
        ("If you value our reporting, please make a donation today. Every contribution helps us.", "donation"),
    ],
)
def test_junk_in_the_middle_is_removed(junk, category):
    out = BOILERPLATE(art(ARTICLE[0], junk, ARTICLE[1], ARTICLE[2]))
    assert out.text == "\n\n".join(ARTICLE)
    assert categories(out) == [category]


@pytest.mark.parametrize(
    "sentence",
    [
        "Advertising revenue at the paper fell 12 per cent last year.",
        "Subscribers to the streaming service will pay $2 more from June.",
        "The charity asked residents to donate blankets before winter, the mayor said.",
        "Copyright law has not kept pace with AI, the panel found.",
        "The photo by a local student won the national prize.",
        "Tom Reyes, a former reporter for the Ledger, told the court he had seen the memo.",
    ],
)
def test_content_mentioning_junk_words_stays_anywhere(sentence):
    for position in (0, 2, 3):
        paragraphs = list(ARTICLE)
        paragraphs.insert(position, sentence)
        out = BOILERPLATE(art(*paragraphs))
        assert out.text == "\n\n".join(paragraphs), f"removed at position {position}: {out.removed}"


def test_tail_bio_is_peeled_and_fills_authors():
    out = BOILERPLATE(art(*ARTICLE, "Jane Doe", "Jane Doe is a reporter for The Harbour Times covering city hall.", "Follow her on Twitter @janedoe"))
    assert out.text == "\n\n".join(ARTICLE)
    assert out.authors == ("Jane Doe",)
    assert set(categories(out)) == {"author_bio"}


def test_signature_under_a_letters_closing_stays():
    letter = [*ARTICLE, "The mayor's letter to residents ended on a warmer note than it began.", "With best wishes,", "Margaret Olsen"]
    out = BOILERPLATE(art(*letter))
    assert out.text == "\n\n".join(letter)
    assert not out.removed
    # a bare name with no bio under it stays too (a sign-off as often as a menu item) ...
    out = BOILERPLATE(art(*ARTICLE, "Margaret Olsen"))
    assert out.text == "\n\n".join(ARTICLE + ["Margaret Olsen"])
    # ... and heads the writer's box when a bio line follows it
    bio = "Margaret Olsen is a senior reporter for The Harbour Times."
    out = BOILERPLATE(art(*ARTICLE, "Margaret Olsen", bio))
    assert out.text == "\n\n".join(ARTICLE)
    assert [r.rule for r in out.removed] == ["en.author_bio.name-line", "en.author_bio.role"]
    assert out.authors == ("Margaret Olsen",)


def test_about_the_author_section_goes_only_when_short():
    box = ["About the author", "Kim Hale has lived on the island for thirty years and keeps bees."]
    out = BOILERPLATE(art(*ARTICLE, *box))
    assert out.text == "\n\n".join(ARTICLE)
    assert {r.rule for r in out.removed} == {"en.author_bio.about-header"}
    # a story's own long section under such a heading stays whole
    long_section = ["About the author", *ARTICLE * 4]
    out = BOILERPLATE(art(*ARTICLE, *long_section))
    assert not out.removed


def test_a_related_block_of_headlines_with_summaries_goes_and_the_story_after_it_stays():
    block = [
        "More stories",
        "Lifeboat crew honoured for winter rescue",
        "The crew brought six fishermen home through a force nine gale in January.",
        "New ferry timetable starts on Monday",
        "Islanders will get an earlier boat and a late sailing on Fridays.",
    ]
    out = BOILERPLATE(art(*ARTICLE, *block))
    assert out.text == "\n\n".join(ARTICLE)
    # under a related header, a headline followed by the story's own paragraphs: only the
    # header and the headline go
    out = BOILERPLATE(art(ARTICLE[0], "More stories", "Lifeboat crew honoured for winter rescue", ARTICLE[1], ARTICLE[2]))
    assert out.text == "\n\n".join([ARTICLE[0], ARTICLE[1], ARTICLE[2]])


def test_inline_teaser_lines_go_and_sentences_citing_reports_stay():
    teaser = "Read also: Harbour ferry fares to rise in spring"
    cited = "Related reporting by the Ledger found the ferry ran at a loss, the minister said."
    out = BOILERPLATE(art(ARTICLE[0], teaser, ARTICLE[1], cited, ARTICLE[2]))
    assert teaser not in out.text and cited in out.text
    assert [r.rule for r in out.removed] == ["en.related.inline-teaser"]


def test_bio_sentence_in_the_middle_stays():
    line = "Jane Doe is a reporter for The Harbour Times and broke the story in March."
    out = BOILERPLATE(art(ARTICLE[0], line, ARTICLE[1], ARTICLE[2]))
    assert line in out.text


def test_unknown_language_falls_back_to_english_pack():
    out = BOILERPLATE(art(ARTICLE[0], "Advertisement", ARTICLE[1], language="xx"))
    assert categories(out) == ["advertisement"]


def test_every_line_is_kept_or_recorded():
    lines = [ARTICLE[0], "Advertisement", ARTICLE[1], "Read also:", "Storm hits coast", ARTICLE[2], "Tags: a, b"]
    out = BOILERPLATE(art(*lines))
    assert sorted(out.text.split("\n\n") + [r.text for r in out.removed]) == sorted(lines)
    assert all(lines[r.line] == r.text for r in out.removed)


def test_is_teaser():
    lines = ["Storm hits coast", "The storm hit the coast on Sunday.", "Power was cut to homes across the..."]
    assert [is_teaser(lines, i, 14) for i in range(3)] == [True, False, True]


# --- doc dedup -----------------------------------------------------------------------------

def test_doc_dedup_headline_and_a_passage_printed_twice():
    passage = [ARTICLE[0] + " " + ARTICLE[1], ARTICLE[2] + " " + ARTICLE[0]]  # 15 words or more each
    out = DocDedup()(art("Council passes budget", *passage, ARTICLE[1], *passage, title="Council passes budget"))
    assert out.text == "\n\n".join([*passage, ARTICLE[1]])
    assert [r.rule for r in out.removed] == ["doc.repeat.headline", "doc.repeat.exact", "doc.repeat.exact"]


def test_doc_dedup_removes_a_long_paragraph_printed_twice():
    long = " ".join(ARTICLE * 4)  # over 50 words
    out = DocDedup()(art(long, ARTICLE[0], long))
    assert out.text == "\n\n".join([long, ARTICLE[0]])
    assert [r.rule for r in out.removed] == ["doc.repeat.exact"]


def test_doc_dedup_keeps_one_repeated_sentence():
    # Wire updates and interviews repeat a sentence on purpose; alone it is not a printed-twice passage.
    out = DocDedup()(art(ARTICLE[0], ARTICLE[1], ARTICLE[2], ARTICLE[0]))
    assert out.text.count(ARTICLE[0]) == 2


def test_doc_dedup_keeps_repeated_list_lines():
    plan = ["Day 1", "2 eggs, scrambled", "1 tsp. olive oil", "Day 2", "Porridge with berries", "1 tsp. olive oil"]
    out = DocDedup()(art(ARTICLE[0], *plan))
    assert out.text == "\n\n".join([ARTICLE[0], *plan])


def test_doc_dedup_keeps_a_meal_plan_whose_days_repeat_lines():
    # Lines of 15 words or more repeated in the same order on several days: a plan meant to
    # repeat, each printing under its own day heading; and labelled items ("Breakfast: ...").
    breakfast = "Breakfast: porridge made with oats, half a banana, a spoon of honey and semi-skimmed milk"
    lunch = "Lunch: a bowl of lentil soup with a slice of wholemeal bread and one teaspoon of olive oil"
    plain = [b.split(": ", 1)[1].capitalize() for b in (breakfast, lunch)]
    for items in ([breakfast, lunch], plain):
        lines = [ARTICLE[0], "Day one", *items, "Dinner: baked cod", "Day two", *items, "Dinner: roast squash", ARTICLE[1]]
        out = DocDedup()(art(*lines))
        assert out.text == "\n\n".join(lines) and not out.removed
    # the same run printed twice with no headings is still a passage printed twice
    passage = [p + " It was the third such plan the clinic had published this year." for p in plain]
    out = DocDedup()(art(ARTICLE[0], *passage, ARTICLE[1], *passage))
    assert [r.rule for r in out.removed] == ["doc.repeat.exact", "doc.repeat.exact"]


def test_doc_dedup_keeps_a_list_printed_again_in_one_block():
    # The first printing has a line between items (a sub-heading, a note): the second printing is
    # the article restating its list, not the page printing a passage twice.
    items = [
        "1. Bring round a cooked meal we can heat up later, and take the recycling out on your way.",
        "2. Walk the dog along the river path for an hour so that we can get some sleep in the afternoon.",
    ]
    lines = [ARTICLE[0], items[0], "Any evening this week suits us best.", items[1], ARTICLE[1], *items]
    out = DocDedup()(art(*lines))
    assert out.text == "\n\n".join(lines)
    assert not out.removed


def test_doc_dedup_keeps_a_restated_sentence():
    first = "A senior official said the White House is closely watching the actions taken by the army and is ready to impose further sanctions."
    later = "A senior official says the White House is closely watching actions taken by the army and is ready to impose more sanctions on the country amid reports."
    out = DocDedup()(art(first, ARTICLE[0], later))
    assert later in out.text


def test_doc_dedup_keeps_short_repeated_subheadings():
    out = DocDedup()(art("Background:", ARTICLE[0], "Background:", ARTICLE[1]))
    assert out.text.count("Background:") == 2


# --- language ------------------------------------------------------------------------------

def test_language_is_deterministic_and_keep_list_drops_others():
    german = art("Der Stadtrat hat am Dienstag nach einer langen Debatte einen neuen Haushalt beschlossen.")
    results = {Language()(german).language for _ in range(5)}
    assert results == {"de"}
    dropped = Language(keep=("en",))(german)
    assert dropped.drop is not None and dropped.drop.reason == "language"
    assert Language(keep=("de",))(german).kept


def test_language_of_featureless_text_is_none():
    assert Language()(art("12345 67890 !!!")).language is None


# --- min length and corpus dedup ------------------------------------------------------------

def test_min_length():
    assert MinLength()(art()).drop.reason == "empty"
    assert MinLength(min_words=10)(art("Too short.")).drop.reason == "too_short"
    assert MinLength(min_words=3)(art(ARTICLE[0])).kept
    # the count in the detail is exact below the minimum, and the boundary is inclusive
    assert MinLength(min_words=3)(art("Two words.")).drop.detail.startswith("2 words left")
    assert MinLength(min_words=2)(art("Two words.")).kept
    assert MinLength(min_words=3)(art("Two well-known words.")).kept


@pytest.mark.parametrize("text", ["", "One", "Don't stop: U.S. state-run firms", "a b c d e f g h"])
@pytest.mark.parametrize("limit", [0, 1, 3, 100])
def test_word_count_upto_is_the_count_capped(text, limit):
    assert word_count_upto(text, limit) == min(word_count(text), limit)


def test_exact_dedup_keeps_the_smallest_id_and_ignores_spacing_and_case():
    docs = [art(ARTICLE[0], id="a"), art(ARTICLE[1], id="b"), art(ARTICLE[0].upper().replace(" ", "  "), id="c")]
    out = list(Dedup(near=False).run(docs))
    assert [a.kept for a in out] == [True, True, False]
    assert out[2].drop.reason == "dedup:exact" and out[2].drop.duplicate_of == "a"


def test_exact_dedup_passes_dropped_articles_through():
    dropped = MinLength()(art(id="x"))
    out = list(Dedup(near=False).run([dropped, art(ARTICLE[0], id="y")]))
    assert out[0] == dropped and out[1].kept


def test_stages_pickle():
    for stage in (Normalize(), Language(keep=("en",)), HEADER, BOILERPLATE, DocDedup(), MinLength(), Dedup(near=False)):
        clone = pickle.loads(pickle.dumps(stage))
        if callable(clone):
            assert clone(art(*ARTICLE)).text == stage(art(*ARTICLE)).text


# --- labelled date lines below the head, numeric dates ----------------------------------------

HEADER_DE = Header.for_languages("en", "de")
BODY_DE = (
    "Die neue Brücke über die Saale wurde am Montag für den Verkehr freigegeben, teilte die Stadt mit.\n\n"
    "Die Bauarbeiten hatten knapp drei Jahre gedauert und kosteten rund 40 Millionen Euro."
)


def test_keyword_date_line_is_taken_anywhere_but_not_as_published():
    text = BODY_DE + "\n\nAktualisiert am 17.01.2021.\n\nDer Verkehr läuft seither ohne Störungen."
    out = HEADER_DE(Article(id="x", text=text, title="Neue Brücke"))
    assert "Aktualisiert am" not in out.text
    assert "Der Verkehr läuft seither ohne Störungen." in out.text
    assert [r.rule for r in out.removed] == ["header.dateline.labelled"]
    assert out.published is None


def test_numeric_date_at_the_head_fills_published():
    out = HEADER_DE(Article(id="x", text="Veröffentlicht: 17.01.2021\n\n" + BODY_DE))
    assert out.published == dt.date(2021, 1, 17)
    assert out.text.startswith("Die neue Brücke")


@pytest.mark.parametrize(
    "line",
    [
        "Am 17.01.2021 wurde die Brücke feierlich eröffnet.",
        "Stand der Dinge ist, dass die Brücke am 17.01.2021 öffnet.",
        "Updated figures from 3 May 2024 show a rise in traffic.",
    ],
)
def test_sentences_with_dates_below_the_head_stay(line):
    text = BODY_DE + "\n\n" + line
    assert HEADER_DE(Article(id="x", text=text, title="Neue Brücke")).text == text


# --- standfirst ----------------------------------------------------------------------------

DEK = "Islanders win an earlier boat after a year of complaints about missed appointments."


def test_a_meta_description_fills_the_field_but_the_lede_it_copies_stays():
    # Many sites copy the story's first paragraph into their meta description.
    page = f"""<html><head><title>Ferry timetable</title><meta name="description" content="{ARTICLE[0]}"></head>
    <body><article><h1>Ferry timetable to change</h1><p>{ARTICLE[0]}</p><p>{ARTICLE[1]} {ARTICLE[2]}</p></article></body></html>"""
    out = newsclean.clean(html=page)
    assert out.description == ARTICLE[0]
    assert out.text.startswith(ARTICLE[0])
    assert not any(r.category is Category.STANDFIRST for r in out.removed)


def test_a_standfirst_marked_in_the_page_goes_to_description():
    page = f"""<html><head><title>Ferry timetable</title></head><body><article>
    <h1>Ferry timetable to change</h1><p class="article__dek">{DEK}</p>
    <p>{ARTICLE[0]} {ARTICLE[1]}</p><p>{ARTICLE[2]} {ARTICLE[0]}</p></article></body></html>"""
    out = newsclean.clean(html=page)
    assert out.description == DEK
    assert DEK not in out.text
    assert [r.rule for r in out.removed if r.category is Category.STANDFIRST] == ["dom.standfirst"]


def test_a_story_paragraph_marked_like_a_dek_stays_in_the_text():
    # The story's first paragraph in a template that marks it "subhead": a dateline or a lead-in
    # in capitals opens a story; a dek does not.
    for lede in (f"PORTMOY (Harbour Wire) — {ARTICLE[0]}", f"THE HARBOUR BOARD approved it. {ARTICLE[0]}"):
        page = f"""<html><head><title>Ferry timetable</title></head><body><article>
        <h1>Ferry timetable to change</h1><p class="subhead">{lede}</p>
        <p>{ARTICLE[1]} {ARTICLE[0]}</p><p>{ARTICLE[2]} {ARTICLE[1]}</p></article></body></html>"""
        out = newsclean.clean(html=page)
        assert out.text.startswith(lede)
        assert not any(r.category is Category.STANDFIRST for r in out.removed)


def test_a_first_sentence_that_repeats_words_of_the_title_stays():
    title = "Council approves budget"
    lede = "The city council approved a new budget on Tuesday after a four-hour debate, and council approves budget lines rarely."
    out = HEADER(art(lede, *ARTICLE[1:], title=title))
    assert out.text.startswith(lede)


def test_a_rule_reads_a_table_row_by_its_cells_text():
    story = "The harbour board approved a new ferry timetable on Monday after a year of complaints."
    row = "| | © 2008 Harbour Times. All rights reserved. | |"
    out = BOILERPLATE(Article(id="x", text=f"{story}\n\n{row}", language="en"))
    assert out.text == story
    assert [(r.rule, r.text) for r in out.removed] == [("common.copyright.symbol", row)]


def test_a_table_row_with_an_article_sentence_about_copyright_stays():
    row = "| Copyright law has not kept pace with the archive's scans, the panel found. | 2008 |"
    text = f"The harbour board approved a new ferry timetable on Monday.\n\n{row}"
    assert BOILERPLATE(Article(id="x", text=text, language="en")).text == text
