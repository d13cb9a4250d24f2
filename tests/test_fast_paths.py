"""The fast paths give the answers of the slow code they replace: langdetect's Detector for
language detection, ftfy for texts it would leave alone, a rule's regex search for lines its
keywords rule out, one tokenisation per line in doc_dedup."""

from __future__ import annotations

import re
from pathlib import Path

import ftfy
import pytest
from ftfy.badness import BADNESS_RE, is_bad
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from newsclean.model import Article
from newsclean.rulepack import RulePack, available_languages, keywords_of, lowered_for_keywords
from newsclean.stages import Language, Normalize
from newsclean.stages import language as lang
from newsclean.stages import normalize as norm
from newsclean.stages.normalize import FTFY_CONFIG, ftfy_would_change
from newsclean.rules.engine import RuleGroup, RulesByLength, first_hit
from newsclean.text import comparison_key, folded_words, sentences, word_ngrams, words

SAMPLES = [
    "The council met on Tuesday and agreed to open two new libraries in the spring.",
    "Der Stadtrat hat am Dienstag beschlossen, im Frühjahr zwei neue Bibliotheken zu eröffnen.",
    "Le conseil municipal a décidé mardi d'ouvrir deux nouvelles bibliothèques au printemps.",
    "El ayuntamiento decidió el martes abrir dos bibliotecas nuevas en primavera.",
    "Rada miasta zdecydowała we wtorek o otwarciu dwóch nowych bibliotek wiosną.",
    "Городской совет во вторник решил открыть весной две новые библиотеки.",
    "Міська рада у вівторок вирішила відкрити навесні дві нові бібліотеки.",
    "市议会星期二决定在春天开设两座新的图书馆。",
    "市議会は火曜日に、春に新しい図書館を二つ開くことを決めた。",
    "Consiliul local a decis marți să deschidă două biblioteci noi în primăvară, și așa mai departe.",
    "Hội đồng thành phố quyết định mở hai thư viện mới vào mùa xuân.",
    "Hội đồng thành phố quyết định mở hai thư vie\u0323\u0302n mới",  # combining marks, as langdetect normalises them
    "NATO and the USA said the EU SUMMIT was OK, see https://example.org/a?b=1 or mail desk@example.org",
    "Новости: the Reuters report said the talks went well, Москва, ответ был коротким.",
    "   two  spaces   and   more   ",
    "Ende.",
    "x",
    "",
    "12345 67890 !!!",
    "ĳzer ǆungla ạ ế ỹ ȘȚ șț",
]


@pytest.mark.parametrize("text", SAMPLES)
def test_detect_language_gives_langdetects_answer(text):
    for seed in (0, 1):
        assert lang.detect_language(text, seed=seed) == lang.langdetect_reference(text, seed=seed)


@pytest.mark.parametrize("text", SAMPLES)
def test_ngrams_and_probabilities_are_langdetects(text):
    detector = lang._factory().create()
    detector.seed, detector.n_trial = 0, 3
    detector.append(text)
    detector.cleaning_text()
    grams = detector._extract_ngrams()
    assert lang._ngrams(lang._prepared(text)) == grams
    if grams:
        detector.get_probabilities()
        assert lang._probabilities(grams, 0, 3) == detector.langprob  # to the bit


def test_detection_is_deterministic_and_does_not_depend_on_the_word_cache():
    text = SAMPLES[1]
    first = lang.detect_language(text)
    lang._word_ngrams.cache_clear()
    lang._row.cache_clear()
    assert {lang.detect_language(text) for _ in range(3)} == {first} == {"de"}


def test_profile_rows_are_langdetects_table():
    factory = lang._factory()
    assert lang._profiles().langlist == tuple(factory.langlist)
    assert set(lang._known_grams()) == set(factory.word_lang_prob_map)
    for gram, row in factory.word_lang_prob_map.items():
        assert list(lang._row.__wrapped__(gram)) == row, gram  # to the bit


