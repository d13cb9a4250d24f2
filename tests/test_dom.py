"""Structural pruning: the DOM rules' names, the guards that keep the article, and the removals."""

from __future__ import annotations

import pytest
from lxml import html as lxml_html

import newsclean
from newsclean.dom import MARK, find_junk, load_rules, mark_junk, name_parts
from newsclean.model import Category

RULES = load_rules()

STORY = [
    "The harbour authority approved a new breakwater on Monday after a decade of winter storms had damaged the old pier beyond repair.",
    "Engineers expect the work to take two years, and the fishing fleet will move to a temporary mooring on the north side of the bay.",
    "Local businesses said the decision came late but welcomed the promise that the promenade would stay open throughout construction.",
    "The council will publish the contractor's timetable next month, a spokesperson said, together with a map of the diversions.",
]


def page(extra_before: str = "", extra_after: str = "", article_attrs: str = "") -> str:
    body = "".join(f"<p>{p}</p>" for p in STORY)
    return (
        "<html><head><title>Harbour gets new breakwater</title></head><body>"
        f"<div class='site'><h1>Harbour gets new breakwater</h1><div class='article-body'{article_attrs}>"
        f"{extra_before}{body}{extra_after}</div></div></body></html>"
    )


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.id)
def test_rule_names_its_examples_and_not_its_counterexamples(rule):
    import tomllib
    from importlib import resources

    data = tomllib.loads(resources.files("newsclean.rules").joinpath("dom.toml").read_text(encoding="utf-8"))
    item = next(i for i in data["prune"] if i["id"] == rule.id)
    assert item["examples"] and item["counterexamples"]
    for name in item["examples"]:
        assert any(rule.matches_name(n) for n in name.split()), name
    for name in item["counterexamples"]:
        assert not any(rule.matches_name(n) for n in name.split()), name


def test_name_parts_split_at_separators_and_camel_case():
    assert name_parts("post-share_bar") == ["post", "share", "bar"]
    assert name_parts("relatedPosts") == ["related", "posts"]


@pytest.mark.parametrize(
    ("snippet", "category"),
    [
        ("<div class='post-share-bar'><a>Share on Facebook</a><a>Share on X</a></div>", Category.SOCIAL),
        ("<ul class='related-articles'><li><a>Ferry fares to rise in spring</a></li></ul>", Category.RELATED),
        ("<div id='newsletter-signup'>Get the morning briefing in your inbox</div>", Category.NEWSLETTER),
        ("<div class='about-the-author'>Mara Quill covers the coast for the Gazette.</div>", Category.AUTHOR_BIO),
        ("<div class='ad-slot'>Advertisement</div>", Category.ADVERTISEMENT),
        ("<ul class='post-tags'><li>Harbour</li><li>Storms</li></ul>", Category.TAGS),
        ("<figure><img src='a.jpg'><div class='image-caption'>The old pier in January. Photo: Gazette</div></figure>", Category.CAPTION),
    ],
)
def test_junk_element_is_pruned_and_recorded(snippet, category):
    article = newsclean.clean(html=page(extra_after=snippet))
    [removal] = [r for r in article.removed if r.stage == "extract"]
    assert removal.category is category
    assert removal.rule.startswith(f"dom.{category.value}.")
    assert removal.evidence
    assert removal.text and removal.text not in article.text
    for paragraph in STORY:
        assert paragraph in article.text


def test_article_wrapper_with_a_junk_word_in_its_name_is_kept():
    # A theme that names the story container "story share-ready" must not lose the story.
    article = newsclean.clean(html=page(article_attrs=" class='story share-ready'"))
    for paragraph in STORY:
        assert paragraph in article.text


def test_element_holding_the_headline_or_an_article_is_kept():
    tree = lxml_html.fromstring(
        "<html><body><div class='social-wrapper'><h1>Title</h1><p>Text</p></div>"
        "<div class='related'><article><p>Story</p></article></div></body></html>"
    )
    assert find_junk(tree) == []


