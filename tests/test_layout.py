"""Shape rules for text without HTML: a menu at the head; at the tail a teaser list or a reader-comment thread."""

from __future__ import annotations

import pytest

import newsclean
from newsclean.model import Article, Category
from newsclean.stages import NavigationHead

BODY = [
    "The county opened its third cooling centre on Tuesday as temperatures passed 38C for a fourth day.",
    "Volunteers handed out water at bus stops, and the library extended its opening hours until midnight.",
]


def article(*lines: str) -> Article:
    return Article(id="x", text="\n\n".join(lines))


def test_menu_lines_above_the_story_are_navigation():
    menu = ["Home", "News", "Local", "Weather"]
    out = NavigationHead()(article(*menu, *BODY))
    assert out.text == "\n\n".join(BODY)
    assert [r.text for r in out.removed] == menu
    assert {r.category for r in out.removed} == {Category.NAVIGATION}


def test_a_short_list_of_menu_like_lines_is_not_enough():
    lines = ["Home", "News", "Local", *BODY]  # three, below the run of four
    assert NavigationHead()(article(*lines)).text == "\n\n".join(lines)


def test_menu_needs_an_article_paragraph_after_it():
    lines = ["Milk", "Eggs", "Flour", "Butter", "Sugar"]  # a list is all there is
    assert NavigationHead()(article(*lines)).text == "\n\n".join(lines)


def test_a_recipe_head_is_not_a_menu():
    # Short lines with no punctuation above the text, but they are the recipe's facts.
    lines = ["Servings", "8 to 12", "Prep time", "30 mins", "Ingredients", "1 medium onion, finely chopped", *BODY]
    assert NavigationHead()(article(*lines)).text == "\n\n".join(lines)


def test_headings_with_commas_are_not_menu_items():
    lines = ["Slowly, then fast", "Step one", "Step two", "Step three", *BODY]
    assert NavigationHead()(article(*lines)).text == "\n\n".join(lines)


def test_short_lines_at_the_end_stay():
    # Tour dates, a schedule or results under the story are article text: the default pipeline
    # has no stage that removes a tail by its shape (teaser lists go by their "Related" header).
    dates = ["Fri 12 July: Leeds, Brudenell Social Club", "Sat 13 July: Glasgow, King Tut's", "Sun 14 July: Belfast, Limelight"]
    out = newsclean.clean(text="\n\n".join([*BODY, *dates]))
    assert out.text.endswith("\n\n".join(dates))
    assert not out.removed


# --- menu rows -----------------------------------------------------------------------------

from newsclean.stages import MenuRow  # noqa: E402

MENU_ROW = MenuRow.for_languages("en")


def test_a_row_of_site_sections_is_navigation_anywhere():
    row = "| Home | | News | | Portmoy AM | | Weather | | Video | | Sport |"
    out = MENU_ROW(article(BODY[0], row, BODY[1]))
    assert out.text == "\n\n".join(BODY)
    assert [(r.rule, r.category) for r in out.removed] == [("layout.menu-row", Category.NAVIGATION)]


def test_footer_links_split_by_escaped_bars_or_bullets_are_navigation():
    for row in ("Privacy Policy \\| Advertise \\| Contact Us \\| Archives", "News · Sport · Business · Obituaries"):
        assert MENU_ROW(article(*BODY, row)).text == "\n\n".join(BODY)


def test_table_rows_of_names_or_figures_stay():
    rows = ["| Kilbride Athletic | 1-3 | Portmoy Rovers |", "| Bulls | Jomo Cosmos | Dolphins |", "| Home | Away | Draw |", "Home | Away"]
    assert MENU_ROW(article(*BODY, *rows)).text == "\n\n".join([*BODY, *rows])


def test_a_sentence_that_names_sections_stays():
    line = "News, sport and weather were cut from the schedule | the station said on Monday."
    assert MENU_ROW(article(*BODY, line)).text == "\n\n".join([*BODY, line])


# Old table layouts, as trafilatura writes them: the story sits in one row's long cell; the
# page's boxes and labels are rows of one cell or with empty cells.
STORY_ROW = "| | " + BODY[0] + " " + BODY[1] + " |"


