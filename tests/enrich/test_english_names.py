"""English name rules added with the hand-annotated WCXB sentence set (bench/data/en-ner-wcxb):
head words before ``of``, given names, places inside longer names, clitics, sentence-initial
words, US states and world cities. The examples are invented."""

from __future__ import annotations

from .conftest import base_lexicon, enrich, ner_spans
from .test_generic import article


def spans(sentence: str) -> dict[str, str]:
    return {sentence[s.start:s.end]: s.type for s in ner_spans(sentence)}


def test_a_head_word_before_of_types_the_name() -> None:
    assert spans("She joined the University of California in May.") == {
        "University of California": "organization"}
    assert spans("Storms crossed the Gulf of Mexico overnight.") == {
        "Gulf of Mexico": "location"}


def test_a_known_place_inside_a_longer_headed_name_is_part_of_it() -> None:
    assert spans("Officials at the Texas Department of Transportation closed it.") == {
        "Texas Department of Transportation": "organization"}
    assert spans("Researchers at Queen Mary University of London found it.") == {
        "Queen Mary University of London": "organization"}


def test_a_common_given_name_first_makes_a_person() -> None:
    assert spans("A study by David Glanzman found the effect.") == {"David Glanzman": "person"}
    # ... and a known place right after a given name is a surname, not the place.
    assert spans("Michael Jordan visited Virginia last week.") == {
        "Michael Jordan": "person", "Virginia": "location"}


def test_sentence_initial_words_and_clitics_are_not_names() -> None:
    assert spans("Just check the fit before you buy. I’m sure it works, and I'd buy it.") == {}
    # "Is the" is not part of the name (which the default model leaves untyped, so unemitted)
    assert not any(name.startswith("Is") for name in spans("Is the Osprey Atmos easy to pack?"))


def test_common_noun_acronyms_are_not_names() -> None:
    assert spans("Pages need clean HTML, good SEO and a sharp DSLR photo.") == {}


def test_us_states_and_world_cities_have_ids_in_both_languages() -> None:
    english = enrich(article("Trip", "Prices rose in Bangkok and in Massachusetts, Conn. officials "
                             "said.", language="en"))
    korean = enrich(article("여행", "방콕과 매사추세츠에서 물가가 올랐다."))
    ids_en = {e.name_en: e.id for e in english.entities}
    ids_ko = {e.name_en: e.id for e in korean.entities}
    assert ids_en["Bangkok"] == ids_ko["Bangkok"] == "loc:bangkok"
    assert ids_en["Massachusetts"] == ids_ko["Massachusetts"] == "loc:massachusetts"
    assert ids_en["Connecticut"] == "loc:connecticut"  # from the AP abbreviation Conn.


def test_state_abbreviations_do_not_capture_acronyms_or_words() -> None:
    # Lookups drop punctuation, so an alias such as "N.C." would make every "NC" (NC소프트, NC
    # Dinos) North Carolina; only abbreviations that no word shares are listed.
    lexicon = base_lexicon()
    for word in ("NC", "SC", "SD", "PA", "MD", "KY", "VA", "Ark", "Ore", "Ill", "Tex", "Penn"):
        assert lexicon.lookup(word) is None, word
    assert (known := lexicon.lookup("Ariz.")) is not None and known.id == "loc:arizona"


def test_a_camel_case_word_is_a_company_but_not_a_mc_surname() -> None:
    found = spans("Shares of BlackRock and HarperCollins rose, analyst Amy McDonald wrote.")
    assert found["BlackRock"] == found["HarperCollins"] == "organization"
    assert found["Amy McDonald"] == "person"
    assert spans("The report cited McCarthy twice.").get("McCarthy") != "organization"


def test_english_keywords_name_an_entity_once_and_keep_headline_words() -> None:
    result = enrich(article(
        "Wildfire forces evacuations near Flagstaff",
        "A wildfire forced hundreds of residents to leave their homes north of Flagstaff on "
        "Wednesday. The wildfire had burned about 8 square miles near Flagstaff by evening. "
        "Officials expected the wildfire to spread quickly, and expected more evacuations.",
        language="en"))
    lowered = [keyword.casefold() for keyword in result.keywords]
    assert lowered.count("flagstaff") == 1 and "Flagstaff" in result.keywords
    assert "wildfire" in result.keywords  # "Wildfire" opening the headline is a word, not a name
    assert not {"near", "expected", "quickly"} & set(lowered)


def test_a_known_name_then_a_title_then_a_person() -> None:
    assert spans("NATO Secretary General Mark Rutte spoke in Brussels.") == {
        "NATO": "organization", "Mark Rutte": "person", "Brussels": "location"}
    # ... while a known name that merely starts a longer one leaves no fragment behind.
    assert "Tech" not in spans("Founded in 2014 by Georgia Tech students, the club grew.")


def test_a_possessive_place_is_not_part_of_the_next_name() -> None:
    assert spans("South Korea's Samsung Electronics posted record profits.") == {
        "South Korea": "location", "Samsung Electronics": "organization"}


def test_company_context_and_possessives() -> None:
    found = spans("Shares of Zentrix rose 5% after Zentrix's CEO spoke, and Kellogg's board met.")
    assert found == {"Zentrix": "organization", "Kellogg": "organization"}
    assert spans("Maria's shares were sold.") == {}  # a person's shares
    found = spans("A great book is Mark Williams and Danny Penman's Mindfulness, she said.")
    assert found["Mark Williams"] == found["Danny Penman"] == "person"


def test_event_head_words() -> None:
    assert spans("Hurricane Milton hit Florida, forcing millions to flee.") == {
        "Hurricane Milton": "event", "Florida": "location"}
    assert spans("Athletes arrived for the Paris Olympics on Friday.") == {
        "Paris Olympics": "event"}
    assert spans("Epic Games sued the studio.").get("Epic Games") != "event"


def test_names_joined_by_an_ampersand_are_one_firm() -> None:
    assert spans("Speakers from Bowers & Wilkins were on sale.") == {
        "Bowers & Wilkins": "organization"}
    assert spans("Shares of Marks & Spencer rose on Tuesday.") == {
        "Marks & Spencer": "organization"}


def test_a_dated_wire_dateline_gives_its_place() -> None:
    found = spans("HALIFAX, Nova Scotia, March 3 (Reuters) - Fishing boats stayed in port.")
    assert found["HALIFAX"] == "location" and found["Nova Scotia"] == "location"
    assert spans("PERTH, Jan 9 (Reuters) - Heat closed schools.")["PERTH"] == "location"
