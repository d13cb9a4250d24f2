"""Junk recognised by its shape in text without HTML: a navigation head, menu rows, a teaser tail.

Text a scraper already extracted has lost the markup that said "menu", but the shape survives:
a run of one-to-three-word lines above the story (``Home``, ``News``, ``Europe``) is a menu. It
needs a run of at least ``min_run`` lines, and a real paragraph must remain below it.

A run of short lines at the *end* is judged with care: on the full-text dev sets such runs were
article text (tour dates, a schedule, results, ingredients) as often as teaser lists, and those
lists carry colons and numbers that headlines of other stories lack (``TeaserTail``).
"""

from __future__ import annotations

import re
from typing import ClassVar

import attrs

from newsclean.model import Article, Category, Removal
from newsclean.rulepack import packs_for
from newsclean.stages.base import COMMENTS_OUT, LineFilter
from newsclean.text import comparison_key, ends_sentence, is_table_row, looks_like_headline, starts_with_capital, word_count


def _looks_like_menu_item(line: str, max_words: int) -> bool:
    # A digit ends the run: a recipe's or a fact box's head ("Servings", "8 to 12", "Prep time",
    # "30 mins") is built of short lines too, and site menus carry no numbers.
    return 0 < word_count(line) <= max_words and not ends_sentence(line) and "," not in line and not _has_digit(line)


def _has_digit(line: str) -> bool:
    return any(ch.isdigit() for ch in line)


_NUMBER = re.compile(r"\d+")


def _looks_like_other_headline(line: str, min_words: int, max_words: int) -> bool:
    """A headline of another story, not an item of the story's own list: no colon ("Friday 12
    July: Leeds", "Lunch: lentil soup"), no leading number ("1 tsp. olive oil"), at most one
    number ("Kilbride 1 Portmoy 3" is a result; "Storms of 2018 broke records" a headline)."""
    if not looks_like_headline(line, min_words, max_words) or ":" in line:
        return False
    numbers = _NUMBER.findall(line)
    return len(numbers) <= 1 and not line.lstrip()[:1].isdigit()


def _is_teaser_label(line: str, below_words: int) -> bool:
    """A teaser box's short label: fewer than ``below_words`` words, a capital first, no
    closing punctuation ("Books", "Most read", "Belfast Telegraph")."""
    return 0 < word_count(line) < below_words and not ends_sentence(line) and starts_with_capital(line)


_LOWER_WORD = re.compile(r"\b[a-z]+\b")


def _is_parallel_list(lines: list[str]) -> bool:
    """Do all ``lines`` share a lowercase word ("Leeds at Hull", "York at Bath")? Items of the
    story's own list (fixtures, pairings) are built alike; headlines of other stories are not."""
    shared = set(_LOWER_WORD.findall(lines[0]))
    for line in lines[1:]:
        shared &= set(_LOWER_WORD.findall(line))
    return bool(shared)


def _is_article_paragraph(line: str) -> bool:
    return ends_sentence(line) and word_count(line) >= 8