def test_single_and_empty_cell_rows_of_a_table_holding_the_story_are_navigation():
    furniture = ["| Most read | |", "| Weather |", "| | Send to a friend | |"]
    out = MENU_ROW(article(furniture[0], STORY_ROW, furniture[1], furniture[2]))
    assert out.text == STORY_ROW
    assert [(r.rule, r.category) for r in out.removed] == [("layout.table-row", Category.NAVIGATION)] * 3


def test_an_empty_table_row_is_navigation_anywhere():
    out = MENU_ROW(article("|  |", *BODY, "| | |"))
    assert out.text == "\n\n".join(BODY)
    assert [r.rule for r in out.removed] == ["layout.table-row"] * 2


def test_a_row_with_words_outside_a_story_table_stays():
    row = "| Kilbride Athletic | 1-3 | Portmoy Rovers |"
    assert MENU_ROW(article(*BODY, row)).text == "\n\n".join([*BODY, row])


def test_a_data_table_beside_the_story_keeps_its_rows():
    # Same number of cells in every row: a data table, even with an empty cell and a long one.
    results = [
        "| Kilbride Athletic | 1-3 | Portmoy Rovers |",
        "| Dunmore United | | Ardlochan |",
        "| Report | " + BODY[0] + " | Final |",
    ]
    assert MENU_ROW(article(BODY[1], *results)).text == "\n\n".join([BODY[1], *results])


def test_a_table_without_a_story_cell_keeps_its_rows():
    schedule = ["| Fri 12 July | Leeds |", "| Sat 13 July |", "| Sun 14 July | |"]
    assert MENU_ROW(article(*BODY, *schedule)).text == "\n\n".join([*BODY, *schedule])


def test_table_rows_apart_from_the_story_table_are_judged_apart():
    # A prose paragraph between them: the second label row belongs to no table holding the story.
    out = MENU_ROW(article(STORY_ROW, "| Weather |", BODY[0], "| Weather |"))
    assert out.text == "\n\n".join([STORY_ROW, BODY[0], "| Weather |"])


# --- teaser tail ---------------------------------------------------------------------------

from newsclean.stages import CommentThread, TeaserTail  # noqa: E402


def test_headlines_of_other_stories_under_the_story_are_a_teaser_block():
    teasers = [
        "Heatwave brings new water restrictions across the county",
        "Bus drivers to strike over pay on Friday",
        "Library to stay open late all summer",
    ]
    out = TeaserTail()(article(*BODY, *teasers))
    assert out.text == "\n\n".join(BODY)
    assert [r.text for r in out.removed] == teasers
    assert {r.rule for r in out.removed} == {"layout.teaser-tail"}


def test_an_end_list_with_colons_numbers_or_a_shared_shape_is_the_story_s_own():
    for tail in (
        ["Thursday 3 October: Inverness, Ironworks", "Friday 4 October: Aberdeen, The Lemon Tree", "Saturday 5 October: Dundee, Church"],
        ["Kilbride Athletic 1 Portmoy Rovers 3", "Dunmore United 2 Ardlochan 2", "Glenbrae Thistle 1 Harbour Star 0"],
        ["2 eggs beaten with a little milk", "1 tsp olive oil for the pan", "A handful of chopped chives"],
        ["Harbour Star at Kilbride Athletic", "Portmoy Rovers at Dunmore United", "Glenbrae Thistle at Ardlochan Town"],
    ):
        assert TeaserTail()(article(*BODY, *tail)).text == "\n\n".join([*BODY, *tail])


def test_two_short_closing_lines_stay():
    lines = [*BODY, "More cooling centres open on Thursday", "Call the council for the nearest one"]
    assert TeaserTail()(article(*lines)).text == "\n\n".join(lines)


def test_a_story_made_only_of_short_lines_is_left_alone():
    lines = ["Heatwave hits the county again", "Cooling centres open across the region", "Water handed out at bus stops"]
    assert TeaserTail()(article(*lines)).text == "\n\n".join(lines)


# --- comment thread ------------------------------------------------------------------------


