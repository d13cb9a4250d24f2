"""Reading rule-pack patterns: the structure the rule loader's two checks need.

Before any line is searched the loader asks two questions of each rule pattern: can a repeated
part split one stretch of text in many ways (catastrophic backtracking: the rule is refused,
:func:`overlapping_repeat`), and which strings must every match contain (the keyword prefilter,
:func:`required_keywords`). Both need the pattern's structure, and Python keeps its own regex
parser private, so this module reads patterns itself. It knows this subset of Python's syntax:

- literal characters, ``.``, ``^``, ``$`` and alternation ``|``;
- escapes ``\\d \\D \\w \\W \\s \\S``, ``\\b \\B \\A \\Z``, ``\\a \\f \\n \\r \\t \\v``, ``\\xhh``,
  ``\\uhhhh``, ``\\Uhhhhhhhh``, a backslash before any character that is not a letter or a digit,
  and group references ``\\1`` to ``\\9``;
- classes ``[...]`` and ``[^...]`` with ranges and the escapes above (``\\b`` is a backspace there);
- groups ``(...)``, ``(?:...)``, ``(?P<name>...)``, references ``(?P=name)``, lookarounds
  ``(?=...)``, ``(?!...)``, ``(?<=...)``, ``(?<!...)``, atomic groups ``(?>...)``, comments
  ``(?#...)``, flags ``(?aiLmsu)`` at the start and scoped flags ``(?i-s:...)``;
- quantifiers ``*``, ``+``, ``?``, ``{m}``, ``{m,}``, ``{,n}``, ``{m,n}``, greedy, lazy (``?``) or
  possessive (``+``); a ``{`` that starts no quantifier is a literal, as in ``re``.

Anything else (verbose mode, conditional groups ``(?(1)...)``, ``\\N{...}``, octal escapes, ...)
makes :func:`parse` return None, and both checks then answer the cautious way: no keywords (the
rule is tried on every line) and no backtracking verdict (the ``regex`` timeout every rule search
runs under still guards it). Patterns reach here after ``re`` compiled them, so they are valid.

The tree is shaped as Python's own parser shapes it, so that both checks judge as they did when
they read that parser's tree: a non-capturing group without flags is spliced into its sequence;
the leading items all branches of an alternation share are moved in front of it (``a|aa`` reads
``a(?:|a)``); an alternation of single characters is one class.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from typing import Union

import attrs

# --- the tree --------------------------------------------------------------------------------------

# The characters a one-character part is judged on: ASCII, Latin, Cyrillic, CJK, Arabic digits,
# spaces and punctuation; enough to tell the classes rules use apart.
PROBES = "".join(chr(c) for c in range(0x20, 0x7F)) + "\t\n\r\u00a0éÉßüÜяЯіІ中١—–«»’“”…"

# A class member: ("lit", code point), ("range", low, high) or ("cat", one of "dDsSwW").
Member = tuple


@attrs.frozen(eq=False)
class Chars:
    """One character: a literal, ``.``, or a class (``[...]``, ``\\d``, an alternation of single
    characters). ``key`` says what it is the way ``re`` compares parts; ``probes`` are the
    characters of :data:`PROBES` it matches."""

    key: tuple
    probes: frozenset[str]

    @property
    def literal(self) -> str | None:
        return chr(self.key[1]) if self.key[0] == "lit" else None


@attrs.frozen(eq=False)
class At:
    """A zero-width anchor: ``^``, ``$``, ``\\A``, ``\\Z``, ``\\b`` or ``\\B``."""

    kind: str


@attrs.frozen(eq=False)
class Look:
    """A lookahead or lookbehind: zero width."""

    body: tuple[Node, ...]


@attrs.frozen(eq=False)
class Group:
    """A capturing group, a group with scoped flags, or an atomic group."""

    body: tuple[Node, ...]
    atomic: bool = False


@attrs.frozen(eq=False)
class Branch:
    """An alternation (after the shared leading items were moved out of it)."""

    branches: tuple[tuple[Node, ...], ...]


@attrs.frozen(eq=False)
class Repeat:
    """A quantified part; ``high`` is None when unbounded; ``mode`` is greedy, lazy or possessive."""

    low: int
    high: int | None
    body: tuple[Node, ...]
    mode: str = "greedy"


@attrs.frozen(eq=False)
class Backref:
    """A reference to a group (``\\1``, ``(?P=name)``); ``group`` is its number."""

    group: int
    min_width: int


Node = Union[Chars, At, Look, Group, Branch, Repeat, Backref]


def same(a: Node, b: Node) -> bool:
    """Whether ``re`` would take two parts for the same (only characters, anchors and group
    references ever are): the test that moves shared leading items out of an alternation."""
    if isinstance(a, Chars) and isinstance(b, Chars):
        return a.key == b.key
    if isinstance(a, At) and isinstance(b, At):
        return a.kind == b.kind
    if isinstance(a, Backref) and isinstance(b, Backref):
        return a.group == b.group
    return False


def min_width(items: Sequence[Node]) -> int:
    """The fewest characters a match of ``items`` can take."""
    total = 0
    for item in items:
        if isinstance(item, Chars):
            total += 1
        elif isinstance(item, Group):
            total += min_width(item.body)
        elif isinstance(item, Branch):
            total += min(min_width(b) for b in item.branches)
        elif isinstance(item, Repeat):
            total += item.low * min_width(item.body)
        elif isinstance(item, Backref):
            total += item.min_width
    return total


# --- the reader ------------------------------------------------------------------------------------


class Unsupported(Exception):
    """The pattern uses syntax outside the subset this module reads."""


_CATEGORIES = "dDsSwW"
_ANCHORS = {"A": "\\A", "Z": "\\Z", "b": "\\b", "B": "\\B"}
_CONTROLS = {"a": "\a", "f": "\f", "n": "\n", "r": "\r", "t": "\t", "v": "\v"}
_HEX_DIGITS = {"x": 2, "u": 4, "U": 8}
_FLAG_LETTERS = "aiLmsux"


@functools.lru_cache(maxsize=4096)  # packs are loaded again by each pipeline a process builds
def parse(source: str, flags: int = 0) -> tuple[Node, ...] | None:
    """The tree of ``source`` (a pattern ``re`` compiles) as a sequence of parts, or None when it
    uses syntax outside the subset in the module docstring."""
    if flags & re.VERBOSE:
        return None
    try:
        return _Reader(source, ignore_case=bool(flags & re.IGNORECASE)).pattern()
    except (Unsupported, IndexError, ValueError):
        return None


class _Reader:
    def __init__(self, source: str, *, ignore_case: bool):
        self.source = source
        self.at = 0
        self.ignore_case = ignore_case
        self.groups: list[int] = []  # each capturing group's minimum width, once closed (-1: open)
        self.names: dict[str, int] = {}

    def pattern(self) -> tuple[Node, ...]:
        while self.source.startswith("(?", self.at) and self._global_flags():
            pass
        items = self.alternation(self.ignore_case)
        if self.at != len(self.source):
            raise Unsupported(f"unread text at {self.at}")
        return items

    def _global_flags(self) -> bool:
        """Read ``(?aiLmsu)`` at the start; False when the group there is something else."""
        end = self.at + 2
        while end < len(self.source) and self.source[end] in _FLAG_LETTERS:
            end += 1
        if end == self.at + 2 or end >= len(self.source) or self.source[end] != ")":
            return False
        letters = self.source[self.at + 2 : end]
        if "x" in letters:
            raise Unsupported("verbose mode")
        self.ignore_case = self.ignore_case or "i" in letters
        self.at = end + 1
        return True

    def peek(self) -> str | None:
        return self.source[self.at] if self.at < len(self.source) else None

    def take(self) -> str:
        ch = self.source[self.at]
        self.at += 1
        return ch

    def accept(self, text: str) -> bool:
        if self.source.startswith(text, self.at):
            self.at += len(text)
            return True
        return False

    # alternations and sequences

    def alternation(self, ignore_case: bool) -> tuple[Node, ...]:
        branches = [self.sequence(ignore_case)]
        while self.accept("|"):
            branches.append(self.sequence(ignore_case))
        if len(branches) == 1:
            return tuple(branches[0])
        shared: list[Node] = []
        while all(branches) and all(same(b[0], branches[0][0]) for b in branches[1:]):
            shared.append(branches[0][0])
            branches = [b[1:] for b in branches]
        members = self._single_characters(branches)
        if members is not None:
            return (*shared, _chars(("in", False, members), ignore_case))
        return (*shared, Branch(tuple(tuple(b) for b in branches)))

    @staticmethod
    def _single_characters(branches: list[list[Node]]) -> tuple[Member, ...] | None:
        """The members of one class when every branch is one literal or non-negated class."""
        members: list[Member] = []
        for branch in branches:
            if len(branch) != 1 or not isinstance(branch[0], Chars):
                return None
            key = branch[0].key
            if key[0] == "lit":
                members.append(key)
            elif key[0] == "in" and not key[1]:
                members.extend(key[2])
            else:
                return None
        return tuple(dict.fromkeys(members))

    def sequence(self, ignore_case: bool) -> list[Node]:
        # Each part with whether it is a non-capturing group without flags (spliced in at the end,
        # unless a quantifier takes it: then its body is what repeats).
        parts: list[tuple[Node, bool]] = []
        while (ch := self.peek()) is not None and ch not in "|)":
            quantifier = self.quantifier() if ch in "*+?{" else None
            if quantifier is not None:
                if not parts or isinstance(parts[-1][0], (At, Repeat)):
                    raise Unsupported("nothing to repeat")
                low, high, mode = quantifier
                item, plain = parts.pop()
                body = item.body if plain and isinstance(item, Group) else (item,)
                parts.append((Repeat(low, high, body, mode), False))
            elif ch in "*+?{":  # a '{' that starts no quantifier
                self.take()
                parts.append((_chars(("lit", ord(ch)), ignore_case), False))
            else:
                atom, plain = self.atom(ignore_case)
                if atom is not None:
                    parts.append((atom, plain))
        flat: list[Node] = []
        for item, plain in parts:
            flat.extend(item.body if plain and isinstance(item, Group) else (item,))
        return flat

    def quantifier(self) -> tuple[int, int | None, str] | None:
        """A quantifier at the cursor (with its mode), or None for a ``{`` that is a literal."""
        start = self.at
        ch = self.take()
        if ch == "?":
            low, high = 0, 1
        elif ch == "*":
            low, high = 0, None
        elif ch == "+":
            low, high = 1, None
        else:
            found = re.compile(r"(\d*)(?:(,)(\d*))?\}").match(self.source, self.at)
            if self.peek() == "}" or found is None:
                self.at = start
                return None
            self.at = found.end()
            lo, comma, hi = found.groups()
            low = int(lo) if lo else 0
            high = (int(hi) if hi else None) if comma else low
        mode = "lazy" if self.accept("?") else "possessive" if self.accept("+") else "greedy"
        return low, high, mode

    def atom(self, ignore_case: bool) -> tuple[Node | None, bool]:
        """The next part and whether it is a plain non-capturing group (None for a comment)."""
        ch = self.take()
        if ch == "(":
            return self.group(ignore_case)
        if ch == "[":
            return self.char_class(ignore_case), False
        if ch == "\\":
            return self.escape(ignore_case), False
        if ch == ".":
            return _chars(("any",), ignore_case), False
        if ch in "^$":
            return At(ch), False
        return _chars(("lit", ord(ch)), ignore_case), False

    def group(self, ignore_case: bool) -> tuple[Node | None, bool]:
        if not self.accept("?"):
            return self._capturing(None, ignore_case), False
        if self.accept("P<"):
            end = self.source.index(">", self.at)
            name = self.source[self.at : end]
            self.at = end + 1
            return self._capturing(name, ignore_case), False
        if self.accept("P="):
            end = self.source.index(")", self.at)
            name = self.source[self.at : end]
            self.at = end + 1
            return self._reference(self.names[name]), False
        if self.accept("#"):
            self.at = self.source.index(")", self.at) + 1
            return None, False
        if self.accept(":"):
            return Group(self._closed(ignore_case)), True
        if self.accept(">"):
            return Group(self._closed(ignore_case), atomic=True), False
        for opener in ("=", "!", "<=", "<!"):
            if self.accept(opener):
                return Look(self._closed(ignore_case)), False
        found = re.compile(r"([aiLmsu]*)(?:-([imsx]+))?:").match(self.source, self.at)
        if found is None:
            raise Unsupported(f"group at {self.at - 2}")
        self.at = found.end()
        added, removed = found.group(1), found.group(2) or ""
        if "x" in added:
            raise Unsupported("verbose mode")
        scoped = (ignore_case or "i" in added) and "i" not in removed
        return Group(self._closed(scoped)), False

    def _closed(self, ignore_case: bool) -> tuple[Node, ...]:
        body = self.alternation(ignore_case)
        if not self.accept(")"):
            raise Unsupported("unclosed group")
        return body

    def _capturing(self, name: str | None, ignore_case: bool) -> Group:
        self.groups.append(-1)
        number = len(self.groups)
        if name is not None:
            self.names[name] = number
        body = self._closed(ignore_case)
        self.groups[number - 1] = min_width(body)
        return Group(body)

    def _reference(self, number: int) -> Backref:
        width = self.groups[number - 1]
        if width < 0:
            raise Unsupported("a reference to an open group")
        return Backref(number, width)

    def escape(self, ignore_case: bool) -> Node:
        ch = self.take()
        if ch in _ANCHORS:
            return At(_ANCHORS[ch])
        if ch in _CATEGORIES:
            return _chars(("in", False, (("cat", ch),)), ignore_case)
        if ch in "123456789" and (self.peek() or "x") not in "0123456789":
            return self._reference(int(ch))
        return _chars(("lit", self._escaped_code(ch)), ignore_case)

    def _escaped_code(self, ch: str) -> int:
        """The code point an escape (past its backslash) stands for, outside or inside a class."""
        if ch in _CONTROLS:
            return ord(_CONTROLS[ch])
        if ch in _HEX_DIGITS:
            digits = self.source[self.at : self.at + _HEX_DIGITS[ch]]
            if len(digits) != _HEX_DIGITS[ch] or not all(d in "0123456789abcdefABCDEF" for d in digits):
                raise Unsupported("a short hexadecimal escape")
            self.at += len(digits)
            return int(digits, 16)
        if ch.isascii() and ch.isalnum():
            raise Unsupported(f"escape \\{ch}")
        return ord(ch)

    def char_class(self, ignore_case: bool) -> Chars:
        negate = self.accept("^")
        start = self.at
        members: list[Member] = []
        while True:
            ch = self.take()
            if ch == "]" and self.at - 1 != start:
                break
            first = self._class_member(ch)
            if self.accept("-"):
                if self.peek() == "]":
                    self.take()
                    members.extend((first, ("lit", ord("-"))))
                    break
                second = self._class_member(self.take())
                if first[0] != "lit" or second[0] != "lit":
                    raise Unsupported("a range of classes")
                members.append(("range", first[1], second[1]))
            else:
                members.append(first)
        unique = tuple(dict.fromkeys(members))
        if len(unique) == 1 and unique[0][0] == "lit":
            return _chars(("notlit", unique[0][1]) if negate else unique[0], ignore_case)
        return _chars(("in", negate, unique), ignore_case)

    def _class_member(self, ch: str) -> Member:
        if ch != "\\":
            return ("lit", ord(ch))
        ch = self.take()
        if ch in _CATEGORIES:
            return ("cat", ch)
        if ch == "b":
            return ("lit", 8)
        return ("lit", self._escaped_code(ch))


def _chars(key: tuple, ignore_case: bool) -> Chars:
    return Chars(key, _probes(key, ignore_case))


# Each probe character with its single-character cases (what ``re.IGNORECASE`` tries it as).
_CASES = {ch: frozenset(c for c in (ch, ch.lower(), ch.upper()) if len(c) == 1) for ch in PROBES}


@functools.lru_cache(maxsize=None)
def _probes(key: tuple, ignore_case: bool) -> frozenset[str]:
    """The probe characters the one-character part ``key`` matches (with ``ignore_case``: a
    probe or one of its cases)."""
    if key[0] == "lit":  # most parts: a quicker way to the same set
        target = chr(key[1])
        return frozenset(ch for ch in PROBES if (target in _CASES[ch] if ignore_case else ch == target))
    return frozenset(ch for ch in PROBES
                     if any(_matches_exactly(key, c) for c in (_CASES[ch] if ignore_case else (ch,))))


def _matches_exactly(key: tuple, ch: str) -> bool:
    kind = key[0]
    if kind == "any":
        return ch != "\n"
    if kind == "lit":
        return ord(ch) == key[1]
    if kind == "notlit":
        return ord(ch) != key[1]
    hit = any(_member_matches(member, ch) for member in key[2])
    return hit != key[1]


def _member_matches(member: Member, ch: str) -> bool:
    if member[0] == "lit":
        return ord(ch) == member[1]
    if member[0] == "range":
        return member[1] <= ord(ch) <= member[2]
    word = ch.isalnum() or ch == "_"
    return {
        "d": ch.isdigit(), "D": not ch.isdigit(), "s": ch.isspace(), "S": not ch.isspace(), "w": word, "W": not word,
    }[member[1]]


# --- backtracking shapes ---------------------------------------------------------------------------
# Python's engine backtracks: a repeated part that can match one stretch of text as one, two,
# three... repetitions (``(\w+)+``, ``(a|aa)+``) takes exponential time on a line that almost
# matches. That needs a part of varying length that can end with a character it can also start
# with. First and last characters are judged on the probe characters.


def overlapping_repeat(source: str, flags: int = 0) -> str | None:
    """What the first repeated part of the pattern whose repetitions can overlap is like, or
    None (also when :func:`parse` cannot read the pattern)."""
    items = parse(source, flags)
    return None if items is None else _find(items)


def _find(items: Sequence[Node]) -> str | None:
    for item in items:
        if isinstance(item, Repeat) and item.mode != "possessive" and (item.high is None or item.high > 1):
            body = item.body
            varying = _varying(body)
            if varying & _first(body) & _last(body) and not _separated(body, varying):
                sample = sorted(varying & _first(body) & _last(body))
                return f"a part that can start and end with {''.join(sample[:12])!r} and vary in length over it"
            shared = _ambiguous(body)
            if shared:
                return f"a part with two runs side by side that can both take {''.join(sorted(shared)[:12])!r}"
        for child in _children(item):
            found = _find(child)
            if found:
                return found
    return None


def _children(item: Node) -> list[tuple[Node, ...]]:
    if isinstance(item, (Repeat, Group, Look)):
        return [item.body]
    if isinstance(item, Branch):
        return list(item.branches)
    return []


def _ambiguous(items: Sequence[Node]) -> frozenset[str]:
    """The characters two parts of varying length in ``items`` (or a sequence nested in it) can
    both take where they meet, with only optional parts between them (``\\s*[,|]?\\s*``): a run
    of those splits between the two in many ways, and a repeat of the whole multiplies the ways,
    run by run. Empty when there are none."""
    for i, item in enumerate(items):
        ends = _varying([item]) & _last([item])
        for after in items[i + 1 :] if ends else ():
            shared = ends & _varying([after]) & _first([after])
            if shared:
                return shared
            if not _nullable(after):
                break
    for item in items:
        for child in _children(item):
            shared = _ambiguous(child)
            if shared:
                return shared
    return frozenset()


def _separated(items: Sequence[Node], varying: frozenset[str]) -> bool:
    """Whether every match of ``items`` holds a character the varying parts cannot take (``/``
    in ``( ?/ ?\\w+)+``): repetitions then split only at those, a few ways at most."""
    for item in items:
        if isinstance(item, Group) and not item.atomic and _separated(item.body, varying):
            return True
        if isinstance(item, Chars) and not item.probes & varying:
            return True
    return False


def _varying(items: Sequence[Node]) -> frozenset[str]:
    """The characters the parts of varying length in ``items`` can take: repeats of varying
    count, and alternations with an empty branch (``a|aa`` reads ``a(?:|a)``)."""
    found: set[str] = set()
    for item in items:
        if isinstance(item, Repeat):
            if item.low != item.high:
                found |= _first(item.body) | _last(item.body)
            found |= _varying(item.body)
        elif isinstance(item, Branch):
            empty = any(not branch for branch in item.branches)
            for branch in item.branches:
                if empty:
                    found |= _first(branch) | _last(branch)
                found |= _varying(branch)
        elif isinstance(item, Group):
            found |= _varying(item.body)
    return frozenset(found)


def _first(items: Sequence[Node]) -> frozenset[str]:
    return _edge(items, last=False)


def _last(items: Sequence[Node]) -> frozenset[str]:
    return _edge(items, last=True)


def _edge(items: Sequence[Node], *, last: bool) -> frozenset[str]:
    """The characters a match of ``items`` can start (or end) with."""
    found: set[str] = set()
    for item in reversed(items) if last else items:
        found |= _item_edge(item, last=last)
        if not _nullable(item):
            break
    return frozenset(found)


def _item_edge(item: Node, *, last: bool) -> frozenset[str]:
    if isinstance(item, Chars):
        return item.probes
    if isinstance(item, Repeat):
        return _edge(item.body, last=last) if item.high != 0 else frozenset()
    if isinstance(item, Group):
        return _edge(item.body, last=last)
    if isinstance(item, Branch):
        return frozenset().union(*(_edge(branch, last=last) for branch in item.branches))
    if isinstance(item, Backref):
        return frozenset(PROBES)
    return frozenset()  # anchors and lookarounds take no character


def _nullable(item: Node) -> bool:
    if isinstance(item, Repeat):
        return item.low == 0 or min_width(item.body) == 0
    if isinstance(item, Group):
        return min_width(item.body) == 0
    if isinstance(item, Branch):
        return any(min_width(branch) == 0 for branch in item.branches)
    return not isinstance(item, Chars)  # anchors, lookarounds and references can match nothing


# --- keyword prefilter -----------------------------------------------------------------------------

# Shorter keywords rule out too little to pay for the test.
MIN_KEYWORD = 3


def required_keywords(source: str, flags: int = 0) -> tuple[str, ...] | None:
    """Lower-case ASCII strings, at least ``MIN_KEYWORD`` long, one of which every match of the
    pattern contains; None when no such strings can be read off it, or when :func:`parse`
    cannot read it. Patterns anchored at the start get them too: a line without any of them is
    not searched at all (on the dev texts, a fifth of the searches)."""
    items = parse(source, flags)
    if not items:
        return None
    found = _needed(items)
    return tuple(sorted(found)) if found else None


def _needed(items: Sequence[Node]) -> set[str] | None:
    """Strings one of which every match of the sequence ``items`` contains: a run of literal
    ASCII characters, or what a group, an alternation (one per branch) or a repeat (at least
    once) inside it needs; the set whose shortest string is longest wins."""
    best: set[str] | None = None

    def consider(candidate: set[str] | None) -> None:
        nonlocal best
        if candidate and min(map(len, candidate)) >= MIN_KEYWORD:
            if best is None or min(map(len, candidate)) > min(map(len, best)):
                best = candidate

    run = ""
    for item in items:
        literal = item.literal if isinstance(item, Chars) else None
        if literal is not None and literal.isascii():
            run += literal.lower()
            continue
        consider({run} if run else None)
        run = ""
        if isinstance(item, Group) and not item.atomic:
            consider(_needed(item.body))
        elif isinstance(item, Branch):
            branches = [_needed(branch) for branch in item.branches]
            if all(branches):
                consider(set().union(*(b for b in branches if b)))
        elif isinstance(item, Repeat) and item.mode != "possessive" and item.low >= 1:
            consider(_needed(item.body))
        # Anything else (classes, anchors, lookarounds, optional parts) needs no string we can name.
    consider({run} if run else None)
    return best