# --- reader-comment signatures ---------------------------------------------------------------
# A comment is signed by a line that names its writer and stamps it: "Posted by: <name> at <time>",
# "Posted by <name> on <date> at <time>", "Comment by <name> - <date> @ <time>", "<name> says:
# <date> at <time>", "<name> wrote:", "<name>, <place> | <date> <time>", "<name> (<date> <time>)".
_MONTH = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?"
    r"|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
)
_DATE = re.compile(
    r"\b(?:\d{1,2}[/.-]\d{1,2}[/.-](?:\d{4}|\d{2})\b|\d{4}-\d{2}-\d{2}\b"
    rf"|{_MONTH}\s+\d{{1,2}}(?:st|nd|rd|th)?\b,?(?:\s+(?:\d{{4}}|['’]\d{{2}}))?"
    rf"|\d{{1,2}}(?:st|nd|rd|th)?\s+(?:of\s+)?{_MONTH}(?:,?\s+(?:\d{{4}}|['’]?\d{{2}})\b)?"
    r"|\d+\s+(?:seconds?|minutes?|mins?|hours?|hrs?|days?|weeks?|months?|years?)\s+ago\b|yesterday|today)",
    re.IGNORECASE,
)
_TIME = re.compile(
    r"\b\d{1,2}(?::\d{2}(?::\d{2})?(?:\s*[ap]\.?\s?m\b\.?)?|\.\d{2}\s*[ap]\.?\s?m\b\.?|\s?[ap]\.?\s?m\b\.?)"
    r"|\b\d+\s+(?:seconds?|minutes?|mins?|hours?|hrs?|days?|weeks?|months?|years?)\s+ago\b",
    re.IGNORECASE,
)
# Words of a stamp that are not the writer's name.
_STAMP_WORDS = re.compile(
    r"\b(?:posted|on|at|by|[ap]\.?m|[pecmgub][sd]?t|utc|gmt|(?:mon|tues?|wed(?:nes)?|thu(?:rs)?|fri|sat(?:ur)?|sun)(?:day)?)\b|[\W_]+",
    re.IGNORECASE,
)
# "Posted by[:] <name> <rest>", "Comment by <name> <rest>": the name runs to a separator or a date.
_BY_VERBS = r"posted|written|submitted|comment(?:ed)?|added|sent|reply|response|left"
_BY_PREFIX = re.compile(rf"^\W*(?:{_BY_VERBS})\s+by\b", re.IGNORECASE)
_BY_SIGNATURE = re.compile(
    rf"^\W*(?P<verb>{_BY_VERBS})\s+by(?P<colon>\s*:)?\s*"
    r"(?P<name>[^|\n]{1,60}?)\s*(?:\s(?:on|at|@)\s|[|@—–(]|\s-\s|,\s*(?=\d)|\s(?=\d))(?P<rest>.*)$",
    re.IGNORECASE,
)


def _is_stamp_line(line: str) -> bool:
    """A line that is only a date and a time ("9:35am Wed 9 Jan 08", "January 5, 2008 at 3:12 pm")."""
    if not (_DATE.search(line) and _TIME.search(line)):
        return False
    return not _STAMP_WORDS.sub(" ", _TIME.sub(" ", _DATE.sub(" ", line))).strip()


# "<name> says:", "<name> wrote:", "<name> said on <date>:" (then, often, the stamp).
_VERB_SIGNATURE = re.compile(
    r"^\W*(?P<name>[^:.!?\n]{1,50}?)\s+(?:says|wrote|said)\b(?P<rest>[^.!?]{0,60}?):?\s*(?P<after>.*)$", re.IGNORECASE
)
# A line of a comment's controls: "Reply", "Report abuse", "Quote | Report this post", "Recommend
# (4)", "12 up, 3 down", "4 points", "#12", "Inappropriate? Alert us.", "Permalink".
_CONTROL = (
    r"(?:reply(?: to (?:this )?comment)?|report(?: (?:abuse|this(?: post| comment)?|comment))?|quote|permalink|link"
    r"|flag(?: as inappropriate| this)?|recommend(?:ed)?(?:\s*\(\d+\))?|\d+\s+recommend(?:ations?|ed)?|like|\d+\s+likes?"
    r"|\d+\s+(?:up|down|points?|votes?|thumbs? up|thumbs? down)|(?:thumbs )?up|(?:thumbs )?down|vote(?: up| down)?"
    r"|inappropriate\?\s*alert us|alert us|#\s?\d+|\d+\.|\(\d+\)|[+-]\d+|share|edit|delete)"
)
_CONTROL_LINE = re.compile(rf"^\W*{_CONTROL}(?:[\W_]+{_CONTROL})*\W*$", re.IGNORECASE)
_NAME_MAX_WORDS = 6
_SIGNATURE_MAX_WORDS = 20


_STAMP_SEPARATOR = re.compile(r"\s[|—–-]\s|\(")
# "Tracked", "Updated", "Edited": the word of a stamp that names nobody.
_STAMP_VERB = re.compile(r"[A-Za-z]+ed")


@attrs.frozen
class _Signature:
    """A comment's signature line: the writer's name (casefolded; empty when the line names
    nobody), whether the line says it is a comment's ("Posted by:", "Comment by", "says:",
    "wrote:"), whether it carries a date, and whether it says it is a post's stamp ("Posted by")
    rather than a bare name and date."""

    name: str
    explicit: bool
    dated: bool
    worded: bool = True  # "Posted by", "says": not a bare name and stamp


def _stamp(text: str) -> tuple[bool, bool]:
    """(has a date, has a clock time) in ``text``."""
    return bool(_DATE.search(text)), bool(_TIME.search(text))