def test_detection_does_not_build_langdetects_table():
    import subprocess
    import sys

    code = (
        "from newsclean.stages import language as lang\n"
        "assert lang.detect_language('Der Gemeinderat hat am Dienstag den neuen Fahrplan beschlossen.') == 'de'\n"
        "print(lang._factory.cache_info().currsize)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip() == "0"


def test_featureless_text_has_no_language():
    assert lang.detect_language("12345 67890 !!!") is None
    assert Language()(Article(id="t", text="")).language is None


_PIECES = (
    list("abcdeXYZ  .,'-\n") + list("äöüßéèçñłżő") + list("дрвнаЖ") + list("的是中")
    + ["\u0301", "\u0323", "ạ", "ș", "ﬁ", "http://a.b/c ", "a@b.cd ", "NATO ", "Ünïcode "]
)
_MIXED = st.lists(st.sampled_from(_PIECES), max_size=80).map("".join)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_MIXED)
def test_detect_language_matches_langdetect_on_any_text(text):
    assert lang.detect_language(text) == lang.langdetect_reference(text)


# --- ftfy only when it could change something --------------------------------------------------

@pytest.mark.parametrize("text", [
    "Plain ASCII text.\n\nTwo paragraphs.",
    "It’s “quoted” — and… fine",
    "Die Straße, das Müsli, l’été, Łódź, Москва, 北京",
    "AT&T and Q&A without entities",
])
def test_text_ftfy_leaves_alone_skips_it(text):
    assert not ftfy_would_change(text)
    assert ftfy.fix_and_explain(text, config=FTFY_CONFIG) == (text, [])


@pytest.mark.parametrize("text", [
    "Ukraineâ€™s border",  # mojibake
    "Fish &amp; chips",  # HTML entity
    "the ﬁrst",  # ligature
    "line\r\nbreak",
    "control\x00char",
    "caf\u0065\u0301",  # not NFC
    "\x1b[31mred\x1b[0m",
    "c1 \x85 control",
])
def test_text_ftfy_may_change_is_given_to_it(text):
    assert ftfy_would_change(text)


_MOJIBAKE_PRONE = st.text(
    alphabet=st.sampled_from(
        list("ab Z.,!?\n\t&;#") + list("ÂÃÎÐâ€™œžŠšŸ¢£©®°·»«–—´×²³ØÙàäêé√±∂†≠≤≥¥µø≈‚ÄìîïòôúùûπВГРСЂўβΆΒΓΞΟāﬁ\u0301\x85\xa0")
    ),
    max_size=40,
)


@settings(max_examples=300, deadline=None)
@given(_MOJIBAKE_PRONE)
def test_ftfy_shortcut_is_sound(text):
    assert norm._looks_like_mojibake(text) == is_bad(text)
    if not ftfy_would_change(text):
        assert ftfy.fix_and_explain(text, config=FTFY_CONFIG) == (text, [])


@pytest.mark.parametrize("text", [
    "long enough text œ1 and more",  # the match ends on an ASCII character after the run
    "at the end: the word Â there",  # a space before and after
    "Ã at the start",  # anchored at the start of the text
    "plain, with a curly ’ quote",
])
def test_mojibake_search_around_non_ascii_runs_is_ftfys(text):
    assert norm._looks_like_mojibake(text) == is_bad(text)


def test_mojibake_search_falls_back_to_ftfy_without_its_window(monkeypatch):
    assert norm._MOJIBAKE_WINDOW is not None  # the shortcut is on with the installed ftfy
    monkeypatch.setattr(norm, "_MOJIBAKE_WINDOW", None)
    assert norm._looks_like_mojibake("Ukraineâ€™s") and not norm._looks_like_mojibake("Ukraine’s")


def test_an_unchecked_mojibake_pattern_gets_no_window():
    # The window is our own record of ftfy's pattern, keyed on its digest: another pattern
    # (another ftfy) has none, so the whole text is searched.
    changed = re.compile(BADNESS_RE.pattern + "|x", BADNESS_RE.flags)
    assert norm.pattern_digest(changed) != norm.pattern_digest(BADNESS_RE)
    assert norm.pattern_digest(changed) not in norm._CHECKED_MOJIBAKE_PATTERNS
    assert norm.pattern_digest(re.compile(BADNESS_RE.pattern)) != norm.pattern_digest(BADNESS_RE)  # flags count


