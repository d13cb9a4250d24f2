"""Text helpers know the capitals of every script: sentences split in Polish, Greek, Cyrillic
and German as in English, and initials and abbreviations still hold a sentence together."""

import pytest

import newsclean
from newsclean.text import ends_sentence, looks_like_headline, sentences, starts_with_capital


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("To jest. Łódź jest duża. Ζωή είναι.", ["To jest.", "Łódź jest duża.", "Ζωή είναι."]),
        ("Sejm obradował. Świadkowie milczeli. Żaden poseł nie przyszedł.", ["Sejm obradował.", "Świadkowie milczeli.", "Żaden poseł nie przyszedł."]),
        ("Η βουλή ψήφισε. Ο νόμος ισχύει από αύριο.", ["Η βουλή ψήφισε.", "Ο νόμος ισχύει από αύριο."]),
        ("Мост открыли. Ёлку поставили на площади.", ["Мост открыли.", "Ёлку поставили на площади."]),
        ("Міст відкрили. Їдальня працює з понеділка.", ["Міст відкрили.", "Їдальня працює з понеділка."]),
        ("Der Rat tagte lange. Über den Haushalt wurde nicht abgestimmt.", ["Der Rat tagte lange.", "Über den Haushalt wurde nicht abgestimmt."]),
        ("Sie sagte: „Wir bleiben.“ Danach ging sie.", ["Sie sagte: „Wir bleiben.“", "Danach ging sie."]),
        ("He said: \"We stay.\" Then he left.", ["He said: \"We stay.\"", "Then he left."]),
    ],
)
def test_sentences_split_before_a_capital_of_any_script(text, expected):
    assert sentences(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        # initials and abbreviations before a capital the old ASCII-and-Cyrillic class did not know
        "Mieszkańcy ul. Łąkowej protestowali przed urzędem.",
        "Prezes A. Łukaszewski odmówił komentarza.",
        "Der Zug fuhr über St. Étienne nach Lyon.",
        "Dr. Ávila und Prof. Öztürk leiten die Studie.",
        "Ks. Żmuda odprawił mszę w kościele św. Łukasza.",
        # lower case after the stop: never a break
        "Wir fahren z. B. über die Brücke.",
        "Они живут на ул. ленина уже давно.",
    ],
)
def test_an_initial_or_abbreviation_does_not_end_a_sentence(text):
    assert sentences(text) == [text]


def test_starts_with_capital_in_any_script():
    assert all(starts_with_capital(w) for w in ["Łódź", "Ζωή", "Ёлка", "Їжак", "Über", "ǅemal", "  Anna"])
    assert not any(starts_with_capital(w) for w in ["łódź", "ζωή", "ёлка", "über", "1990", "«", ""])


def test_a_headline_may_start_with_any_capital():
    assert looks_like_headline("Łódź otwiera nowy dworzec", 3, 12)
    assert looks_like_headline("Ζωή στην πόλη μετά την πλημμύρα", 3, 12)
    assert not looks_like_headline("łódź otwiera nowy dworzec", 3, 12)


def test_a_german_closing_quote_ends_a_sentence():
    assert ends_sentence("Sie sagte: „Wir bleiben.“")
    assert ends_sentence("Er sagte: »Wir bleiben.«")
    assert not ends_sentence("Sie sagte: „Wir bleiben")


@pytest.mark.parametrize("name", ["Łukasz Żak", "Ζωή Παππά", "Émile Zola"])
def test_a_byline_name_may_start_with_any_capital(name):
    title = "Harbour bridge reopens after repairs"
    body = "The harbour bridge reopened on Monday after six weeks of repairs, the city said."
    article = newsclean.clean(text=f"{title}\n\nBy {name}\n\n{body}", title=title)
    assert article.authors == (name,)
    assert article.text == body