def test_element_with_most_of_the_paragraph_text_is_kept():
    paragraphs = "".join(f"<p>{p}</p>" for p in STORY)
    tree = lxml_html.fromstring(f"<html><body><div class='comments-and-ads ad'>{paragraphs}</div><p>Short.</p></body></html>")
    assert find_junk(tree) == []


def test_a_post_entry_is_not_read_by_the_categories_and_tags_in_its_classes():
    # WordPress and TypePad put a post's categories and tags on its element as classes: a short
    # post filed under "Social Media" or tagged "newsletter" is not a share box or a sign-up form.
    entry = "<div class='{}'><h2>Brands and people</h2><p>{}</p><p>{}</p></div>"
    sidebar = "".join(f"<p>{p}</p>" for p in STORY * 3)  # the page's other text outweighs the post
    for classes in ("entry entry-category-social_media entry-type-post", "hentry post category-newsletter tag-advertising"):
        tree = lxml_html.fromstring(
            f"<html><body>{entry.format(classes, STORY[0], STORY[1])}<div class='column'>{sidebar}</div></body></html>"
        )
        assert find_junk(tree) == [], classes
    # The same class on an element that is not a post entry still names a share box.
    tree = lxml_html.fromstring(f"<html><body><p>{STORY[0]}</p><div class='category-share'>Share this</div></body></html>")
    assert [p.rule.id for p in find_junk(tree)] == ["dom.social.share"]


@pytest.mark.parametrize(
    "snippet",
    [
        "<div class='read-more'><a href='/ferry-fares'>Read more: Ferry fares to rise in spring</a></div>",
        "<button class='readMore'>Read more</button>",
        "<div id='readmore'>Keep reading for the council's answers and add your own questions below!</div>",
    ],
)
def test_read_more_links_controls_and_prompts_are_pruned(snippet):
    tree = lxml_html.fromstring(f"<html><body><p>{STORY[0]}</p>{snippet}<p>{STORY[1]}</p></body></html>")
    assert [p.rule.id for p in find_junk(tree)] == ["dom.related.read-more"]


def test_a_read_more_expander_holding_sentences_and_no_link_is_text():
    # A listing's description behind a "read more" toggle: the text itself, not a link to more.
    expander = (
        "<div class='js_readmore'>The cottage sleeps six and has two terraces. A playground and a barbecue "
        "are in the garden. Bicycles can be kept in the shed.</div><span class='readmore_toggle'>More</span>"
    )
    tree = lxml_html.fromstring(f"<html><body><p>{STORY[0]}</p>{expander}</body></html>")
    assert [p.element.get("class") for p in find_junk(tree)] == ["readmore_toggle"]


def test_only_the_outermost_junk_element_is_recorded():
    tree = lxml_html.fromstring(
        "<html><body><p>" + STORY[0] + "</p><div class='share-box'><div class='social'>Follow us</div></div></body></html>"
    )
    removals = mark_junk(tree)
    assert len(removals) == 1
    assert tree.xpath(f"//*[@{MARK}]")[0].get("class") == "share-box"


def test_author_named_in_a_pruned_author_box_still_fills_authors():
    box = "<div class='author-bio'><span class='author'>Mara Quill</span> covers the coast.</div>"
    html = page(extra_after=box).replace(
        "<title>", "<meta name='author' content='Mara Quill'><title>"
    )
    article = newsclean.clean(html=html)
    assert article.authors == ("Mara Quill",)
    assert "covers the coast" not in article.text


def test_pruning_can_be_switched_off():
    from newsclean.stages import Extract

    snippet = "<div class='post-share-bar'><p>Share this story with a friend who loves the harbour as much as we do</p></div>"
    plain = newsclean.default_pipeline(dedup=False).replace("extract", Extract(prune_dom=False))
    html = page(extra_after=snippet)
    assert [r.rule for r in newsclean.clean(html=html).removed if r.stage == "extract"] == ["dom.social.share"]
    assert [r for r in newsclean.clean(html=html, pipeline=plain).removed if r.stage == "extract"] == []