@settings(max_examples=300, deadline=None)
@given(_MOJIBAKE_PRONE)
def test_every_mojibake_match_fits_the_recorded_window(text):
    # The two facts the shortcut stands on, seen on the installed ftfy's matches.
    for match in BADNESS_RE.finditer(text):
        assert len(match.group()) <= norm._MOJIBAKE_WINDOW
        assert any(ord(c) > 0x7F for c in match.group())


_ENCODED_AS = ["cp1252", "latin-1", "mac_roman", "cp1251", "cp1253", "cp1257"]
_GENUINE = "Ukraine’s “café” — naïve Zürich 20 °C, § 5, Œuvre, Москва, Αθήνα, à la carte… ‘done’"


@pytest.mark.parametrize("codec", _ENCODED_AS)
def test_mojibake_of_each_codec_is_found_as_ftfy_finds_it(codec):
    garbled = _GENUINE.encode("utf-8").decode(codec, errors="replace")
    for text in (garbled, "Plain words before. " * 20 + garbled + " and plain words after." * 20):
        assert norm._looks_like_mojibake(text) == is_bad(text)
        for match in BADNESS_RE.finditer(text):
            assert len(match.group()) <= norm._MOJIBAKE_WINDOW


def test_normalize_reads_no_private_module():
    source = Path(norm.__file__).read_text(encoding="utf-8")
    assert "_parser" not in source and "sre_parse" not in source


@pytest.mark.parametrize("text", SAMPLES[:8] + ["Ukraineâ€™s  border\u00a0guards\u200b said  so.", "Fish &amp; chips"])
def test_normalize_output_is_the_same_with_ftfy_always_called(text, monkeypatch):
    article = Article(id="t", text=text, title="A &amp; B")
    fast = Normalize()(article)
    monkeypatch.setattr(norm, "ftfy_would_change", lambda _text: True)
    assert Normalize()(article) == fast


def test_word_ngrams():
    assert word_ngrams("A b. C d-e", 2) == [("a", "b"), ("b", "c"), ("c", "d-e")]
    assert word_ngrams("A b. C", 1) == [("a",), ("b",), ("c",)]
    assert word_ngrams("A b", 3) == []


# --- doc_dedup tokenises each line once ------------------------------------------------------

_PROSE = st.lists(
    st.sampled_from(["The", "cat", "U.S.", "it’s", "d-e", "“Quoted.”", "(Aside)", "Straße", "İstanbul", "ﬁne",
                     "3.5", "no.", "Yes!", "…", "'", "»Zitat«", " ", "  ", "\t", ".", "?", "A", "1"]),
    max_size=30,
).map(" ".join)


@settings(max_examples=300, deadline=None)
@given(_PROSE)
def test_a_lines_words_are_its_sentences_words(line):
    assert words(line) == [w for sentence in sentences(line) for w in words(sentence)]
    assert folded_words(line) == [w.casefold() for w in words(line)]
    assert comparison_key(line) == " ".join(w.casefold() for w in words(line))


# --- rule keyword prefilter ----------------------------------------------------------------

KEYWORD_RULES = [r for lang in ["_common", *available_languages()] for r in RulePack.load(lang).rules if r.keywords]


@pytest.mark.parametrize("pattern, keywords", [
    (r"\b(donate|patreon)\b", ("donate", "patreon")),
    (r"[Ff]ollow (us|me)", ("ollow ",)),
    (r"(foo|x)bars", ("bars",)),
    (r"(ab)?cdef", ("cdef",)),
    (r"(?:news){1,3}letter", ("letter",)),
    ("Hello", ("hello",)),
    (r"^advertisement", ("advertisement",)),  # anchored at the start: prefiltered too
    (r"^\W*(ad|ads)\b", None),
    (r"\w+ \d+", None),
    (r"(donate|ok)", None),  # a branch with too short a keyword
    (r"(?:photo)?graphy", ("graphy",)),
])
def test_keywords_of(pattern, keywords):
    assert keywords_of(re.compile(pattern, re.IGNORECASE)) == keywords


