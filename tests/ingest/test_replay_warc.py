"""WARC replay: response records become raw-html events with URL, status, headers, charset."""

from __future__ import annotations

import base64
from io import BytesIO
from pathlib import Path

import orjson
from warcio.statusandheaders import StatusAndHeaders  # type: ignore[import-untyped]
from warcio.warcwriter import WARCWriter  # type: ignore[import-untyped]

from streams.ingest.replay import page_files, path_records
from streams.schemas import validation_errors
from streams.topics import RAW_HTML


def test_warc_response_records_are_replayed(tmp_path: Path) -> None:
    html = "<html><body><p>한국어 본문</p></body></html>".encode("euc-kr")
    path = tmp_path / "crawl" / "pages.warc.gz"
    path.parent.mkdir()
    with path.open("wb") as out:
        writer = WARCWriter(out, gzip=True)
        headers = StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=EUC-KR"),
                                              ("ETag", '"x1"')], protocol="HTTP/1.1")
        writer.write_record(writer.create_warc_record(
            "https://news.example/a?utm_source=x", "response", payload=BytesIO(html),
            http_headers=headers))
        writer.write_record(writer.create_warc_record(
            "https://news.example/meta", "metadata", payload=BytesIO(b"k: v")))
    assert list(page_files([tmp_path])) == [path]
    [(key, value)] = list(path_records([tmp_path]))
    assert len(key) == 32
    record = orjson.loads(value)
    assert validation_errors(RAW_HTML, record) == []
    assert record["url"] == "https://news.example/a?utm_source=x"
    assert (record["status"], record["charset"], record["headers"]["etag"]) == (
        200, "euc-kr", '"x1"')
    assert base64.b64decode(record["content_b64"]) == html