# --- layout tables ---------------------------------------------------------------------------

from lxml import html as lxml_html  # noqa: E402

import newsclean  # noqa: E402
from newsclean.dom import is_layout_table, mark_link_cells, unwrap_layout_tables  # noqa: E402

STORY = [
    "The harbour board approved a new ferry timetable on Monday after a year of complaints from island residents about missed hospital appointments.",
    "From March the first boat will leave Portmoy at 6.40am, an hour earlier than now, and a late sailing will be added on Fridays and Saturdays.",
    "The board said the change would cost about 120,000 pounds a year, to be paid from harbour dues that have not risen since 2011.",
]
LAYOUT_PAGE = f"""<html><head><title>Ferry timetable changes</title></head><body>
<table width="100%"><tr>
<td class="left"><a href="/">Home</a> | <a href="/news">Local News</a> | <a href="/sport">Sport</a> | <a href="/obits">Obituaries</a></td>
<td class="main"><p class="headline">Ferry timetable to change in March</p>
{STORY[0]}<br><br>{STORY[1]}<br><br>{STORY[2]}</td>
<td class="right"><b>Most read</b><br><a href="/a">Harbour festival line-up</a><br><a href="/b">Ferry fares to rise</a></td>
</tr></table></body></html>"""
RESULTS_TABLE = """<table><tr><th>Home</th><th>Score</th><th>Away</th></tr>
<tr><td>Kilbride Athletic</td><td>1-3</td><td>Portmoy Rovers</td></tr>
<tr><td>Dunmore United</td><td>2-2</td><td>Ardlochan</td></tr></table>"""


def test_a_table_with_a_column_of_running_text_is_layout():
    tree = lxml_html.fromstring(LAYOUT_PAGE)
    assert is_layout_table(tree.find(".//table"))


def test_a_table_nesting_a_table_or_holding_paragraphs_is_layout():
    nested = lxml_html.fromstring(f"<div><table><tr><td>{RESULTS_TABLE}</td></tr></table></div>")
    assert is_layout_table(nested.find("table"))
    with_blocks = lxml_html.fromstring("<div><table><tr><td><p>One.</p><p>Two.</p></td></tr></table></div>")
    assert is_layout_table(with_blocks.find("table"))


def test_a_data_table_is_not_layout_and_stays_a_table():
    tree = lxml_html.fromstring(f"<div><p>{STORY[0]}</p>{RESULTS_TABLE}</div>")
    assert not is_layout_table(tree.find(".//table"))
    assert unwrap_layout_tables(tree) == 0
    assert tree.find(".//table") is not None


def test_unwrapping_puts_loose_story_text_into_paragraphs():
    tree = lxml_html.fromstring(LAYOUT_PAGE)
    assert unwrap_layout_tables(tree) == 1
    assert tree.find(".//table") is None and tree.find(".//td") is None
    paragraphs = [" ".join(p.text_content().split()) for p in tree.iter("p")]
    for sentence in STORY:
        assert any(sentence in p for p in paragraphs)


def test_a_bold_lede_loose_in_a_font_tag_of_a_layout_cell_is_extracted():
    # Old news templates open the story column with <font> and put the lede loose in it, in bold,
    # before the <p>s; unwrapped, that loose lede must become a paragraph, or the extractor
    # drops it.
    lede = "The harbour board has defended its new ferry timetable after island residents protested at the quay on Sunday."
    column = f"<font size='2'><table align='right'><tr><td><img src='a.jpg'></td></tr></table><b>{lede}</b>" + "".join(
        f"<p>{sentence}" for sentence in STORY
    ) + "</font>"
    page = LAYOUT_PAGE.replace(LAYOUT_PAGE[LAYOUT_PAGE.index('<td class="main">'):LAYOUT_PAGE.index('<td class="right">')], f'<td class="main">{column}</td>\n')
    article = newsclean.clean(html=page)
    assert lede in article.text
    for sentence in STORY:
        assert sentence in article.text