def _signature(line: str, following: str = "") -> _Signature | None:
    """The signature in ``line``, if it is one (``following`` is the next line: the stamp under a
    "<name> says:" line)."""
    text = line.strip()
    words = word_count(text)
    if not words or words > _SIGNATURE_MAX_WORDS or (ends_sentence(text) and not text.endswith((".m.", "pm.", "am."))):
        if not text.endswith(":"):
            return None
    if not _stamp(text)[0] and not _stamp(text)[1] and _BY_PREFIX.match(text) and _is_stamp_line(following):
        text = f"{text} {following.strip()}"  # "Posted by: <name> on" over "9:35am Wed 9 Jan 08"
    if m := _BY_SIGNATURE.match(text):
        name, rest = m.group("name").strip(" -,"), m.group("rest")
        dated, timed = _stamp(rest)
        if not name or word_count(name) > _NAME_MAX_WORDS or not (dated or timed):
            return None
        # Without the colon, "Posted by <author> on <date>" is also how a story or a live blog's
        # entry is stamped: a comment's says what kind of post it is, or carries date and time.
        explicit = bool(m.group("colon")) or m.group("verb").lower().startswith(("comment", "repl", "response"))
        if not explicit and not (dated and timed):
            return None
        return _Signature(comparison_key(name), explicit, dated)
    if m := _VERB_SIGNATURE.match(text):
        name = m.group("name").strip(" -,")
        rest, after = m.group("rest") + " " + m.group("after"), following if not m.group("after") else ""
        if not text.rstrip().endswith(":") and ":" not in text[m.end("name") :]:
            return None
        dated, timed = _stamp(rest + " " + after)
        if not name or word_count(name) > _NAME_MAX_WORDS:
            return None
        if not (dated or timed):
            # "<name> says:" with its stamp gone (a date line the boilerplate rules took): a
            # signature only where a heading or the comments' controls say there is a thread.
            if m.group("after") or m.group("rest").strip() or word_count(name) > 4:
                return None
            return _Signature(comparison_key(name), False, False)
        if m.group("after") and word_count(_DATE.sub(" ", _TIME.sub(" ", m.group("after")))) > 3:
            return None  # "<name> said: <a sentence>" quotes someone
        return _Signature(comparison_key(name), True, dated)
    # "<name>[, <place>] | <date> <time>", "<name> (<date> <time>)", "<date> <time> | <name>", and
    # with a date alone when a bar, dash or bracket sets it apart ("<name> | <date>").
    dated, timed = _stamp(text)
    if not (dated and (timed or _STAMP_SEPARATOR.search(text))):
        return None
    name = _TIME.sub(" ", _DATE.sub(" ", text))
    name = _STAMP_WORDS.sub(" ", name).strip()
    if word_count(name) > _NAME_MAX_WORDS:
        return None
    if _STAMP_VERB.fullmatch(name):
        name = ""  # "Tracked on <date> <time>", "Updated <date> <time>": a stamp that names nobody
    return _Signature(comparison_key(name), False, dated, worded=False)


# The heading of a reader-comment section: "Comments (12)", "3 comments", "Reader views (5)",
# "Comments are now closed for this story", "Have your say", "Post a comment". Not a bare
# "Comment" or "Views": a feature's subheads can be such words.
_COMMENT_HEADING = re.compile(
    r"^\W*(\d+\s+(readers?['’]?\s+)?(comments?|views|responses|reactions)|(readers?['’]?\s+)?(comments?|views|responses|reactions)\s*\(\d+\)"
    r"|readers?['’]?\s+(comments?|views|responses|reactions)"
    r"|(.{0,40}\b)?(comments|feedback|discussion) (are|is|have been|has been) (now )?closed"
    r"( (for|on) (this|the) (story|article|post|page|entry))?"
    r"|(post|add|leave|write|send) (a|your) (comment|view|reply)\b.*"
    r"|have your say\b.*)\W*$",
    re.IGNORECASE,
)


def _looks_like_signature(line: str) -> bool:
    """A commenter's name line: "Frank, Toronto", "- Louise, Lancaster, UK", "J-F (Ottawa)"."""
    return 0 < word_count(line) <= 5 and not ends_sentence(line) and ":" not in line


