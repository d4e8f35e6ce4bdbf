"""English rules of the sixth session, by error class (docs/enrichment.md, "English"): how the
statistical model's spans are cut and typed (separators, possessives, model numbers, acronyms used
as modifiers, capitalised common words), and the rule classes found on web copy (hyphenated
adjectives, laws and methods, university campuses, quoted titles, postal state codes, Georgia).
The sentences are invented for these tests; they run with the product's default English model
unless a unit of :mod:`streams.enrich.english` is tested directly."""

from __future__ import annotations

from streams.enrich import english
from streams.enrich.mention import Mention

from .conftest import base_lexicon, default_enricher, enrich, ner_spans
from .test_generic import article


def spans(sentence: str) -> dict[str, str]:
    return {sentence[s.start:s.end]: s.type for s in ner_spans(sentence)}


def entities(*paragraphs: str, title: str = "Update") -> dict[str, tuple[str, str]]:
    found = enrich(article(title, *paragraphs, language="en")).entities
    return {e.name: (e.type, e.id) for e in found}


def model(text: str, surface: str, etype: str) -> Mention | None:
    start = text.index(surface)
    return english._model_mention(text, start, start + len(surface), etype, base_lexicon())


def test_model_spans_are_cut_at_heading_separators_and_possessives() -> None:
    text = "Surfshark Speed - Good for streaming | Model | The Brindle Index"
    parts = [text[s:e] for s, e in english._and_parts(text, 0, len(text))]
    assert parts == ["Surfshark Speed", "Good for streaming", "Model", "The Brindle Index"]
    text = "In Tastewise’s Functional Nutrition report"
    start = text.index("Tastewise")
    parts = [text[s:e] for s, e in english._and_parts(text, start, text.index(" report"))]
    assert parts == ["Tastewise", "Functional Nutrition"]
    assert model("Read it - The end", "The", "organization") is None


def test_a_model_number_makes_a_product() -> None:
    text = ("The Corvel Volt 276 and the Snapdragon 8 Elite beat the Brisk HX9 in Interstate 16 "
            "tests.")
    assert model(text, "Corvel Volt 276", "organization").type == "product"
    assert model(text, "Snapdragon 8 Elite", "person").type == "product"
    assert model(text, "Brisk HX9", "location").type == "product"
    assert model(text, "Interstate 16", "location").type == "location"
    assert model("Summit 2025 opened.", "Summit 2025", "event").type == "event"


def test_an_acronym_used_as_a_modifier_is_a_common_noun() -> None:
    assert model("Our HR teams approve PTO requests.", "HR", "organization") is None
    assert model("Our HR teams approve PTO requests.", "PTO", "organization") is None
    kept = model("The LSC said grants rose.", "LSC", "organization")
    assert kept is not None and kept.type == "organization"
    spelt = "The Harbor Transit Board (HTB) runs ferries. HTB ferries leave hourly."
    at = spelt.rindex("HTB")  # a modifier, but the text spells it out: a body's acronym
    kept = english._model_mention(spelt, at, at + 3, "organization", base_lexicon())
    assert kept is not None and kept.surface == "HTB"


def test_capitalised_common_words_of_the_text_are_not_names() -> None:
    given = default_enricher().given_names
    text = "If you run easy on Mondays, the waterfall of tasks stays calm and deep (rerun)."
    assert english._common_words(Mention(0, 8, "Run Easy", "person", "model", 0.6), text, {}, given)
    assert english._common_words(Mention(0, 9, "Waterfall", "organization", "model", 0.6), text,
                                 {}, given)
    assert not english._common_words(Mention(0, 5, "Rerun", "organization", "model", 0.6),
                                     "A film called Rerun opened.", {}, given)
    assert not english._common_words(Mention(0, 12, "Dana Kowalik", "person", "model", 0.6),
                                      text, {}, given)
    assert not english._common_words(Mention(0, 9, "Deep Rock", "organization", "model", 0.6),
                                      text, {}, given)


def test_hyphenated_adjectives_are_not_names() -> None:
    found = spans("Teams in Oslo now ship AI-driven tools and GitHub-hosted runners.")
    assert found.get("Oslo") == "location"
    assert not {"AI-driven", "GitHub-hosted"} & set(found)


def test_laws_methods_and_indices_are_other_names() -> None:
    found = spans("Lawmakers in Ohio debated the Clean Harbors Act and the Ferber Method.")
    assert found.get("Clean Harbors Act") == "other"
    assert found.get("Ferber Method") == "other"


def test_a_university_with_its_campus_is_one_organisation() -> None:
    found = spans("She studied at the University of California, Los Angeles, before moving.")
    assert found == {"University of California, Los Angeles": "organization"}


def test_a_quoted_title_case_phrase_is_a_title() -> None:
    found = spans('Open the "Keyboard Specs at a Glance" section in Denver.')
    assert found == {"Denver": "location"}


def test_postal_state_codes_after_a_town_link_to_the_state() -> None:
    found = entities("Send entries to 12 Elm Road, Austin, TX 78701 by Friday.")
    assert found.get("Texas") == ("location", "loc:texas")
    assert "TX" not in entities("The TX power of the radio is 20 dBm.")


def test_georgia_is_the_us_state_unless_the_country_is_in_view() -> None:
    state = entities("Workers at a battery plant in Georgia were detained by U.S. agents.")
    assert state["Georgia"][1].startswith("unk:")
    country = entities("Protests filled Tbilisi as Georgia's parliament met.")
    assert country["Georgia"][1] == "loc:GE"


def test_new_gazetteer_rows_link_their_names() -> None:
    found = entities("Tax filers used TurboTax and reported to the IRS from Cincinnati, while "
                     "Labour MPs met in London.")
    assert found["TurboTax"][1] == "prd:turbotax"
    assert found["Internal Revenue Service"][1] == "org:irs"
    assert found["Cincinnati"][1] == "loc:cincinnati"
    assert found["Labour Party"][1] == "org:uk-labour-party"


def test_a_model_of_a_known_product_line_keeps_the_line_s_id() -> None:
    found = enrich(article("Phones", "The iPhone 16 Pro Max and the iPhone Air sold out, and "
                           "Windows 11 shipped with Bluetooth 5.3 support.",
                           language="en")).entities
    forms = {form: e.id for e in found for form in e.surface_forms}
    assert forms.get("iPhone 16 Pro Max") == "prd:iphone"
    assert forms.get("iPhone Air") == "prd:iphone"
    assert forms.get("Windows 11") == "prd:windows"
    assert forms.get("Bluetooth") == "prd:bluetooth"  # a version number is not a model