def test_paragraphs_inside_an_inline_wrapper_of_a_layout_cell_stay_paragraphs():
    # Old templates wrap the whole story column in <font> holding a <div> of <p>s; unwrapped,
    # the <font> is a block: put into one <p>, the story came out as a single line.
    column = "<font size='2'><div id='story'>" + "".join(f"<p>{sentence}</p>" for sentence in STORY) + "</div></font>"
    page = LAYOUT_PAGE.replace(LAYOUT_PAGE[LAYOUT_PAGE.index('<td class="main">'):LAYOUT_PAGE.index('<td class="right">')], f'<td class="main">{column}</td>\n')
    article = newsclean.clean(html=page)
    for sentence in STORY:
        assert sentence in article.paragraphs


def test_the_story_of_a_layout_table_page_comes_out_as_paragraphs_without_the_columns():
    article = newsclean.clean(html=LAYOUT_PAGE)
    for sentence in STORY:
        assert sentence in article.paragraphs
    assert "|" not in article.text
    assert "Obituaries" not in article.text


def test_a_results_table_in_a_story_is_still_extracted():
    page = f"<html><body><article><p>{STORY[0]}</p><p>{STORY[1]}</p>{RESULTS_TABLE}<p>{STORY[2]}</p></article></body></html>"
    article = newsclean.clean(html=page)
    assert "Kilbride Athletic" in article.text and "Portmoy Rovers" in article.text


def test_a_data_table_in_the_story_column_of_a_layout_table_stays_a_table():
    column = f'<td class="main"><p>{STORY[0]}</p><p>{STORY[1]}</p>{RESULTS_TABLE}<p>{STORY[2]}</p></td>'
    page = LAYOUT_PAGE.replace(LAYOUT_PAGE[LAYOUT_PAGE.index('<td class="main">'):LAYOUT_PAGE.index('<td class="right">')], column)
    tree = lxml_html.fromstring(page)
    assert unwrap_layout_tables(tree) == 1
    tables = list(tree.iter("table"))
    assert len(tables) == 1 and "Kilbride Athletic" in tables[0].text_content()
    assert tables[0].find(".//td") is not None
    article = newsclean.clean(html=page)
    assert "Kilbride Athletic" in article.text and STORY[2] in article.text


def test_a_data_table_with_a_heading_and_styled_cells_stays_a_table():
    ingredients = """<table class="ingredients"><thead><tr><th colspan="2"><h3>For the pastry:</h3></th></tr></thead>
    <tbody><tr><td><span>125 g</span></td><td><div>Flour</div></td></tr>
    <tr><td><span>65 g</span></td><td><div>Sugar</div></td></tr></tbody></table>"""
    tree = lxml_html.fromstring(f"<div><p>{STORY[0]}</p>{ingredients}</div>")
    assert not is_layout_table(tree.find(".//table"))


def test_a_layout_cell_of_links_is_removed_as_navigation():
    article = newsclean.clean(html=LAYOUT_PAGE)
    cells = [r for r in article.removed if r.rule == "dom.layout.link-cell"]
    assert [r.category.value for r in cells] == ["navigation", "navigation"]
    assert "Obituaries" in cells[0].text and "Harbour festival line-up" in cells[1].text
    assert "Obituaries" not in article.text and "Most read" not in article.text


def test_a_layout_cell_holding_the_story_beside_a_long_menu_stays():
    # The cell's words are mostly links, but one run of text outside them is a sentence.
    menu = " ".join(f'<a href="/s{i}">Section number {i}</a>' for i in range(30))
    page = f"""<html><body><table width="100%"><tr><td>{menu}<br><br>{STORY[0]}<br><br>{STORY[1]}</td>
    <td><p>Weather</p><p>Tides</p></td></tr></table></body></html>"""
    tree = lxml_html.fromstring(page)
    unwrap_layout_tables(tree)
    assert mark_link_cells(tree) == ()
    assert STORY[0] in newsclean.clean(html=page).text