@attrs.frozen(kw_only=True)
class NavigationHead(LineFilter):
    """Removes a menu left at the top of extracted text: ``min_run`` or more lines in a row of
    at most ``max_words`` words with no closing punctuation, with an article paragraph after."""

    name: ClassVar[str] = "navigation_head"

    min_run: int = 4
    max_words: int = 3

    def removals(self, lines: list[str], article: Article) -> list[Removal]:
        run = 0
        while run < len(lines) and _looks_like_menu_item(lines[run], self.max_words):
            run += 1
        if run < self.min_run or not any(_is_article_paragraph(line) for line in lines[run:]):
            return []
        return [
            Removal(stage=self.name, category=Category.NAVIGATION, rule="layout.navigation-head", text=line, line=i)
            for i, line in enumerate(lines[:run])
        ]


# Cells of a row: split at bars (trafilatura writes a table's cells between "|", and a literal
# bar as "\|") and at bullets.
_CELLS = re.compile(r"\s*(?:\\?\|)+\s*|\s+[·•]\s+")
# The cells of one table row as trafilatura writes it: "| cell | cell |" (a literal bar is "\|").
_ROW_CELLS = re.compile(r"(?<!\\)\|")


def _is_group_label(line: str) -> bool:
    return 0 < word_count(line) <= 3 and not ends_sentence(line)


def _is_menu_label(line: str) -> bool:
    return _is_group_label(line) and not _has_digit(line)


# A table row whose last words are cut off: "| Storm hits coast Heavy rain battered the... |".
_TRUNCATED_ROW = re.compile(r"(?:\.\.\.|…)[\"'”’»)\]]*[\s|]*$")


