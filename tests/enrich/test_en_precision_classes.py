"""English precision by error class (tests/enrich/pages/FINDINGS.md §9-§11): dates, nationalities,
page furniture, roles before names, names joined by ``and``, accented letters, all-caps subheads
and datelines, homographs, known prefixes of longer names, and untyped capitalised words. The
sentences are invented for these tests; they run with the product's default English model."""

from __future__ import annotations

from .conftest import enrich, ner_spans
from .test_generic import article


def spans(sentence: str) -> dict[str, str]:
    return {sentence[s.start:s.end]: s.type for s in ner_spans(sentence)}


def entities(*paragraphs: str, title: str = "Update") -> dict[str, tuple[str, str]]:
    found = enrich(article(title, *paragraphs, language="en")).entities
    return {e.name: (e.type, e.id) for e in found}


def test_date_abbreviations_and_time_zones_are_not_names() -> None:
    found = spans("Shipments rose in Sept and again on Tue, the Lisbon office said at 10:00 GMT "
                  "Friday.")
    assert "Lisbon" in found
    assert not {"Sept", "Tue", "GMT Friday", "GMT"} & set(found)
    assert spans("The webinar starts at 3 p.m. Eastern Time on Wednesday.") == {}
    assert spans("Deliveries fell to 41 jets in Aug from 58 in Jul.") == {}


def test_nationalities_and_party_adjectives_are_not_names() -> None:
    found = spans("Japanese and South Korean buyers lined up, while Egyptian officials and a "
                  "Republican senator from Ohio watched.")
    assert found == {"Ohio": "location"}
    assert spans("Canadian and Italian regulators met Brazilians in Geneva.") == {
        "Geneva": "location"}


def test_page_furniture_and_units_are_not_names() -> None:
    assert spans("Water boils at 100 degrees Celsius.") == {}
    assert "Media Contact" not in spans("Media Contact: Jane Roe, Halvorsen Robotics")
    found = spans("About Corvane Systems: Corvane Systems builds sensors for ports.")
    assert not any(name.startswith("About") for name in found)


def test_roles_before_a_name_are_not_part_of_it() -> None:
    found = spans("House Appropriations Chair Tom Cole met Transport Minister Kang Min-jae on "
                  "Monday.")
    assert found.get("Tom Cole") == "person"
    assert found.get("Kang Min-jae") == "person"
    assert not any("Chair" in name or "Minister" in name for name in found)
    found = spans("Senate Minority Whip Dick Durbin objected.")
    assert found.get("Dick Durbin") == "person"


def test_and_between_names_makes_two_names() -> None:
    assert spans("Heat is expected in Lyon and Grenoble.") == {
        "Lyon": "location", "Grenoble": "location"}
    assert spans("The film stars Park Seo-jun and Han Ji-min.") == {
        "Park Seo-jun": "person", "Han Ji-min": "person"}


def test_accented_letters_stay_inside_names() -> None:
    found = spans("The storm hit Saint-Étienne overnight, Météo-France said.")
    assert "Météo-France" in found
    assert "France" not in found  # not the country inside the agency's name
    found = spans("Talks on Korea-Japan ties and U.S.-China trade resumed.")
    assert {"Korea", "Japan", "China"} <= set(found)  # hyphens between known names still split


def test_all_caps_subheads_name_nothing() -> None:
    text = "Prices rose.\nWHO PAYS FOR THE NEW PORT?\nThe council has not said."
    assert spans(text) == {}


def test_datelines_without_an_agency_give_places() -> None:
    found = spans("PORTLAND, Ore. — Rain closed the bridge on Monday.")
    assert found.get("PORTLAND") == "location"
    found = spans("FRESNO, Calif.--(BUSINESS WIRE)--Corvane Systems Inc. reported sales.")
    assert found.get("FRESNO") == "location"


def test_a_place_that_is_a_persons_surname_is_the_person() -> None:
    found = entities("Tara Georgia, a local teacher, spoke first. Georgia said the school "
                     "was closing.")
    assert found["Tara Georgia"][0] == "person"
    assert not any(eid == "loc:GE" for _, eid in found.values())
    found = entities("Phoenix coach Jordan Ott praised the defense.")
    assert not any(eid == "loc:JO" for _, eid in found.values())


def test_georgia_with_us_context_is_not_the_country() -> None:
    found = entities("MACON, Ga. — Officials in Georgia said roads were shut.")
    assert found["Georgia"] == ("location", found["Georgia"][1])
    assert found["Georgia"][1] != "loc:GE"
    found = entities("Georgia and Armenia signed a transit deal in Tbilisi.")
    assert found["Georgia"][1] == "loc:GE"


def test_a_known_name_opening_a_longer_name_is_not_that_name() -> None:
    found = spans("Funds including Kakao Ventures and Naver D2 backed the startup.")
    assert found.get("Kakao Ventures") == "organization"
    assert "Kakao" not in found
    found = entities("Fans of the Denver Broncos cheered.")
    assert "Denver" not in found  # the team, not the city
    found = spans("Nvidia CEO Jensen Huang spoke.")  # a title after the name: still Nvidia
    assert found.get("Nvidia") == "organization"


def test_untyped_capitalised_words_are_not_emitted() -> None:
    # what the model leaves untyped is a weak mention: kept only if typed elsewhere
    found = entities("The Harbor Lights festival drew visitors. Yes, it was cold.")
    assert not {"Yes", "Harbor Lights"} & set(found)
