"""Normalise: repair mojibake with ftfy, NFC, one kind of space, one blank line between paragraphs."""

from __future__ import annotations

import re
import unicodedata
from typing import ClassVar

import attrs
import ftfy

from newsclean.model import Article
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

# Invisible characters with no meaning in running text. ZWJ/ZWNJ are kept: scripts such as
# Persian and Devanagari need them.
_INVISIBLE = re.compile("[\u200b\u2060\ufeff\u00ad\u180e]")
_ODD_SPACE = re.compile("[\t\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000]")
_SPACES = re.compile(" {2,}")
_LINE_SEPARATORS = re.compile("[\u2028\u2029\x0b\x0c\x85]")
_BLANK_LINES = re.compile(r"\n\s*\n")


@attrs.frozen(kw_only=True)
class Normalize:
    """Text repair and layout. Every non-empty line becomes a paragraph, except that a hard
    wrap (a line that stops mid-sentence and a next line that starts in lower case) is joined.
    The ftfy steps that changed the text are appended to the article's trace."""

    name: ClassVar[str] = "normalize"

    def __call__(self, article: Article) -> Article:
        text, explanation = ftfy.fix_and_explain(article.text, config=FTFY_CONFIG)
        text = unicodedata.normalize("NFC", text)
        text = _LINE_SEPARATORS.sub("\n", text)
        text = _INVISIBLE.sub("", text)
        text = _ODD_SPACE.sub(" ", text)
        paragraphs: list[str] = []
        for block in _BLANK_LINES.split(text):
            paragraphs.extend(_block_paragraphs(block))
        fixes = tuple(f"ftfy:{step.action}:{step.parameter}" for step in explanation or ())
        return attrs.evolve(
            article,
            text=join_paragraphs(paragraphs),
            title=_one_line(article.title),
            source=_one_line(article.source),
            authors=tuple(a for a in (_one_line(a) for a in article.authors) if a),
            trace=article.trace + (self.name,) + fixes,
        )


def _block_paragraphs(block: str) -> list[str]:
    lines = [_SPACES.sub(" ", line).strip() for line in block.split("\n")]
    out: list[str] = []
    for line in lines:
        if not line:
            continue
        if out and not ends_sentence(out[-1]) and line[0].islower():
            out[-1] = f"{out[-1]} {line}"
        else:
            out.append(line)
    return out


def _one_line(value: str | None) -> str | None:
    if value is None:
        return None
    value = ftfy.fix_text(value, config=_FTFY_QUIET)
    value = _SPACES.sub(" ", _ODD_SPACE.sub(" ", _INVISIBLE.sub("", value))).strip()
    return value or None
