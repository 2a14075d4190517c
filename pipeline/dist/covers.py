"""Turn a built EPUB into the release's cover image and its thumbnail, both PNG.

The cover is the ebook's own (`writers/cover.py` drew it into the EPUB), taken out of the
package so the catalogs show exactly what the reader sees; the thumbnail is that image scaled
down. Pillow writes no timestamp into a PNG, so the same EPUB gives the same bytes.
"""

from __future__ import annotations

import io
import zipfile

from PIL import Image

from pipeline.errors import PipelineError

# OPDS readers show thumbnails in lists: 200 px wide keeps the cover's 2:3 at 200 × 300.
THUMBNAIL_WIDTH = 200
COVER_NAME = "EPUB/cover.png"


def epub_cover(epub: bytes, name: str = "the EPUB") -> bytes:
    """The cover image stored in an EPUB built by this pipeline."""
    with zipfile.ZipFile(io.BytesIO(epub)) as package:
        try:
            return package.read(COVER_NAME)
        except KeyError:
            raise PipelineError(f"has no cover image ({COVER_NAME})", name) from None


def thumbnail(png: bytes, width: int = THUMBNAIL_WIDTH) -> bytes:
    """The image scaled to `width` pixels, proportions kept."""
    with Image.open(io.BytesIO(png)) as image:
        height = round(image.height * width / image.width)
        small = image.convert("RGB").resize((width, height), Image.Resampling.LANCZOS)
    out = io.BytesIO()
    small.save(out, format="PNG")
    return out.getvalue()


def image_size(png: bytes) -> tuple[int, int]:
    with Image.open(io.BytesIO(png)) as image:
        return image.size