def test_links_in_a_data_table_or_a_story_are_not_layout_cells():
    links = '<table><tr><td><a href="/a">Kilbride Athletic</a></td><td><a href="/b">Portmoy Rovers</a></td></tr></table>'
    page = f"<html><body><article><p>{STORY[0]}</p>{links}<p>{STORY[1]}</p></article></body></html>"
    article = newsclean.clean(html=page)
    assert "Kilbride Athletic" in article.text
    assert not [r for r in article.removed if r.rule == "dom.layout.link-cell"]


# --- teaser lists --------------------------------------------------------------------------

from newsclean.dom import find_junk  # noqa: E402

TEASER_DL = """<dl class="lineup">
<dt><a href="/s/1">Hops shortage spurs microbreweries to change their beers</a></dt><dd>A shortage of hops is forcing brewers to rewrite recipes.</dd>
<dt><a href="/s/2">Man arrested after hit-and-run on coast road</a></dt><dd>A 24-year-old man has been charged.</dd>
<dt><a href="/s/3">Nine arrested in international fraud investigation</a></dt><dd>Police said more arrests were expected.</dd>
</dl>"""


def pruned_rules(body: str, story: list[str] = STORY) -> list[str]:
    paragraphs = "".join(f"<p>{p}</p>" for p in story)
    tree = lxml_html.fromstring(f"<html><body><article>{paragraphs}</article>{body}</body></html>")
    return [p.rule.id for p in find_junk(tree)]


def test_a_list_of_headline_links_with_teasers_is_related():
    assert pruned_rules(TEASER_DL) == ["dom.related.teaser-list"]
    links = "".join(f'<li><a href="/n/{i}">{t}</a></li>' for i, t in enumerate(
        ["Harbour festival line-up announced for July", "Ferry fares to rise by a fifth in June", "Council approves new budget after long debate"]))
    assert pruned_rules(f"<ul>{links}</ul>") == ["dom.related.teaser-list"]


def test_a_list_of_short_linked_names_stays():
    # An article's own list: sources, people, products named by a link of a word or two.
    names = "".join(f'<li><a href="/p/{i}">{n}</a> said the plan was overdue.</li>' for i, n in enumerate(["Anna Petrie", "Colin Mair", "Fiona Dunlop"]))
    assert pruned_rules(f"<ul>{names}</ul>") == []


ROUND_UP = [
    ("Harbour festival line-up announced for July", "by Anna Petrie"),
    ("Ferry fares to rise by a fifth in June", "by Colin Mair, who has waited long for it"),
    ("Council approves new budget after long debate", "by Fiona Dunlop"),
]


def _round_up(annotated: bool) -> str:
    items = "".join(
        f'<li><a href="/r/{i}">{title}</a>{" " + note if annotated else ""}</li>' for i, (title, note) in enumerate(ROUND_UP)
    )
    return f"<ul>{items}</ul>"


def test_a_story_s_own_round_up_of_links_with_its_words_stays():
    # The story introduces the list in a paragraph, and every item carries the writer's words.
    paragraphs = "".join(f"<p>{p}</p>" for p in STORY) + _round_up(annotated=True)
    tree = lxml_html.fromstring(f"<html><body><article>{paragraphs}</article></body></html>")
    assert [p.rule.id for p in find_junk(tree)] == []
    # the same list under a heading is still a related list
    assert pruned_rules(f"<h3>Elsewhere</h3>{_round_up(annotated=True)}") == ["dom.related.teaser-list"]


def test_a_list_of_annotated_links_introduced_by_a_line_with_a_colon_stays():
    paragraphs = "".join(f"<p>{p}</p>" for p in STORY) + "<p>This week's deals:</p>" + _round_up(annotated=True)
    tree = lxml_html.fromstring(f"<html><body><article>{paragraphs}</article></body></html>")
    assert [p.rule.id for p in find_junk(tree)] == []