@attrs.frozen(kw_only=True)
class MenuRow(LineFilter):
    """Removes the rows that old table layouts and scraped footers leave in extracted text.

    - ``layout.menu-row``, anywhere: a row of site sections and controls, at least
      ``min_cells`` cells split by bars or bullets, none longer than ``max_cell_words`` words or
      holding a digit, and at least ``min_menu_share`` of them words of a menu (the packs'
      ``[vocab] menu``: Home, News, Sport, Contact us, Print this story...), as in
      ``| Home | News | Canada AM | Weather |``; a table row of names or figures has too few
      menu words, or digits.
    - ``layout.table-row``: in a table that holds the story (one of its rows has a cell of
      ``running_words`` or more words) and whose rows have different numbers of cells, the
      rows with no such cell that are a single cell or have an empty one: the page's boxes
      and labels printed as rows (``| Most read | |``, ``| Weather |``). A data table's rows
      have the same number of cells, so a results or schedule table in a story stays.
    - ``layout.menu-run``: a menu printed one item a line, each item opened or closed by a bar
      (``Top Stories |``, ``| Sport``) or with the bars on lines of their own between the items:
      at least ``min_run_items`` bar lines and as many lines with words, none longer than
      ``max_cell_words`` words, short lines between them allowed (the items, a group label), the
      bar lines at least a third of the run.
    - ``layout.teaser-rows`` (related): ``min_teaser_rows`` or more table rows in a row, each
      cut off with an ellipsis: a box of other stories printed a headline and the start of its
      summary a row."""

    name: ClassVar[str] = "menu_row"

    menu: re.Pattern[str] = attrs.field(eq=False)
    min_cells: int = 3
    max_cell_words: int = 4
    min_menu_share: float = 0.6
    running_words: int = 15
    # Three bar lines can be an author's name and handles ("Jane Doe |", "@jdoe |", ...).
    min_run_items: int = 4
    # One cut-off row can be a quote that trails off; two in a row are a box of teasers.
    min_teaser_rows: int = 2

    @classmethod
    def for_languages(cls, *languages: str, **settings) -> MenuRow:
        words = [p.vocab["menu"] for p in packs_for(*languages) if "menu" in p.vocab]
        pattern = "|".join(f"(?:{w})" for w in words) or "(?!)"
        return cls(menu=re.compile(rf"(?:{pattern})", re.IGNORECASE), **settings)

    def removals(self, lines: list[str], article: Article) -> list[Removal]:
        furniture = self._layout_table_rows(lines)
        runs = self._menu_runs(lines)
        teasers = self._teaser_rows(lines)
        found = []
        for i, line in enumerate(lines):
            if i in teasers:
                rule = "layout.teaser-rows"
                found.append(Removal(stage=self.name, category=Category.RELATED, rule=rule, text=line, line=i))
                continue
            if self._is_menu_row(line):
                rule = "layout.menu-row"
            elif i in furniture or (line.count("|") >= 2 and is_table_row(line) and not word_count(line)):  # "|  |": an empty row
                rule = "layout.table-row"
            elif i in runs:
                rule = "layout.menu-run"
            else:
                continue
            found.append(Removal(stage=self.name, category=Category.NAVIGATION, rule=rule, text=line, line=i))
        return found

    def _teaser_rows(self, lines: list[str]) -> set[int]:
        """Indexes of runs of at least ``min_teaser_rows`` table rows whose text is cut off with
        an ellipsis: a box of other stories, a headline and the start of its summary a row."""
        found: set[int] = set()
        i = 0
        while i < len(lines):
            start = i
            while i < len(lines) and is_table_row(lines[i]) and _TRUNCATED_ROW.search(lines[i]):
                i += 1
            if i - start >= self.min_teaser_rows:
                found.update(range(start, i))
            i = max(i, start + 1)
        return found

    def _menu_runs(self, lines: list[str]) -> set[int]:
        """Indexes of the lines of menus printed one item a line (see the class docstring)."""
        found: set[int] = set()
        i = 0
        while i < len(lines):
            if not self._is_menu_item(lines[i]):
                i += 1
                continue
            start, last, bars = i, i, 0
            while i < len(lines):
                if self._is_menu_item(lines[i]):
                    bars, last = bars + 1, i
                elif not _is_group_label(lines[i]):
                    break
                i += 1
            # A bar alone separates two items: the ones before the first bar and after the last go
            # too, when they read as menu items (no digits: not a date under a byline).
            if lines[start].strip() == "|" and start > 0 and _is_menu_label(lines[start - 1]):
                start -= 1
            if lines[last].strip() == "|" and last + 1 < len(lines) and _is_menu_label(lines[last + 1]):
                last += 1
            i = last + 1
            named = sum(1 for line in lines[start:i] if word_count(line))
            if bars >= self.min_run_items and named >= self.min_run_items and bars >= (i - start) / 3:
                found.update(range(start, i))
        return found

    def _is_menu_item(self, line: str) -> bool:
        """A line opened or closed by a bar, not both (a table row has both), of a few words;
        or a bar alone, the separator between two items printed on lines of their own."""
        text = line.strip()
        if text == "|":
            return True
        opened, closed = text.startswith("|"), text.endswith("|") and not text.endswith("\\|")
        return opened != closed and 0 < word_count(text) <= self.max_cell_words

    def _layout_table_rows(self, lines: list[str]) -> set[int]:
        """Indexes of the furniture rows of the tables in ``lines`` that hold the story."""
        found: set[int] = set()
        i = 0
        while i < len(lines):
            if not is_table_row(lines[i]):
                i += 1
                continue
            start = i
            while i < len(lines) and is_table_row(lines[i]):
                i += 1
            rows = {j: [word_count(c) for c in _ROW_CELLS.split(lines[j].strip().strip("|"))] for j in range(start, i)}
            holds_story = any(max(cells) >= self.running_words for cells in rows.values())
            if not holds_story or len({len(cells) for cells in rows.values()}) == 1:
                continue
            found.update(
                j for j, cells in rows.items() if max(cells) < self.running_words and (len(cells) == 1 or 0 in cells)
            )
        return found

    def _is_menu_row(self, line: str) -> bool:
        if "|" not in line and "·" not in line and "•" not in line:
            return False
        cells = [c.strip(" :-") for c in _CELLS.split(line)]
        cells = [c for c in cells if c]
        if len(cells) < self.min_cells:
            return False
        if any(word_count(c) > self.max_cell_words or any(ch.isdigit() for ch in c) for c in cells):
            return False
        menu = sum(1 for c in cells if self.menu.fullmatch(c))
        return menu >= self.min_menu_share * len(cells)


