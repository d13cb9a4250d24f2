"""Languages without a rule pack are not cleaned in silence: the article's trace and the run's
stats say so."""

from __future__ import annotations

import json

import newsclean
from newsclean.cli import main
from newsclean.model import Article, Drop
from newsclean.stats import RunStats

DUTCH = (
    "De nieuwe veerboot tussen de twee eilanden is dinsdag in dienst genomen en moet de reistijd voor "
    "forenzen flink verkorten.\n\nVolgens de gemeente werd het schip gebouwd op een werf aan de kust en "
    "biedt het plaats aan tweehonderd passagiers en twintig auto's."
)
NORWEGIAN = (
    "Den nye ferjen mellom de to øyene ble satt i drift på tirsdag, og den skal gjøre reisetiden for "
    "pendlerne mye kortere.\n\nIfølge kommunen ble skipet bygget ved et verft på kysten, og det har plass "
    "til to hundre passasjerer og tjue biler."
)
GERMAN = (
    "Die neue Fähre zwischen den beiden Inseln hat am Dienstag ihren Betrieb aufgenommen und soll die "
    "Fahrzeit für Pendler deutlich verkürzen.\n\nNach Angaben der Gemeinde wurde das Schiff in einer Werft "
    "an der Küste gebaut und bietet Platz für zweihundert Fahrgäste sowie zwanzig Autos."
)


def test_an_article_in_a_language_without_a_pack_says_so_in_its_trace():
    article = newsclean.clean(text=DUTCH)
    assert article.language == "nl"
    assert "boilerplate:no-rule-pack:nl" in article.trace
    assert not any(t.startswith("boilerplate:no-rule-pack") for t in newsclean.clean(text=GERMAN).trace)


def test_a_pipeline_without_the_languages_pack_says_so_too():
    pipeline = newsclean.default_pipeline(dedup=False, rule_languages=["en"])
    article = newsclean.clean(text=GERMAN, pipeline=pipeline)
    assert "boilerplate:no-rule-pack:de" in article.trace


def test_run_stats_count_kept_articles_without_a_rule_pack_by_language():
    stats = RunStats()
    for text in (DUTCH, DUTCH + "\n\nDe eerste overtocht was volgeboekt.", NORWEGIAN, GERMAN):
        stats.add(newsclean.clean(text=text))
    stats.add(Article(id="x", language="nl", drop=Drop(stage="min_length", reason="too_short")))
    assert stats.to_dict()["kept_without_rule_pack"] == {"nl": 2, "no": 1}
    summary = stats.summary()
    assert "warning: kept in a language with no rule pack (common and English rules only): 3" in summary
    assert "  nl: 2" in summary


def test_the_stats_file_of_a_run_counts_them(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    for name, text in {"dutch": DUTCH, "norwegian": NORWEGIAN, "german": GERMAN}.items():
        (folder / f"{name}.txt").write_text(text, encoding="utf-8")
    out = tmp_path / "out.jsonl"
    assert main(["clean", str(folder), "-o", str(out), "--quiet"]) == 0
    stats = json.loads((tmp_path / "out.stats.json").read_text(encoding="utf-8"))
    assert stats["kept_without_rule_pack"] == {"nl": 1, "no": 1}
    assert stats["documents_out"] == 3