def test_bare_headline_links_right_after_the_story_are_still_related():
    paragraphs = "".join(f"<p>{p}</p>" for p in STORY) + _round_up(annotated=False)
    tree = lxml_html.fromstring(f"<html><body><article>{paragraphs}</article></body></html>")
    assert [p.rule.id for p in find_junk(tree)] == ["dom.related.teaser-list"]


def test_a_list_whose_items_do_not_start_with_a_link_stays():
    facts = "".join(f'<li>{s} <a href="/r/{i}">Read the full report from the harbour board</a></li>' for i, s in enumerate(STORY))
    assert pruned_rules(f"<ul>{facts}</ul>") == []


TEASER_CARDS = [
    ("Hops shortage spurs microbreweries to change their beers", "A shortage of hops is forcing brewers to rewrite recipes."),
    ("Man arrested after hit-and-run on coast road", "A 24-year-old man has been charged."),
    ("Is the new ferry timetable worth the wait?", "Islanders give their verdict on the summer sailings..."),
    ("Nine arrested in international fraud investigation", "Police said more arrests were expected."),
]


def cards(template: str) -> str:
    return "".join(template.format(i=i, headline=h, summary=s) for i, (h, s) in enumerate(TEASER_CARDS))


def test_a_block_of_teaser_cards_is_related():
    # A headline link with a summary (or a label and a time before it), card after card.
    plain = cards('<div class="card"><img src="{i}.jpg"><h3><a href="/s/{i}">{headline}</a></h3><p>{summary}</p></div>')
    assert pruned_rules(f"<section><h2>Around the region</h2>{plain}</section>", STORY * 3) == ["dom.related.teaser-list"]
    labelled = cards('<li class="teaser"><span>Crime</span> <span>2 hours ago</span> <a href="/s/{i}">{headline}</a></li>')
    assert pruned_rules(f"<div>{labelled}</div>", STORY * 3) == ["dom.related.teaser-list"]


def test_teaser_cards_whose_classes_also_name_each_card_are_related():
    named = cards('<div class="site site-{i}"><img src="{i}.jpg"><p><a href="/s/{i}">{headline}</a></p></div>')
    assert pruned_rules(f"<div id='footer'>{named}</div>", STORY * 3) == ["dom.related.teaser-list"]


def test_repeated_blocks_that_are_story_stay():
    # Each block a sentence with a link inside it, or a long entry: the article's own blocks.
    sentences = cards('<div class="entry"><p>Officers said <a href="/s/{i}">the man was arrested on Monday</a> near the pier, and {summary}</p></div>')
    assert pruned_rules(f"<div>{sentences}</div>", STORY * 3) == []
    long_entries = "".join(
        f'<div class="update"><a href="/u/{i}">{h}</a><p>{" ".join(STORY)}</p></div>' for i, (h, _) in enumerate(TEASER_CARDS)
    )
    assert pruned_rules(f"<div>{long_entries}</div>", STORY * 3) == []
    sources = cards('<div class="source"><a href="/s/{i}">{headline}.</a> {summary}</div>')  # links that are sentences
    assert pruned_rules(f"<div>{sources}</div>", STORY * 3) == []


def test_the_related_heading_rule_reads_its_examples():
    from newsclean.dom import load_related_heading_rule

    rule = load_related_heading_rule()
    assert rule.examples and rule.counterexamples
    assert all(rule.introduces_stories(e) for e in rule.examples)
    assert not any(rule.introduces_stories(c) for c in rule.counterexamples)


def test_links_under_a_heading_that_introduces_other_stories_are_related():
    links = '<p><a href="/a">Harbour festival</a> | <a href="/b">Ferry fares</a> | <a href="/c">New pier</a></p>'
    for heading in ("<h3>More from the Harbour Times</h3>", '<div class="box-title"><span>Lesen Sie auch</span></div>'):
        assert pruned_rules(heading + links, STORY * 3) == ["dom.related.heading", "dom.related.heading"]


