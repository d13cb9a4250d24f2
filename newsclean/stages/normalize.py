"""Normalise: repair mojibake with ftfy, NFC, one kind of space, one blank line between paragraphs."""

from __future__ import annotations

import hashlib
import re
import unicodedata
from typing import ClassVar

import attrs
import ftfy
import regex
from ftfy import chardata, fixes
from ftfy.badness import BADNESS_RE, is_bad

from newsclean.model import Article
from newsclean.stages.base import NORMALIZED, DocumentStage
from newsclean.text import ends_sentence, join_paragraphs

# Explicit ftfy settings, so an ftfy upgrade cannot silently change our output.
FTFY_CONFIG = ftfy.TextFixerConfig(
    unescape_html="auto",
    remove_terminal_escapes=True,
    fix_encoding=True,
    restore_byte_a0=True,
    replace_lossy_sequences=True,
    decode_inconsistent_utf8=True,
    fix_c1_controls=True,
    fix_latin_ligatures=True,
    # Full-width forms are ordinary text in CJK news; leave them alone.
    fix_character_width=False,
    # Curly quotes are what the publisher wrote; corpora that want ASCII quotes can map later.
    uncurl_quotes=False,
    fix_line_breaks=True,
    fix_surrogates=True,
    remove_control_chars=True,
    normalization="NFC",
    explain=True,
)

_FTFY_QUIET = FTFY_CONFIG._replace(explain=False)

# Characters some ftfy step would replace or remove (with FTFY_CONFIG): C1 controls, ligatures,
# line breaks other than \n, surrogates, terminal escapes, control characters.
_FTFY_TARGETS = re.compile(
    "[\x80-\x9f\r\u2028\u2029\x1b\ud800-\udfff"
    + "".join(re.escape(chr(c)) for c in sorted({*chardata.LIGATURES, *chardata.CONTROL_CHARS}))
    + "]"
)
_NON_ASCII_RUN = re.compile("[^\x00-\x7f]+")


# What we checked, by reading ftfy's mojibake regex (``ftfy.badness.BADNESS_RE``), for the
# versions whose pattern has these digests: every alternative has a position only a non-ASCII
# character fills, and no match is longer than the window. So a match lies within the window of
# a non-ASCII run. ftfy 6.2.0-6.2.3 share one pattern, 6.3.0-6.3.1 another. A pattern not listed
# here (another ftfy) gets no shortcut: the whole text is searched, as ftfy does.
_CHECKED_MOJIBAKE_PATTERNS = {
    "377e694a2a842da7": 7,
    "df0a6f52fec4eb4e": 7,
}


def pattern_digest(pattern: re.Pattern[str]) -> str:
    """A short digest of a compiled pattern's flags and text."""
    key = f"{pattern.flags}:{pattern.pattern}".encode("utf-8", "surrogatepass")
    return hashlib.sha256(key).hexdigest()[:16]


_MOJIBAKE_WINDOW = _CHECKED_MOJIBAKE_PATTERNS.get(pattern_digest(BADNESS_RE))


def _looks_like_mojibake(text: str) -> bool:
    """``ftfy.badness.is_bad``, searching only around non-ASCII characters when every match
    must contain one (a long English text has a few curly quotes, and little else)."""
    if _MOJIBAKE_WINDOW is None:
        return is_bad(text)
    reach = _MOJIBAKE_WINDOW
    return any(
        BADNESS_RE.search(text, max(0, run.start() - reach), run.end() + reach)
        for run in _NON_ASCII_RUN.finditer(text)
    )


def ftfy_would_change(text: str) -> bool:
    """False only when ``ftfy.fix_and_explain(text, config=FTFY_CONFIG)`` gives ``text`` back
    with no steps: no HTML entity, no character a fixer replaces, already NFC, and no
    mojibake (what ftfy itself tests before it tries to re-decode)."""
    return (
        _FTFY_TARGETS.search(text) is not None
        or fixes.HTML_ENTITY_RE.search(text) is not None
        or not unicodedata.is_normalized("NFC", text)
        or _looks_like_mojibake(text)
    )


# Invisible characters with no meaning in running text. ZWJ/ZWNJ are kept: scripts such as
# Persian and Devanagari need them.
_INVISIBLE = re.compile("[\u200b\u2060\ufeff\u00ad\u180e]")
_ODD_SPACE = re.compile("[\t\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000]")
_SPACES = re.compile(" {2,}")
_LINE_SEPARATORS = re.compile("[\u2028\u2029\x0b\x0c\x85]")
_BLANK_LINES = re.compile(r"\n\s*\n")
# Unicode normalisation reorders a run of combining marks in time quadratic in its length (400
# KB of alternating marks: minutes). No script writes more than a few marks on one letter; the
# stream-safe limit of UAX #15 is 30. Longer runs are cut to 30 before any normalisation.
MAX_MARKS = 30
_MARK_RUN = regex.compile(r"(\p{M}{%d})\p{M}+" % MAX_MARKS)


@attrs.frozen(kw_only=True)
class Normalize(DocumentStage):
    """Text repair and layout. Every non-empty line becomes a paragraph, except that a hard
    wrap (a line that stops mid-sentence and a next line that starts in lower case) is joined.
    The ftfy steps that changed the text are added to the article's trace."""

    name: ClassVar[str] = "normalize"
    provides: ClassVar[frozenset[str]] = frozenset({NORMALIZED})

    def apply(self, article: Article) -> Article:
        text, explanation = article.text, None
        text, cut = _MARK_RUN.subn(r"\1", text)
        if ftfy_would_change(text):
            text, explanation = ftfy.fix_and_explain(text, config=FTFY_CONFIG)
        text = unicodedata.normalize("NFC", text)
        text = _LINE_SEPARATORS.sub("\n", text)
        text = _INVISIBLE.sub("", text)
        text = _ODD_SPACE.sub(" ", text)
        paragraphs: list[str] = []
        for block in _BLANK_LINES.split(text):
            paragraphs.extend(_block_paragraphs(block))
        fixes = tuple(f"ftfy:{step.action}:{step.parameter}" for step in explanation or ())
        if cut:
            fixes = (f"normalize:mark_runs_cut:{cut}",) + fixes
        return attrs.evolve(
            article,
            text=join_paragraphs(paragraphs),
            title=_one_line(article.title),
            source=_one_line(article.source),
            authors=tuple(a for a in (_one_line(a) for a in article.authors) if a),
            trace=article.trace + fixes,
        )


def _block_paragraphs(block: str) -> list[str]:
    lines = [_SPACES.sub(" ", line).strip() for line in block.split("\n")]
    # Each paragraph as its lines, joined once at the end: joining as lines come is quadratic
    # on a long hard-wrapped block.
    out: list[list[str]] = []
    for line in lines:
        if not line:
            continue
        if out and not ends_sentence(out[-1][-1]) and line[0].islower():
            out[-1].append(line)
        else:
            out.append([line])
    return [" ".join(parts) for parts in out]


def _one_line(value: str | None) -> str | None:
    if value is None:
        return None
    value = ftfy.fix_text(value, config=_FTFY_QUIET)
    value = _SPACES.sub(" ", _ODD_SPACE.sub(" ", _INVISIBLE.sub("", value))).strip()
    return value or None