@attrs.frozen(kw_only=True)
class TeaserTail(LineFilter):
    """Removes a teaser list left at the bottom of extracted text: ``min_run`` or more lines in a
    row that read as headlines of other stories (``min_words`` to ``max_words`` words,
    capitalised, no closing punctuation, no colon, at most one number and none in front) after
    the last article paragraph.

    The colons and numbers matter: end lists that belong to the story (tour dates, a schedule,
    results, ingredients, sources named "Paper: headline") carry them. Without that test the
    stage removed about as much article text as junk on the full-text dev sets."""

    name: ClassVar[str] = "teaser_tail"

    min_run: int = 3
    min_words: int = 4
    max_words: int = 14

    def removals(self, lines: list[str], article: Article) -> list[Removal]:
        # Walk up from the bottom over headlines and the box's short labels ("Films", "Belfast
        # Telegraph"); the run starts at the highest line where headlines still outnumber labels.
        start = len(lines)
        headlines = labels = 0
        i = len(lines)
        while i > 0:
            line = lines[i - 1]
            if _looks_like_other_headline(line, self.min_words, self.max_words):
                headlines += 1
            elif _is_teaser_label(line, self.min_words):
                labels += 1
            else:
                break
            i -= 1
            if headlines >= labels and headlines:
                start = i
        heads = [line for line in lines[start:] if _looks_like_other_headline(line, self.min_words, self.max_words)]
        if len(heads) < self.min_run or not any(_is_article_paragraph(line) for line in lines[:start]):
            return []
        # On the full-text dev sets a week's fixtures ("<team> at <team>", one a line) was 28 of
        # the 95 words this stage removed, all kept by the gold.
        if _is_parallel_list(heads):
            return []
        return [
            Removal(stage=self.name, category=Category.RELATED, rule="layout.teaser-tail", text=lines[i], line=i)
            for i in range(start, len(lines))
        ]


# A short line right above a thread's first signature that introduces it: "Comments", "Comment(s)",
# "Your comments", "12 comments posted", "Reader reaction", "Leave a reply". Only read as a heading
# when signatures follow.
_NEAR_HEADING = re.compile(
    r"^\W*(?:[^.!?]{0,40}\b)?(?:comments?|comment\(s\)|responses|replies|discussion|talkback|reader (?:views|reaction|responses)"
    r"|your (?:views|say|thoughts)|have your say|leave a reply)\b[^.!?]{0,40}$",
    re.IGNORECASE,
)
# "4 thoughts on "<title>"", "12 responses to "<title>"": a count of comments over the post's title.
_COUNT_HEADING = re.compile(r"^\W*\d+\s+(?:thoughts|responses|replies|comments|opinions)\s+(?:on|to)\b.*$", re.IGNORECASE)