def test_a_page_with_a_stray_second_html_tag_is_read():
    # lxml keeps a second <html class=...> as a node outside the tree; the XPath still finds it.
    from trafilatura.utils import load_html

    paragraphs = "".join(f"<p>{p}</p>" for p in STORY * 3)
    links = '<h3>Most popular</h3><ul><li><a href="/a">Harbour</a></li><li><a href="/b">Ferry</a></li></ul>'
    tree = load_html(f"<html><body><article>{paragraphs}</article>{links}</body></html><html class='late'><p>x</p></html>")
    assert [p.rule.id for p in find_junk(tree)] == ["dom.related.heading", "dom.related.heading"]


def test_a_heading_over_the_story_text_or_not_about_other_stories_stays():
    # A section of the story under a heading like "More rain expected", and a "Related" heading
    # over running text with a link in it.
    story = f'<p>{STORY[0]} <a href="/r">The report</a> says so.</p>'
    assert pruned_rules("<h3>More rain expected on Friday</h3>" + '<p><a href="/a">Forecast</a> <a href="/b">Radar</a></p>', STORY * 3) == []
    assert pruned_rules("<h3>Related</h3>" + story, STORY * 3) == []


def test_two_headline_links_are_not_a_teaser_list():
    two = '<ul><li><a href="/a">Harbour festival line-up announced for July</a></li><li><a href="/b">Ferry fares to rise by a fifth in June</a></li></ul>'
    assert pruned_rules(two) == []


PHOTO_STORY = [
    "The first boats came back into the harbour just after dawn, their decks stacked high with crates of mackerel and crab.",
    "By nine the market hall was full, and buyers from three counties bid for the catch in a sale that lasted until noon.",
    "Skippers said the season had been the best in a decade, helped by calm weather and the new breakwater at the mouth of the bay.",
]


@pytest.mark.parametrize("name", ["ad-item"])
def test_an_ad_named_element_holding_paragraphs_of_story_is_kept(name):
    # A theme wraps its story in "ad-item" blocks.
    blocks = "".join(f"<div class='{name}'><p>{p}</p><p>{q}</p></div>" for p, q in zip(PHOTO_STORY, STORY))
    tree = lxml_html.fromstring(page(extra_after=blocks))
    assert not [p for p in find_junk(tree) if p.element.get("class") == name]


@pytest.mark.parametrize(("name", "text"), [("image-caption", "The old pier in January, before the storms took its last section. Photo: Gazette archive"),
                                             ("ad-item", "Advertisement")])
def test_a_caption_or_ad_with_one_line_is_still_pruned(name, text):
    tree = lxml_html.fromstring(page(extra_after=f"<div class='{name}'><p>{text}</p></div>"))
    assert [p for p in find_junk(tree) if p.element.get("class") == name]


def test_a_photo_story_told_in_its_captions_keeps_them():
    captions = [
        "Crews lower the first concrete block of the new breakwater into the bay at high tide on Monday morning.",
        "Divers check the seabed beside the old pier, where winter storms scattered the stones of the last repair.",
        "The fishing fleet waits at the temporary mooring on the north side while the crane works through the day.",
        "Children watch from the promenade, which the council promised to keep open for the whole of the work.",
        "By evening the first section stood above the water line, a week ahead of the contractor's timetable.",
    ]
    photos = "".join(f"<div class='image-caption'><img src='{i}.jpg'><p>{c}</p></div>" for i, c in enumerate(captions))
    html = f"<html><body><div class='gallery'><h1>A day on the breakwater</h1><p>Our photographer spent Monday on the harbour wall.</p>{photos}</div></body></html>"
    assert not [p for p in find_junk(lxml_html.fromstring(html)) if p.rule.id == "dom.caption.figure"]
    one = page(extra_after=f"<div class='image-caption'><img src='0.jpg'><p>{captions[0]}</p></div>")
    assert [p for p in find_junk(lxml_html.fromstring(one)) if p.rule.id == "dom.caption.figure"]


