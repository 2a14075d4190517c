"""Turn a title and a date into the ebook's cover: a deterministic PNG and the words describing it.

The cover is type only (no pictures), set in the project's own Linux Libertine from
``styles/fonts/`` so the image never depends on the fonts a build host has installed. The same
title and date give the same bytes: Pillow writes no timestamps into a PNG, and nothing here
reads the clock or the environment.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

from pipeline.context import STYLES_DIR

COVER_FONT = STYLES_DIR / "fonts" / "LinLibertine_R.otf"

# 1600 × 2400 (2:3) is what the big retailers ask for and small enough (≈36 KB as a palette PNG).
WIDTH, HEIGHT = 1600, 2400
MARGIN = 180
PAPER = (
    246,
    241,
    231,
)  # a warm off-white; the image is a picture, so colour is ours to choose
INK = (32, 30, 28)
RULE = (120, 28, 28)

# Palette index = how much ink covers a pixel: 0 is paper, FULL_INK is ink, the steps between
# are the type's anti-aliased edges; the last index is the rules' red.
FULL_INK = 254
RULE_INDEX = 255


def _palette() -> list[int]:
    def blend(step: int) -> tuple[int, ...]:
        return tuple(round(p + (i - p) * step / FULL_INK) for p, i in zip(PAPER, INK, strict=True))

    return [value for step in range(FULL_INK + 1) for value in blend(step)] + list(RULE)


PALETTE = _palette()

TITLE_SIZES = (120, 104, 92, 80, 70, 60, 52)  # tried largest first until the title fits
MAX_TITLE_LINES = 7
DATE_SIZE = 72


@dataclass(frozen=True, slots=True)
class Cover:
    """A cover image and the alt text that says what a sighted reader sees on it."""

    png: bytes
    alt: str


def render_cover(title: str, date: str, font_path: Path = COVER_FONT) -> Cover:
    """Draw `title` (wrapped, centred) between two rules with `date` below it."""
    title = " ".join(title.split()) or "Untitled"
    date = " ".join(date.split())
    # Drawn as ink coverage on one channel, then stored as a palette image: a third of the
    # pixels an RGB image has, so it encodes in a third of the time (a tenth of a cold build's
    # ebook writing) and the file is smaller, with the same picture.
    image = Image.new("L", (WIDTH, HEIGHT), 0)
    draw = ImageDraw.Draw(image)

    font, lines = _fit_title(draw, title, font_path)
    line_height = round(font.size * 1.25)
    top = HEIGHT // 3 - (line_height * len(lines)) // 2
    draw.rectangle((MARGIN, top - 90, WIDTH - MARGIN, top - 84), fill=RULE_INDEX)
    y = top
    for line in lines:
        draw.text((WIDTH // 2, y), line, font=font, fill=FULL_INK, anchor="ma")
        y += line_height
    draw.rectangle((MARGIN, y + 50, WIDTH - MARGIN, y + 56), fill=RULE_INDEX)
    if date:
        date_font = ImageFont.truetype(str(font_path), DATE_SIZE)
        draw.text((WIDTH // 2, y + 140), date, font=date_font, fill=FULL_INK, anchor="ma")

    coloured = Image.frombytes("P", image.size, image.tobytes())
    coloured.putpalette(PALETTE)
    out = io.BytesIO()
    # No optimize flag and no metadata: the bytes depend on the pixels and zlib only.
    coloured.save(out, format="PNG")
    alt = (
        f"Cover: the title “{title}”"
        + (f" and the date {date}" if date else "")
        + " in dark serif type on a pale paper-coloured background, between two thin red rules."
    )
    return Cover(png=out.getvalue(), alt=alt)


def _fit_title(
    draw: ImageDraw.ImageDraw, title: str, font_path: Path
) -> tuple[ImageFont.FreeTypeFont, list[str]]:
    width = WIDTH - 2 * MARGIN
    for size in TITLE_SIZES:
        font = ImageFont.truetype(str(font_path), size)
        lines = _wrap(draw, title, font, width)
        if len(lines) <= MAX_TITLE_LINES and all(
            draw.textlength(line, font=font) <= width for line in lines
        ):
            return font, lines
    # A title too long even at the smallest size is cut with an ellipsis rather than drawn
    # off the image; the full title is in the alt text, the title page and the metadata.
    lines = lines[:MAX_TITLE_LINES]
    lines[-1] = lines[-1] + " …"
    return font, lines


def _wrap(
    draw: ImageDraw.ImageDraw, text: str, font: ImageFont.FreeTypeFont, width: int
) -> list[str]:
    lines: list[str] = []
    current = ""
    for word in text.split(" "):
        candidate = f"{current} {word}" if current else word
        if current and draw.textlength(candidate, font=font) > width:
            lines.append(current)
            current = word
        else:
            current = candidate
    lines.append(current)
    return lines
