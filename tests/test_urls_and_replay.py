from __future__ import annotations

import base64
import gzip
from pathlib import Path
from urllib.parse import urlencode

import orjson
import pytest
from hypothesis import given
from hypothesis import strategies as st

from streams.ingest.replay import page_files, path_records, raw_record
from streams.records import article_id
from streams.schemas import validation_errors
from streams.topics import RAW_HTML
from streams.urls import normalize_url


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("HTTPS://News.Example.com:443/a?utm_source=x&id=2#top", "https://news.example.com/a?id=2"),
        ("http://example.com", "http://example.com/"),
        ("http://example.com:8080/x?b=2&a=1&fbclid=z", "http://example.com:8080/x?a=1&b=2"),
    ],
)
def test_normalize_url(url: str, expected: str) -> None:
    assert normalize_url(url) == expected


def test_article_id_is_stable_and_distinct() -> None:
    a = article_id("https://example.com/a?utm_medium=rss")
    assert a == article_id("https://example.com/a")
    assert a != article_id("https://example.com/b")
    assert len(a) == 32


def test_replay_walks_folders_and_reads_gzip(tmp_path: Path) -> None:
    (tmp_path / "sub").mkdir()
    (tmp_path / "a.html").write_text("<p>a</p>")
    (tmp_path / "sub" / "b.html.gz").write_bytes(gzip.compress("<p>나</p>".encode()))
    (tmp_path / "notes.md").write_text("skip me")
    files = list(page_files([tmp_path]))
    assert [f.name for f in files] == ["a.html", "b.html.gz"]
    key, value = raw_record(files[1])
    record = orjson.loads(value)
    assert validation_errors(RAW_HTML, record) == []
    assert base64.b64decode(record["content_b64"]).decode() == "<p>나</p>"
    assert key.decode() == article_id(record["url"])


def test_replay_names_missing_paths(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match="nope"):
        list(page_files([tmp_path / "nope"]))


def test_replay_refuses_a_page_too_large_for_one_record(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    small, huge = tmp_path / "a.html", tmp_path / "b.html"
    small.write_text("<p>fine</p>")
    huge.write_bytes(b"<p>" + b"x" * 6_500_000 + b"</p>")  # 8.7 MB once base64
    records = list(path_records([tmp_path]))
    assert [orjson.loads(v)["url"] for _, v in records] == [small.resolve().as_uri()]
    assert f"skipped a page of {huge}" in capsys.readouterr().err


@given(st.sampled_from(["http", "HTTPS"]), st.sampled_from(["Example.com", "news.example.com:443"]),
       st.text(alphabet="abc/%-_.~가", max_size=12),
       st.lists(st.tuples(st.sampled_from(["a", "B", "utm_source", "id", "q"]),
                          st.text(alphabet="xy z&=+%가", max_size=5)), max_size=4),
       st.text(alphabet="ab", max_size=3))
def test_normalising_twice_changes_nothing(scheme: str, host: str, path: str,
                                           query: list[tuple[str, str]], fragment: str) -> None:
    """The article id normalises the URL it is given, so an already normalised URL (the parse
    stage's canonical URL) must come out the same, or one page would get two ids."""
    url = f"{scheme}://{host}/{path}?{urlencode(query)}#{fragment}"
    once = normalize_url(url)
    assert normalize_url(once) == once
    assert article_id(url) == article_id(once)
