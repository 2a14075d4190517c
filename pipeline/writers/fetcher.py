"""Turn a URL that WeasyPrint asks for into a file from the project's styles, or a refusal.

WeasyPrint fetches whatever a document points at: remote stylesheets and fonts over http(s), and
`<link rel="attachment" href="file:///etc/passwd">` embeds that file in the PDF. Restricting
protocols to `file:` does not stop attachments (NOTES.md, "Security"). So every fetch goes through
`StylesFetcher`, which serves a `file:` URL only when the resolved path (after `..` and symlinks)
lies inside the allowed folders, and refuses everything else.

WeasyPrint 70.0 reads private attributes of its fetcher (`_fail_on_errors`), so a plain function
does not work as `url_fetcher`: this must be a `weasyprint.urls.URLFetcher` subclass.
"""

from __future__ import annotations

import mimetypes
from pathlib import Path
from urllib.parse import unquote, urlsplit

from weasyprint.urls import URLFetcher, URLFetcherResponse

from pipeline.context import STYLES_DIR

# WeasyPrint decides how to parse a resource partly from its MIME type; fonts must not be
# mistaken for text.
_MIME_TYPES = {
    ".css": "text/css",
    ".otf": "font/otf",
    ".ttf": "font/ttf",
    ".woff": "font/woff",
    ".woff2": "font/woff2",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".svg": "image/svg+xml",
}


class RefusedURL(ValueError):
    """A URL outside the allowed folders; WeasyPrint logs it and goes on without the resource."""


class StylesFetcher(URLFetcher):
    """Serve `file:` URLs inside `roots` (default: the project's `styles/`), refuse the rest.

    `requested` records every URL WeasyPrint asked for, in order, and `refused` those it did not
    get, so a build or a test can see that nothing outside the styles was even attempted.
    """

    def __init__(self, roots: tuple[Path, ...] = (STYLES_DIR,)) -> None:
        super().__init__(allowed_protocols=("file",), allow_redirects=False)
        self.roots = tuple(root.resolve(strict=True) for root in roots)
        self.requested: list[str] = []
        self.refused: list[str] = []

    def fetch(self, url: str, headers: object = None) -> URLFetcherResponse:
        self.requested.append(url)
        path = self.allowed_path(url)
        if path is None:
            self.refused.append(url)
            raise RefusedURL(f"refused to fetch {url!r}: only files inside styles/ are served")
        mime_type = _MIME_TYPES.get(path.suffix.lower()) or mimetypes.guess_type(path.name)[0]
        headers_out = {"Content-Type": mime_type or "application/octet-stream"}
        return URLFetcherResponse(path.as_uri(), path.read_bytes(), headers_out)

    def allowed_path(self, url: str) -> Path | None:
        """The resolved file `url` names, if it is a regular file inside a root; else None."""
        parts = urlsplit(url)
        if parts.scheme.lower() != "file" or parts.netloc not in ("", "localhost"):
            return None
        try:
            # strict=True: a missing file or a dangling symlink is refused, not guessed at.
            path = Path(unquote(parts.path)).resolve(strict=True)
        except (OSError, RuntimeError):
            return None
        if not path.is_file():
            return None
        if not any(path.is_relative_to(root) for root in self.roots):
            return None
        return path