def test_reader_comments_signed_by_different_names_are_a_comment_thread():
    thread = [
        "Posted by: Marta, Eastfield | June 3, 2024 08:14 AM",
        "The centre on Mill Road was full by noon, so they should open another one.",
        "Posted by: grumpy_cyclist at June 3, 2024 09:02 AM",
        "Good on the volunteers, but the buses still had no air conditioning.",
        "Posted by: Des on 10:47am Mon 3 Jun 24",
    ]
    out = CommentThread()(article(*BODY, "First comment text that we cannot tell from the story.", *thread))
    assert out.text == "\n\n".join([*BODY, "First comment text that we cannot tell from the story."])
    assert [r.text for r in out.removed] == thread
    assert {r.rule for r in out.removed} == {"layout.comment-thread"}


# Hard negatives.
LIVE_BLOG = [  # entries of the story itself, stamped by the same two reporters
    "Posted by: Ana Ruiz at 09:15",
    "The first cooling bus has left the depot for the estate, with room for forty people.",
    "Posted by: Tom Byrne at 09:40",
    "Council staff say the library has taken in more than two hundred people since opening.",
    "Posted by: Ana Ruiz at 10:05",
    "The fire service asks residents to check on elderly neighbours twice a day.",
    "Posted by: Tom Byrne at 10:30",
    "Forecasters expect the heat to break on Saturday with storms in the west.",
]
QUOTED_POST = [  # the story quotes a single forum post with its signature line
    "One resident wrote on the estate forum that the heat had kept her awake for a week.",
    "Posted by: Jean at June 2, 2024 11:58 PM",
    "The council said it read the forum and would add a night bus to the centre.",
]
STORY_STAMPS = [  # "Posted by <author> on <date>" without the colon is the story's own stamp
    "Posted by Ana Ruiz on June 3, 2024 at 10:05 AM",
    "Posted by Tom Byrne on June 3, 2024 at 11:20 AM",
]


@pytest.mark.parametrize("tail", [LIVE_BLOG, QUOTED_POST, STORY_STAMPS], ids=["live-blog", "quoted-post", "story-stamps"])
def test_signatures_that_are_not_a_reader_thread_stay(tail):
    lines = [*BODY, *tail]
    assert CommentThread()(article(*lines)).text == "\n\n".join(lines)


# --- comment sections signed by name lines ---------------------------------------------------

SIGNED_COMMENTS = [
    "Comments (4)",
    "Morag, Portmoy",
    "About time the early boat came back. My mother missed two appointments last winter.",
    "Ian D",
    "Who pays for the late sailing? Not the board, that's for sure.",
    "- Kirsty, Kilbride",
    "Good news for the island at last.",
    "Sandy (Glasgow)",
    "The harbour dues have been frozen for years, so this was coming.",
]


def test_a_comment_section_signed_by_name_lines_is_removed_from_its_heading():
    out = CommentThread()(article(*BODY, *SIGNED_COMMENTS))
    assert out.text == "\n\n".join(BODY)
    assert {r.rule for r in out.removed} == {"layout.comment-thread"}
    assert out.removed[0].text == "Comments (4)"


def test_an_interview_under_a_comments_heading_keeps_its_two_speakers():
    # The same two names over and over: a transcript, not a thread of readers.
    lines = ["Reader comments", "Reporter", "Will the boat run in storms?", "Minister", "Only when it is safe to.", "Reporter", "And the fares?", "Minister", "Frozen until 2026."]
    assert CommentThread()(article(*BODY, *lines)).text == "\n\n".join([*BODY, *lines])


def test_a_list_under_a_comments_heading_stays_when_its_lines_are_not_signatures():
    lines = ["Comments (3)", "Portmoy council: in favour.", "Kilbride council: against.", "Harbour users' group: in favour, with conditions."]
    assert CommentThread()(article(*BODY, *lines)).text == "\n\n".join([*BODY, *lines])


def test_a_signed_thread_needs_the_story_above_it():
    assert CommentThread()(article(*SIGNED_COMMENTS)).text == "\n\n".join(SIGNED_COMMENTS)


def test_a_paragraph_about_reader_comments_is_not_a_heading():
    line = "Comments from readers poured in after the board's decision, most of them in favour."
    lines = [*BODY, line, *SIGNED_COMMENTS[1:]]
    assert CommentThread()(article(*lines)).text == "\n\n".join(lines)


