"""The public share image: one PNG per style, with the style's name and colour only.

Social networks do not show SVG previews, so the Open Graph image is a PNG drawn with Pillow
(already installed for WeasyPrint) from the shared design tokens: the style colour, a pale
tint of it, two simple figures echoing the style illustration, and the style name. Nothing
personal can be in it: it depends on the style alone and is the same for everyone, so it is
drawn once per process and may be cached publicly.
"""

from __future__ import annotations

import io
from functools import lru_cache

from PIL import Image, ImageDraw, ImageFont

from securebase.reports.chart import QUADRANT_COLOURS

WIDTH, HEIGHT = 1200, 630
PAPER = (251, 250, 247)
INK = (31, 42, 46)
FONT_DIR = "/usr/share/fonts/truetype/dejavu/"
# How far apart the two figures stand, by style (a nod to the illustrations' distance).
FIGURE_GAP = {"secure": 90, "anxious": 60, "avoidant": 190, "disorganized": 140}


def _rgb(colour: str) -> tuple[int, int, int]:
    return (int(colour[1:3], 16), int(colour[3:5], 16), int(colour[5:7], 16))


def _tint(colour: tuple[int, int, int], share: float) -> tuple[int, int, int]:
    """``colour`` mixed into the paper colour, ``share`` of the way."""
    return tuple(round(p + (c - p) * share) for p, c in zip(PAPER, colour, strict=True))  # type: ignore[return-value]


def _font(name: str, size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    try:
        return ImageFont.truetype(FONT_DIR + name, size)
    except OSError:  # a machine without DejaVu still gets a readable image
        return ImageFont.load_default(size)


def _figure(draw: ImageDraw.ImageDraw, x: int, ground: int, fill: tuple[int, int, int]) -> None:
    """A person as in the illustrations: a rounded body and a round head."""
    draw.rounded_rectangle((x - 42, ground - 105, x + 42, ground), radius=42, fill=fill)
    draw.rectangle((x - 42, ground - 40, x + 42, ground), fill=fill)
    draw.ellipse((x - 30, ground - 175, x + 30, ground - 115), fill=fill)


@lru_cache(maxsize=4)
def share_image(style: str, name: str) -> bytes:
    """PNG bytes of the share image for ``style``, labelled with its display ``name``."""
    colour = _rgb(QUADRANT_COLOURS[style])
    image = Image.new("RGB", (WIDTH, HEIGHT), PAPER)
    draw = ImageDraw.Draw(image)
    draw.ellipse((70, 95, 510, 535), fill=_tint(colour, 0.14))
    gap = FIGURE_GAP[style]
    _figure(draw, 290 - gap // 2 - 30, 440, colour)
    _figure(draw, 290 + gap // 2 + 30, 440, _tint(colour, 0.55))
    draw.rectangle((0, HEIGHT - 16, WIDTH, HEIGHT), fill=colour)
    draw.text((560, 200), "Attachment style", font=_font("DejaVuSans.ttf", 40), fill=INK)
    size = 84 if len(name) <= 10 else 60
    draw.text((556, 260), name, font=_font("DejaVuSans-Bold.ttf", size), fill=colour)
    draw.text((560, 400), "securebase", font=_font("DejaVuSans-Bold.ttf", 36), fill=INK)
    draw.text(
        (560, 448), "a free, anonymous attachment quiz", font=_font("DejaVuSans.ttf", 28), fill=INK
    )
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()
