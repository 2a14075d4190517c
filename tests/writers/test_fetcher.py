"""The URL fetcher serves files inside styles/ and refuses everything else, whatever the path."""

from __future__ import annotations

import io
from pathlib import Path

import pypdf
import pytest
import weasyprint

from pipeline.context import STYLES_DIR
from pipeline.writers.fetcher import RefusedURL, StylesFetcher


def test_serves_a_file_inside_styles() -> None:
    fetcher = StylesFetcher()
    response = fetcher.fetch((STYLES_DIR / "print.css").as_uri())
    assert response.read() == (STYLES_DIR / "print.css").read_bytes()
    assert response.content_type == "text/css"


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "http://example.invalid/style.css",
        "https://example.invalid/font.otf",
        "data:text/css,body{}",
        STYLES_DIR.as_uri() + "/../pipeline/context.py",
        STYLES_DIR.as_uri() + "/fonts/../../pyproject.toml",
        STYLES_DIR.as_uri() + "/no-such-file.css",
        STYLES_DIR.as_uri() + "/fonts",  # a folder, not a file
        "file://otherhost" + str(STYLES_DIR / "print.css"),
    ],
)
def test_refuses_everything_else(url: str) -> None:
    fetcher = StylesFetcher()
    with pytest.raises(RefusedURL):
        fetcher.fetch(url)
    assert fetcher.refused == [url]


def test_refuses_a_symlink_that_leads_out(tmp_path: Path) -> None:
    root = tmp_path / "styles"
    root.mkdir()
    (root / "ok.css").write_text("p {}")
    (root / "escape.css").symlink_to("/etc/passwd")
    fetcher = StylesFetcher(roots=(root,))
    assert fetcher.fetch((root / "ok.css").as_uri()).read() == b"p {}"
    with pytest.raises(RefusedURL):
        fetcher.fetch((root / "escape.css").as_uri())


@pytest.mark.allow_warnings  # WeasyPrint logs each refused resource: that is the point
def test_weasyprint_with_the_fetcher_attaches_and_fetches_nothing() -> None:
    # Raw markup here on purpose: this tests the fetcher, not the escaping in the templates.
    html = (
        '<html><head><link rel="attachment" href="file:///etc/passwd">'
        '<link rel="stylesheet" href="http://example.invalid/x.css"></head>'
        '<body><p>x<img src="file:///etc/hostname"></p></body></html>'
    )
    fetcher = StylesFetcher()
    pdf = weasyprint.HTML(string=html, url_fetcher=fetcher).write_pdf()
    root = pypdf.PdfReader(io.BytesIO(pdf)).trailer["/Root"]
    assert "/EmbeddedFiles" not in root.get("/Names", {})
    assert b"root:" not in pdf
    assert set(fetcher.refused) == set(fetcher.requested)
    assert "file:///etc/passwd" in fetcher.refused