def test_a_feature_with_a_subhead_called_comment_keeps_its_sections():
    # Short subheads over paragraphs look like signed comments, but a bare "Comment" is a subhead.
    lines = ["Comment", "Offer a view on the week's news when a reporter asks.", "Briefing", "Explain the trend behind the figures.", "Access", "Open doors to people in demand.", "Data", "Share numbers nobody else has."]
    assert CommentThread()(article(*BODY, *lines)).text == "\n\n".join([*BODY, *lines])


def test_a_menu_printed_one_item_a_line_with_bars_is_navigation():
    menu = ["Sections:", "Top Stories |", "Local |", "Sport |", "Weather", "| Harbour Times", "| Obituaries"]
    out = MENU_ROW(article(*BODY, *menu))
    assert out.text == "\n\n".join([*BODY, "Sections:"])
    assert {r.rule for r in out.removed} == {"layout.menu-run"}


def test_lines_with_a_bar_in_a_story_or_a_table_are_not_a_menu_run():
    lines = [
        "Kilbride 1 | Portmoy 3",  # a bar inside the line, not at its edge
        "| Dunmore | 2-2 | Ardlochan |",  # a table row: bars at both edges
        "| Fri 12 July | Leeds |",
        "Results below |",  # one bar line alone
    ]
    assert MENU_ROW(article(*BODY, *lines)).text == "\n\n".join([*BODY, *lines])


def test_three_bar_lines_of_a_name_and_handles_are_not_a_menu_run():
    lines = ["Jane Doe |", "@jdoe |", "+Jane Doe |"]
    assert MENU_ROW(article(*BODY, *lines)).text == "\n\n".join([*BODY, *lines])


def test_a_menu_with_its_bars_on_lines_of_their_own_is_navigation():
    menu = ["Sport Homepage", "|", "Football", "|", "Cricket", "|", "Rugby Union", "|", "Tennis"]
    out = MENU_ROW(article(*BODY, *menu))
    assert out.text == "\n\n".join(BODY)
    assert {r.rule for r in out.removed} == {"layout.menu-run"}


def test_a_byline_with_handles_and_a_date_between_bars_stays():
    lines = ["Jane Doe |", "@jdoe |", "+Jane Doe |", "|", "March 3, 2024"]
    assert MENU_ROW(article(*lines, *BODY)).text == "\n\n".join([*lines, *BODY])


def test_a_closed_comment_section_with_one_signed_comment_goes():
    lines = ["Thanks for your comments - this feedback is now closed", "Posted by: Morag, Portmoy on 5:19pm Tue 1 Jan 08", "About time the early boat came back."]
    out = CommentThread()(article(*BODY, *lines))
    assert out.text == "\n\n".join(BODY)
    assert {r.rule for r in out.removed} == {"layout.comment-thread"}


def test_a_sentence_about_a_closed_discussion_is_not_a_comment_heading():
    lines = ["The discussion is closed to new members, the club said.", "Posted by: Morag, Portmoy on 5:19pm Tue 1 Jan 08", "About time the early boat came back."]
    assert CommentThread()(article(*BODY, *lines)).text == "\n\n".join([*BODY, *lines])


# --- comment threads found by their signatures, in the common shapes ------------------------

CLOSING = "The harbour office will publish the new timetable on its website on Friday."


def _thread_removed(lines: list[str], kept: list[str]) -> None:
    out = CommentThread()(article(*lines))
    assert out.text == "\n\n".join(kept)
    assert {r.rule for r in out.removed} == {"layout.comment-thread"}
    assert [r.text for r in out.removed] == lines[len(kept) :]


def test_posted_by_without_a_colon_on_a_date_at_a_time_is_a_comment_thread():
    thread = [
        "Posted by seaview_sue on 06/03/24 at 8:14AM",
        "The late boat is what the island needed, well done to everyone who campaigned.",
        "Report abuse",
        "Posted by Dougie R on 06/03/24 at 9:02AM",
        "Fares will go up to pay for it, you watch.",
        "Report abuse",
        "Posted by kilbride_mum on 06/03/24 at 11:30AM",
        "My son can finally get home from college at the weekend.",
        "Report abuse",
    ]
    _thread_removed([*BODY, CLOSING, *thread], [*BODY, CLOSING])