PHOTO_CAPTION = (
    "A diver checks the seabed beside the old pier, where the winter storms scattered the stones "
    "of the last repair. The council hopes to finish the breakwater by the spring."
)
MENU = "".join(f"<li><a href='/{w.lower()}'>{w}</a></li>" for w in ("News", "Sport", "Weather", "Business", "Travel"))
SITE_LINKS = "".join(
    f"<li><a href='/{i}'>{place} {what}</a></li>"
    for i, (place, what) in enumerate((p, w) for p in ("Portmoy", "Kilbride", "Dunmore", "Ardlochan") for w in ("harbour news", "council notices", "school results", "ferry times", "weather"))
)


def test_a_photo_page_whose_caption_is_its_only_text_keeps_the_caption():
    # One photo and its caption, the page's menus around it: the caption is the story.
    html = (
        f"<html><head><title>The breakwater from below</title></head><body><ul class='menu'>{MENU}</ul>"
        f"<div class='photo'><h1>The breakwater from below</h1><img src='1.jpg'>"
        f"<div class='image-caption'>{PHOTO_CAPTION}</div></div><ul class='footer'>{SITE_LINKS}</ul></body></html>"
    )
    article = newsclean.clean(html=html)
    assert PHOTO_CAPTION in article.text
    assert not [r for r in article.removed if r.rule == "dom.caption.figure"]


def test_a_caption_beside_a_story_is_still_removed_as_a_caption():
    article = newsclean.clean(html=page(extra_after=f"<div class='image-caption'><img src='1.jpg'>{PHOTO_CAPTION}</div>"))
    assert PHOTO_CAPTION not in article.text
    assert [r for r in article.removed if r.rule == "dom.caption.figure"]


SECTIONS = ["Archive", "Books", "Crafts", "Ferries", "Harbour", "Letters", "Obituaries", "Sport", "Weather"]


def _link_list(names):
    return "<ul class='module'>" + "".join(f"<li><a href='/{n.lower()}'>{n}</a></li>" for n in names) + "</ul>"


def test_a_list_of_links_in_alphabetical_order_is_a_site_index():
    tree = lxml_html.fromstring(page(extra_after=_link_list(SECTIONS)))
    found = [p for p in find_junk(tree) if p.rule.id == "dom.navigation.link-index"]
    assert len(found) == 1 and found[0].element.tag == "ul"


def test_a_long_index_with_one_item_out_of_place_is_still_an_index():
    names = [f"{a}{b} Blog" for a in "ABCDEFG" for b in "abc"]  # 21 sorted names
    names.insert(5, "The Harbour Blog")
    tree = lxml_html.fromstring(page(extra_after=_link_list(names)))
    assert [p for p in find_junk(tree) if p.rule.id == "dom.navigation.link-index"]


def test_a_link_index_larger_than_the_story_is_still_removed():
    names = [f"{a}{b} Harbour Blog" for a in "ABCDEFGHIJ" for b in "abcdef"]  # 60 sorted links
    html = f"<html><body><div class='post'><p>{STORY[0]}</p></div>{_link_list(names)}</body></html>"
    found = [p for p in find_junk(lxml_html.fromstring(html)) if p.rule.id == "dom.navigation.link-index"]
    assert len(found) == 1


def test_a_story_list_unsorted_or_with_text_beside_its_links_stays():
    unsorted = SECTIONS[3:] + SECTIONS[:3]
    with_text = "<ul>" + "".join(f"<li><a href='/{n.lower()}'>{n}</a> school district</li>" for n in SECTIONS) + "</ul>"
    short = _link_list(SECTIONS[:5])
    for block in (_link_list(unsorted), with_text, short):
        tree = lxml_html.fromstring(page(extra_after=block))
        assert not [p for p in find_junk(tree) if p.rule.id == "dom.navigation.link-index"]
