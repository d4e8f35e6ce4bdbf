"""The Korean analysers behind one interface (streams/enrich/tokenise.py): MeCab-ko's morphemes
placed at the right characters, Kiwi's names of several words merged, tags mapped to Kiwi's."""

from __future__ import annotations

import functools

import orjson
import pytest

from streams.enrich import resources, tokenise
from streams.enrich.tokenise import MecabAnalyser, Token

from .conftest import FIXTURES, default_enricher

pytest.importorskip("mecab_ko")  # the ko-mecab extra (installed by make test)


@functools.cache
def mecab() -> MecabAnalyser:
    analyser = resources.load_analyser("mecab")
    assert isinstance(analyser, MecabAnalyser)
    return analyser


def test_mecab_offsets_hold_on_any_white_space() -> None:
    text = " [파이낸셜뉴스]\t오픈AI가\n\n 새로운\u3000프로그램을\xa0출범시켰다.  \r\n끝 "
    tokens = mecab().tokenize(text)
    whole = [t for t in tokens if t.tag not in ("VA", "ETM", "XSV", "EP", "EF")]
    assert whole and all(text[t.start:t.start + t.len] == t.form for t in whole)
    assert [t.form for t in tokens if t.tag == "SL"] == ["AI"]
    # 새로운 (VA+ETM in MeCab): its morphemes, as Kiwi splits it, inside the word
    word = text.index("새로운")
    parts = [t for t in tokens if word <= t.start < word + 3]
    assert [(t.form, t.tag) for t in parts] == [("새롭", "VA"), ("ᆫ", "ETM")]
    assert all(t.len >= 1 and t.start + t.len <= word + 3 for t in parts)


def test_mecab_separator_characters_in_the_text_are_blanked() -> None:
    text = "서울\x1f부산\x1e대구"
    assert [(t.form, t.start) for t in mecab().tokenize(text)] == [
        ("서울", 0), ("부산", 3), ("대구", 6)]


def test_multiword_names_are_merged_like_kiwi() -> None:
    text = "‘샘 올트먼’ 대표는 서울에서 샘 올트먼은 말했다."
    names = [(t.form, t.start) for t in mecab().tokenize(text) if t.tag == "NNP"]
    assert ("샘 올트먼", 1) in names and ("샘 올트먼", text.index("샘 올트먼은")) in names
    # the particle stays a morpheme of its own, and no fragment of the name is left
    forms = [t.form for t in mecab().tokenize(text)]
    assert "은" in forms and "샘" not in forms and "올트먼" not in forms


def test_merge_needs_morpheme_boundaries() -> None:
    tokens = [Token("가나", "NNG", 0, 2), Token("다라", "NNG", 3, 2), Token("마", "JX", 5, 1)]
    multiword = {"가나 다": ("가나 다라마바", "가나 다라")}
    merged = tokenise._merge_names("가나 다라마", tokens, multiword)
    assert merged == [Token("가나 다라", "NNP", 0, 5), Token("마", "JX", 5, 1)]
    assert tokenise._merge_names("가나다 다라마", tokens, multiword) == tokens  # not a word start


def test_mecab_tags_mapped_and_proper_noun_classes_kept() -> None:
    tokens = mecab().tokenize("이재명 대통령이 서울에서 3개, 5명을 만났다.")
    tags = {t.form: t for t in tokens}
    assert tags["이재명"].type == "person" and tags["서울"].type == "location"
    assert tags[","].tag == "SP" and not {t.tag for t in tokens} & {"SC", "SY", "NNBC"}


def test_both_analysers_read_the_seed_article() -> None:
    """Kiwi and MeCab-ko agree on most noun morphemes of a real article (a sanity check of
    the offsets: a shift would leave almost none in common)."""
    text = orjson.loads((FIXTURES / "seed_openai_ko.json").read_bytes())["text"]
    nouns = [{(t.start, t.form) for t in analyser.tokenize(text) if t.tag in ("NNG", "NNP")}
             for analyser in (mecab(), default_enricher().analyser)]
    assert len(nouns[0] & nouns[1]) >= 0.6 * min(map(len, nouns))


def test_enricher_with_mecab_finds_the_seed_names() -> None:
    """NEWSSTREAM_KO_ANALYSER=mecab: MeCab-ko's morphemes and the CRF trained on them."""
    from .test_generic import article

    enricher = default_enricher().with_analyser("mecab")
    assert enricher.crf is not None and enricher.crf.path.endswith("model-mecab.crfsuite")
    result = enricher.enrich(article("오픈AI, 서울서 발표", "샘 올트먼 오픈AI 대표는 서울에서 "
                                     "이재명 대통령을 만났다고 밝혔다."))
    ids = {entity.id for entity in result.entities}
    assert {"org:openai", "loc:seoul"} <= ids
    assert any(e.name == "이재명" and e.type == "person" for e in result.entities)


def test_unknown_analyser_is_a_clear_error() -> None:
    with pytest.raises(ValueError, match="unknown Korean analyser 'sudachi'"):
        resources.load_analyser("sudachi")