def test_posted_by_name_of_place_and_a_time_is_a_comment_signature():
    thread = [
        "Comments",
        "Posted by: Morag of Kilbride 10:32 AM",
        "About time the early boat came back.",
        "Posted by: Ian D of Portmoy 11:05 AM",
        "Who pays for the late sailing?",
    ]
    _thread_removed([*BODY, CLOSING, *thread], [*BODY, CLOSING])


def test_a_story_s_own_stamp_above_the_comments_stays():
    stamp = "Posted by Ana Ruiz at June 3, 2024 07:45 AM"
    thread = [
        "Comments",
        "Posted by: Morag, Kilbride at June 3, 2024 10:32 AM",
        "About time the early boat came back.",
        "Posted by: Ian D at June 3, 2024 11:05 AM",
        "Who pays for the late sailing?",
    ]
    _thread_removed([*BODY, stamp, *thread], [*BODY, stamp])


def test_says_signatures_with_the_stamp_below_and_reply_links_are_a_comment_thread():
    thread = [
        "3 Responses",
        "Morag Ross says:",
        "June 3, 2024 at 10:32 am",
        "About time the early boat came back.",
        "Reply",
        "Ian Duthie says:",
        "June 3, 2024 at 11:05 am",
        "Who pays for the late sailing? Not the board.",
        "Reply",
        "harbourwatcher says:",
        "June 3, 2024 at 1:17 pm",
        "Good news for the island at last.",
        "Reply",
    ]
    _thread_removed([*BODY, CLOSING, *thread], [*BODY, CLOSING])


def test_name_and_stamp_signatures_with_votes_and_numbers_are_a_comment_thread():
    thread = [
        "#1",
        "Morag, Kilbride | 03/06/2024 10:32",
        "About time the early boat came back.",
        "12 up, 3 down",
        "#2",
        "Ian D (03/06/2024 11:05)",
        "Who pays for the late sailing? Not the board.",
        "4 up, 9 down",
        "#3",
        "harbourwatcher | 03/06/2024 13:17",
        "Good news for the island at last.",
        "Recommend (4)",
    ]
    # The first comment's number stays: nothing above its signature says "comments".
    _thread_removed([*BODY, CLOSING, *thread], [*BODY, CLOSING, "#1"])


def test_comment_by_name_dash_date_at_time_is_a_comment_signature():
    thread = [
        "Comment by Morag — June 3, 2024 @ 10:32 am",
        "About time the early boat came back.",
        "Comment by harbourwatcher — June 3, 2024 @ 1:17 pm",
        "Good news for the island at last.",
    ]
    _thread_removed([*BODY, CLOSING, *thread], [*BODY, CLOSING])


def test_a_long_thread_with_regular_commenters_is_still_a_thread():
    # Four regulars answer each other: under the name share, but six names are a crowd.
    names = ["Morag", "Ian D", "Morag", "Sandy", "Ian D", "Morag", "Kirsty", "Ian D", "Ewan", "Morag", "Fiona", "Ian D"]
    thread = []
    for n, name in enumerate(names):
        thread += [f"Posted by: {name} | June 3, 2024 {8 + n // 2}:{10 + n:02d} AM", f"Reply number {n} about the boat."]
    _thread_removed([*BODY, CLOSING, *thread], [*BODY, CLOSING])


# Hard negatives: signatures of the story's own, quotes, roundups, live blogs.
def test_a_live_blog_stamped_posted_by_on_a_date_at_a_time_stays():
    lines = [*BODY]
    for n, name in enumerate(["Ana Ruiz", "Tom Byrne", "Ana Ruiz", "Tom Byrne"]):
        lines += [f"Posted by {name} on June 3, 2024 at {9 + n}:15 AM", f"Update {n}: the cooling bus has made {n + 2} trips to the estate."]
    assert CommentThread()(article(*lines)).text == "\n\n".join(lines)