def test_odd_case_characters_are_all_that_ignorecase_matches_with_ascii():
    everything = "".join(chr(c) for c in range(0x80, 0x110000) if not 0xD800 <= c <= 0xDFFF)
    odd = set(re.findall("[a-z0-9 -/:-@\\[-`{-~]", everything, re.IGNORECASE))
    assert odd == set("\u0130\u0131\u017f\u212a")
    assert all(lowered_for_keywords(c) is None for c in odd)


def _odd_cased(text: str) -> str:
    return text.replace("s", "ſ").replace("i", "ı").replace("k", "\u212a").replace("I", "İ")


def _prefiltered(rule, line):
    """``rule.match(line)`` behind the keyword prefilter, as ``first_hit`` runs it."""
    return rule.match(line) if RuleGroup.of([rule]).candidates(lowered_for_keywords(line)) else None


def test_keyword_rules_keep_their_examples_even_odd_cased():
    assert len(KEYWORD_RULES) > 10
    for rule in KEYWORD_RULES:
        for example in rule.examples:
            assert _prefiltered(rule, example) is not None, (rule.id, example)
            odd = _odd_cased(example)
            fast, slow = _prefiltered(rule, odd), rule.match(odd)
            assert (fast and fast.span()) == (slow and slow.span()), (rule.id, odd)


_RULE_WORDS = sorted({w for rule in KEYWORD_RULES for text in rule.examples + rule.counterexamples for w in text.split()})
_LINES = st.lists(
    st.one_of(
        st.sampled_from(_RULE_WORDS),
        st.sampled_from(_RULE_WORDS).map(_odd_cased),
        st.sampled_from(["İ", "DONATE", "Newsletter", "©", "’"]),
    ),
    max_size=25,
).map(" ".join)


@settings(max_examples=300, deadline=None)
@given(_LINES)
def test_keyword_prefilter_never_changes_a_match(line):
    for rule in KEYWORD_RULES:
        fast, slow = _prefiltered(rule, line), rule.match(line)
        assert (fast and fast.span()) == (slow and slow.span()), rule.id


# --- rules indexed by line length and keyword ----------------------------------------------

ALL_RULES = [r for lang in ["_common", *available_languages()] for r in RulePack.load(lang).rules]
_EXAMPLE_LINES = [text for rule in ALL_RULES for text in rule.examples + rule.counterexamples]


def _plain_first_hit(rules, line):
    """The definition: the first rule, in order, whose match fires."""
    for rule in rules:
        found = rule.match(line)
        if found is not None:
            return rule.id, found.span()
    return None


def _indexed_first_hit(index, line):
    hit = first_hit(index, line)
    return hit and (hit.rule.id, hit.match.span())


@pytest.mark.parametrize("position", ["any", "head", "tail"])
def test_indexed_rules_pick_the_same_first_hit_on_every_example(position):
    rules = [r for r in ALL_RULES if r.position == position]
    index = RulesByLength.of(rules)
    fired = 0
    for line in _EXAMPLE_LINES + [_odd_cased(t) for t in _EXAMPLE_LINES]:
        expected = _plain_first_hit(rules, line)
        fired += expected is not None
        assert _indexed_first_hit(index, line) == expected, line
    assert fired > 0


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(_EXAMPLE_LINES + ["Word"] * 5), min_size=1, max_size=12).map(" ".join))
def test_indexed_rules_pick_the_same_first_hit_on_long_and_mixed_lines(line):
    # joined examples make lines of every length, so every max_words group gets used
    rules = [r for r in ALL_RULES if r.position == "any"]
    assert _indexed_first_hit(RulesByLength.of(rules), line) == _plain_first_hit(rules, line)