@attrs.frozen(kw_only=True)
class CommentThread(LineFilter):
    """Removes a reader-comment thread below the story (``layout.comment-thread``), to the end.

    - By its signatures: at least ``min_comments`` signature lines after an article paragraph
      ("Posted by: <name> at <time>", "Posted by <name> on <date> at <time>", "Comment by <name>
      - <date>", "<name> says: <date> at <time>", "<name>, <place> | <date> <time>"), with comment
      text between them (a story's stamps one under another are not a thread), at least
      ``min_commenters`` different names, and different names on at least ``min_name_share`` of
      them unless there are ``crowd`` names or more (a live blog signs its entries with the same
      few reporters' names). A signature without the words that say it is a comment's ("<name> |
      <date> <time>", "Posted by <name> on <date> at <time>") needs more: a comment heading right
      above, ``min_controls`` comment controls in the thread ("Reply", "Report abuse", "12 up, 3
      down", "#12"), or ``dated_commenters`` different names signing with a date. At most
      ``max_tail_paragraphs`` article paragraphs may follow the last signature: a story that
      quotes two forum posts and goes on is not a thread. The thread starts at a comment heading
      just above its first signature, else at the signature (the first comment's text above it
      stays: we cannot tell where it starts).
    - Or from a comment section's heading ("Comments (12)", "Reader views", "Comments are now
      closed for this story") when what follows is comments signed by name lines: at least
      ``min_signed`` short lines with no closing punctuation ("Frank, Toronto"), at least
      ``min_signed_share`` of the lines below the heading, different names on at least
      ``min_name_share`` of them; or when a comment signature follows the heading at once."""

    name: ClassVar[str] = "comment_thread"
    provides: ClassVar[frozenset[str]] = frozenset({COMMENTS_OUT})

    min_comments: int = 2
    min_commenters: int = 2
    min_name_share: float = 0.6
    crowd: int = 5
    min_controls: int = 2
    dated_commenters: int = 3
    max_tail_paragraphs: int = 2
    max_comment_lines: int = 6
    heading_reach: int = 3
    min_signed: int = 3
    min_signed_share: float = 0.25

    def removals(self, lines: list[str], article: Article) -> list[Removal]:
        thread = self._comment_thread(lines)
        if thread is None:
            thread = self._signed_thread(lines)
        if thread is None:
            return []
        return [
            Removal(stage=self.name, category=Category.RELATED, rule="layout.comment-thread", text=lines[i], line=i)
            for i in range(thread, len(lines))
        ]

    def _comment_thread(self, lines: list[str]) -> int | None:
        """Where a thread found by its signatures starts (it runs to the end), or None."""
        first_paragraph = next((i for i, line in enumerate(lines) if _is_article_paragraph(line)), None)
        if first_paragraph is None:
            return None
        signatures: dict[int, _Signature] = {}
        for i in range(first_paragraph + 1, len(lines)):
            sig = _signature(lines[i], lines[i + 1] if i + 1 < len(lines) else "")
            if sig is not None and sig.name:
                signatures[i] = sig
        if len(signatures) < self.min_comments:
            return None
        found = sorted(signatures)
        # The story's own stamp ("Posted by <author> at <date> <time>") above comments signed
        # "Posted by: <name>" is not the thread's.
        if not signatures[found[0]].explicit and sum(signatures[i].explicit for i in found[1:]) * 2 >= len(found) - 1:
            found = found[1:]
            if len(found) < self.min_comments:
                return None
        first, last = found[0], found[-1]
        controls = sum(1 for i in range(first, len(lines)) if i not in signatures and _CONTROL_LINE.match(lines[i]))
        # Comment text between the signatures: a story's stamps one under another are not a thread
        # (a page whose comment texts were lost keeps its "Posted by:" lines in a row).
        explicit = sum(1 for i in found if signatures[i].explicit)
        bodies = sum(
            1 for i in range(first + 1, last) if i not in signatures and word_count(lines[i]) and not _CONTROL_LINE.match(lines[i])
        )
        if bodies < len(found) - 1 and explicit < len(found):
            return None
        names = [signatures[i].name for i in found]
        distinct = len(set(names))
        if distinct < self.min_commenters or (distinct < self.min_name_share * len(names) and distinct < self.crowd):
            return None
        # What follows the last signature is its comment, the comment form and the page's footer:
        # a story that quotes two forum posts and goes on has more paragraphs there.
        gaps = sorted(b - a - 1 for a, b in zip(found, found[1:]))
        if gaps[len(gaps) // 2] > self.max_comment_lines:
            return None  # a roundup's excerpts under their bylines are longer than comments
        longest = gaps[-1]
        tail = sum(1 for line in lines[last + 1 :] if _is_article_paragraph(line))
        if tail > longest + self.max_tail_paragraphs:
            return None
        heading = self._heading_above(lines, first, first_paragraph)
        dated = len({signatures[i].name for i in found if signatures[i].dated and signatures[i].worded})
        if not (
            explicit >= self.min_comments or heading is not None or controls >= self.min_controls or dated >= self.dated_commenters
        ):
            return None
        return heading if heading is not None else first

    def _heading_above(self, lines: list[str], first: int, first_paragraph: int) -> int | None:
        """The comment heading within ``heading_reach`` lines above the first signature, if any."""
        for i in range(first - 1, max(first_paragraph, first - 1 - self.heading_reach), -1):
            line = lines[i]
            if _COMMENT_HEADING.match(line) or _COUNT_HEADING.match(line) or (_NEAR_HEADING.match(line) and word_count(line) <= 8):
                return i
        return None

    def _signed_thread(self, lines: list[str]) -> int | None:
        """Where a comment section headed as such starts, or None (see the class docstring)."""
        for i, line in enumerate(lines):
            if not _COMMENT_HEADING.match(line) or not any(_is_article_paragraph(a) for a in lines[:i]):
                continue
            below = lines[i + 1 :]
            if any(_signature(b) is not None for b in below[:2]):
                return i  # the heading, then a comment's signature
            names = [comparison_key(b) for b in below if _looks_like_signature(b)]
            if (
                len(names) >= self.min_signed
                and len(names) >= self.min_signed_share * len(below)
                and len(set(names)) >= self.min_name_share * len(names)
            ):
                return i
        return None