def test_a_live_blog_with_dated_stamps_by_several_reporters_stays():
    lines = [*BODY]
    for n, name in enumerate(["Ana Ruiz", "Tom Byrne", "Lena Park", "Sam Okafor"]):
        lines += [f"{name} | June 3, 2024 {9 + n}:15", f"Update {n}: the cooling bus has made {n + 2} trips to the estate."]
    assert CommentThread()(article(*lines)).text == "\n\n".join(lines)


def test_a_story_that_quotes_two_forum_posts_and_goes_on_stays():
    lines = [
        BODY[0],
        "Residents argued about the plan on the estate forum long before the council met.",
        "Jean wrote on June 2, 2024 at 11:58 PM:",
        "The heat kept me awake all week and nobody from the council came.",
        "Dougie wrote on June 3, 2024 at 6:10 AM:",
        "The library was open until midnight, you just had to walk there.",
        "The council said it read the forum and would add a night bus to the centre.",
        "It also promised to put a second cooling centre on the east side of the town.",
        BODY[1],
        "A decision on the second centre is expected at the next full council meeting.",
    ]
    assert CommentThread()(article(*lines)).text == "\n\n".join(lines)


def test_a_roundup_of_excerpts_under_dated_bylines_stays():
    excerpt = [
        "The county opened another cooling centre after the fourth day of heat, officials said.",
        "Volunteers handed out water at bus stops and checked on elderly neighbours.",
        "The library extended its hours until midnight for the rest of the week.",
        "Forecasters expect the heat to break on Saturday with storms in the west.",
        "Bus operators added night services to the two centres on the estate.",
        "The council will review its heat plan at the next full meeting.",
        "A spokesman said the plan had worked better than last summer's.",
    ]
    lines = [*BODY]
    for name in ("Ana Ruiz, The Harbour Times, 06/03/24 01:49 PM", "Tom Byrne, County Post, 06/03/24 03:05 PM", "Lena Park, Daily Wire, 06/04/24 09:40 AM"):
        lines += [name, *excerpt]
    assert CommentThread()(article(*lines)).text == "\n\n".join(lines)


def test_a_letters_page_signed_with_names_places_and_dates_stays():
    lines = [
        "Letters",
        "The early boat matters to everyone on the island, and the board should have listened sooner.",
        "Morag Ross, Kilbride, June 3",
        "Who will pay for the late sailing? The harbour dues have been frozen for years.",
        "Ian Duthie, Portmoy, June 3",
        "Good news for the island at last, and thanks to everyone who campaigned for it.",
        "Kirsty Bell, Glenbrae, June 4",
    ]
    assert CommentThread()(article(*BODY, *lines)).text == "\n\n".join([*BODY, *lines])


def test_a_signature_whose_stamp_went_to_the_next_line_is_a_signature():
    thread = [
        "Posted by: Morag, Kilbride on",
        "9:35am Wed 4 Jun 25",
        "About time the early boat came back.",
        "Posted by: Ian D, Portmoy on",
        "11:16am Wed 4 Jun 25",
        "Who pays for the late sailing?",
    ]
    _thread_removed([*BODY, CLOSING, *thread], [*BODY, CLOSING])


def test_name_and_date_signatures_with_report_links_are_a_comment_thread():
    thread = [
        "Morag, Kilbride | 3 June 2025",
        "About time the early boat came back.",
        "Report abuse",
        "Ian D - 3 June 2025",
        "Who pays for the late sailing?",
        "Report abuse",
        "harbourwatcher (4 June 2025)",
        "Good news for the island at last.",
        "Report abuse",
    ]
    _thread_removed([*BODY, CLOSING, *thread], [*BODY, CLOSING])


def test_a_results_list_with_dates_after_the_story_stays():
    lines = [
        *BODY,
        "Results",
        "Kilbride Athletic 1 Portmoy Rovers 3 | 3 June 2025",
        "A late goal settled a scrappy game in front of a small crowd.",
        "Dunmore United 2 Ardlochan 2 | 4 June 2025",
        "Both sides had a man sent off before half-time.",
        "Glenbrae Thistle 1 Harbour Star 0 | 5 June 2025",
        "The keeper saved a penalty in the last minute.",
    ]
    assert CommentThread()(article(*lines)).text == "\n\n".join(lines)
