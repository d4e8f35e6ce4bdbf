"""Body extraction on the layouts of the second development set (trafilatura's evaluation pages,
multilingual and German-heavy): each synthetic page lists what the body must hold and what it
must not, as that set's annotations do. Invented text, in the languages and markup patterns
where the extractor used to fail."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from streams.parse import parse_article
from tests.parse.pages import PROSE, page

_SIDEBAR = ("<aside><h3>Archiv</h3><ul>" + "".join(
    f"<li><a href='/archiv/{n}'>Beitrag Nummer {n} aus dem Archiv</a></li>" for n in range(12))
    + "</ul></aside>")
_GERMAN = (
    "<p>Der Stadtrat hat am Dienstag beschlossen, die alte Markthalle bis zum Herbst zu "
    "sanieren und danach wieder für die Händler der Region zu öffnen.</p>"
    "<p>Die Kosten von rund zwei Millionen Euro teilen sich die Stadt und das Land, wie die "
    "Bürgermeisterin nach der Sitzung mitteilte.</p>"
)


@dataclass(frozen=True)
class Case:
    name: str
    body: str
    must: tuple[str, ...]
    must_not: tuple[str, ...] = ()
    lang: str = "de"
    url: str = "https://zeitung.example.de/lokales/markthalle"


CASES = [
    Case(
        "page text only in <noscript> (a site wrapped whole for readers without JavaScript)",
        f"<div id='app'></div><noscript><div id='seite'><h1>Markthalle</h1>{_GERMAN}</div>"
        "</noscript>",
        ("Der Stadtrat hat am Dienstag", "wie die Bürgermeisterin"),
    ),
    Case(
        "a blog post rendered by script, its text in <noscript> beside a sidebar",
        f"<div class='post'><h1>Markthalle</h1><div class='post-body'><script>render()</script>"
        f"<noscript>{_GERMAN}</noscript></div></div>{_SIDEBAR}"
        "<div class='widget'><p>Über diesen Blog: Notizen aus der Stadt, seit vielen Jahren "
        "geschrieben von Menschen, die hier wohnen und arbeiten, mit Fotos und Terminen aus dem "
        "Viertel und allem, was sonst noch so passiert.</p></div>",
        ("Der Stadtrat hat am Dienstag", "wie die Bürgermeisterin"),
    ),
    Case(
        "a short 'requires JavaScript' <noscript> at the end stays out",
        f"<article><h1>Markthalle</h1>{_GERMAN}{_GERMAN.replace('Stadtrat', 'Kreistag')}"
        f"{_GERMAN.replace('Stadtrat', 'Beirat')}{_GERMAN.replace('Stadtrat', 'Landtag')}"
        "</article><noscript><p>Diese Seite braucht JavaScript, um richtig zu funktionieren. "
        "Bitte schalten Sie JavaScript ein oder lassen Sie Skripte für diese Seite zu, dann "
        "sehen Sie auch die Kommentare, die Empfehlungen und alles andere, was sonst noch "
        "angezeigt würde.</p></noscript>",
        ("Der Stadtrat hat am Dienstag",),
        ("braucht JavaScript",),
    ),
    Case(
        "the post's text inside a wrapper named for its share buttons",
        f"<div class='post'><h1>Markthalle</h1><div id='socialicons-sticky'>"
        f"<div class='entry-content'>{_GERMAN}{_GERMAN.replace('Stadtrat', 'Kreistag')}</div>"
        f"</div></div>{_SIDEBAR}<div class='comments-area'>"
        + "".join(f"<p>Leser {n}: Endlich! Die Halle stand viel zu lange leer, und die Händler "
                  "haben jahrelang auf eine Entscheidung gewartet. Hoffentlich bleibt es diesmal "
                  "beim Zeitplan, sonst wird es wieder teurer.</p>" for n in range(12))
        + "</div>",
        ("Der Stadtrat hat am Dienstag", "Der Kreistag hat am Dienstag"),
    ),
    Case(
        "related teasers whose excerpts are named like a post's text stay out",
        f"<article><h1>Markthalle</h1><div class='entry-content'>{_GERMAN}</div></article>"
        "<div class='related-posts'>" + "".join(
            f"<div class='related-post'><a href='/b/{n}'>Beitrag {n}</a><div class='post-content'>"
            f"<p>Kurz gesagt: die Nachricht Nummer {n} aus dem Viertel, in zwei Sätzen erzählt. "
            "Mehr dazu im Beitrag.</p></div></div>" for n in range(3)) + "</div>",
        ("Der Stadtrat hat am Dienstag",),
        ("Nachricht Nummer",),
    ),
    Case(
        "German date labels, share calls and 'more to read' headings are not the story",
        "<article><h1>Markthalle</h1><p>Aktualisiert: 11.04.2020, 10:27</p>"
        f"{_GERMAN}<p>Jetzt teilen!</p>{_GERMAN.replace('Stadtrat', 'Kreistag')}"
        "<p>Publiziert: 03.04.2020, 12:35</p><h3>Über den Autor</h3>"
        "<h3>Mehr zum Thema</h3><ul><li><a href='/a'>Neue Pläne für den Busbahnhof</a></li>"
        "<li><a href='/b'>Wochenmarkt zieht um</a></li></ul>"
        "<p>Die Kommentarfunktion ist geschlossen.</p></article>",
        ("Der Stadtrat hat am Dienstag", "Der Kreistag hat am Dienstag"),
        ("Aktualisiert:", "Publiziert:", "Jetzt teilen", "Über den Autor", "Mehr zum Thema",
         "Kommentarfunktion"),
    ),
    Case(
        "a Spanish 'related topics' tail ends the body",
        "<article><h1>El mercado</h1><p>El ayuntamiento decidió el martes renovar el antiguo "
        "mercado municipal antes del otoño y abrirlo de nuevo a los comerciantes de la región."
        "</p><p>Los costes, unos dos millones de euros, se reparten entre la ciudad y la región, "
        "según explicó la alcaldesa después de la sesión del pleno.</p><p>Las obras empezarán "
        "en mayo y durarán unos cinco meses, con el mercado cerrado durante ese tiempo.</p>"
        "<h4>Temas relacionados</h4><p><a href='/x'>Nuevo plan de tráfico</a> · "
        "<a href='/y'>La feria vuelve en junio</a></p></article>",
        ("El ayuntamiento decidió el martes", "con el mercado cerrado"),
        ("Temas relacionados", "Nuevo plan de tráfico"),
        lang="es",
        url="https://diario.example.es/ciudad/mercado",
    ),
    Case(
        "a numbered item that is not a date stays",
        "<article><h1>Markthalle</h1>"
        f"{_GERMAN}<h3>3. Bauabschnitt 2026</h3>{_GERMAN.replace('Stadtrat', 'Kreistag')}"
        "</article>",
        ("3. Bauabschnitt 2026",),
    ),
    Case(
        "Japanese with ruby readings: the kana over the kanji are not text",
        "<article><h1>新しい法律</h1><p><ruby>子<rt>こ</rt></ruby>どもを<ruby>守<rt>まも</rt>"
        "</ruby>るための<a href='#d1' class='dic'><ruby>法律<rt>ほうりつ</rt></ruby></a>が"
        "できて、<ruby>親<rt>おや</rt></ruby>が<ruby>子<rt>こ</rt></ruby>どもをたたくことを"
        "<ruby>禁止<rt>きんし</rt></ruby>することになりました。<ruby>専門家<rt>せんもんか</rt>"
        "</ruby>が<ruby>親<rt>おや</rt></ruby>に<ruby>子<rt>こ</rt></ruby>どもの<ruby>育<rt>そだ"
        "</rt></ruby>て<ruby>方<rt>かた</rt></ruby>を<ruby>教<rt>おし</rt></ruby>えます。</p>"
        "<p>この法律は来年の四月から始まります。国は、親が子どもをしかるときにどうすればいいか"
        "を説明する本を作って、全国の役所や学校に配ることにしています。</p></article>",
        ("子どもを守るための法律ができて、親が子どもをたたくことを禁止することになりました。",),
        ("ほうりつ", "きんし"),
        lang="ja",
        url="https://news.example.jp/easy/k100.html",
    ),
]


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.name)
def test_body_holds_what_it_must_and_not_what_it_must_not(case: Case) -> None:
    text = parse_article(page("<title>Markthalle</title>", case.body, lang=case.lang),
                         case.url).text
    for snippet in case.must:
        assert snippet in text, snippet
    for snippet in case.must_not:
        assert snippet not in text, snippet


def test_english_prose_still_reads_as_before() -> None:
    """The shared prose of the other body tests, as a control for the page builder."""
    text = parse_article(page("<title>Slow bread</title>", f"<article><h1>Slow bread</h1>{PROSE}"
                              "</article>", lang="en"), "https://bakery.example.org/bread").text
    assert "Slow fermentation" in text
