"""Read PDFs as a PDF reader opens them: poppler's command-line tools, and pdfplumber for
the position of every word."""

import io
import re
import subprocess
import tempfile
from typing import Any

import pdfplumber

# The print stylesheet's page box (report-print.css): A4 with 15 mm at the top and 18 mm
# at the bottom, in PDF points. Text below the bottom margin is the running footer.
MM = 72 / 25.4
TOP_MARGIN = 15 * MM
BOTTOM_MARGIN = 18 * MM

_PAGE = re.compile(r'<page width="([\d.]+)" height="([\d.]+)">(.*?)</page>', re.S)
_WORD = re.compile(r'<word xMin="[\d.]+" yMin="([\d.]+)" xMax="[\d.]+" yMax="([\d.]+)">')


def _poppler(tool: str, data: bytes, *args: str) -> str:
    with tempfile.NamedTemporaryFile(suffix=".pdf") as handle:
        handle.write(data)
        handle.flush()
        return subprocess.run(
            [tool, *args, handle.name, *([] if tool == "pdfinfo" else ["-"])],
            capture_output=True,
            text=True,
            check=True,
            timeout=30,
        ).stdout


def pdf_metadata(data: bytes) -> dict[str, str]:
    """pdfinfo's fields ("Pages", "Title", "Tagged", ...); fails if the PDF cannot be opened."""
    lines = _poppler("pdfinfo", data).splitlines()
    return {key.strip(): value.strip() for key, _, value in (line.partition(":") for line in lines)}


def pdf_info(data: bytes) -> tuple[int, str]:
    """(page count, full text) of a PDF."""
    return int(pdf_metadata(data)["Pages"]), _poppler("pdftotext", data, "-layout")


def pdf_words(data: bytes) -> str:
    """The text in the order it was laid out, white space as single spaces, for phrase checks.

    ``-raw`` keeps each column of a two-column block together. A line that ends at a hyphen
    ("fearful-" / "avoidant") is joined without a space: the report never hyphenates words
    itself, so such a hyphen is always part of the text.
    """
    text = re.sub(r"-[ \t]*\n\s*", "-", _poppler("pdftotext", data, "-raw"))
    return " ".join(text.split())


def page_texts(data: bytes) -> list[str]:
    """The text of each page (pdftotext separates pages with a form feed)."""
    pages = _poppler("pdftotext", data, "-layout").split("\f")
    return pages[:-1] if pages and not pages[-1].strip() else pages


def page_fill(data: bytes) -> list[float]:
    """How far down its text area each page is filled, 0..1, from word positions.

    The lowest word above the bottom margin marks the end of the page's content (the running
    footer sits in the margin and is ignored). A cover or page that ends with a picture
    counts only down to its last line of text, so this never overstates the fill.
    """
    fills = []
    for _width, height, body in _PAGE.findall(_poppler("pdftotext", data, "-bbox")):
        bottom = float(height) - BOTTOM_MARGIN
        lows = [float(y_max) for _y_min, y_max in _WORD.findall(body) if float(y_max) <= bottom]
        lowest = max(lows, default=TOP_MARGIN)
        fills.append(max(0.0, (lowest - TOP_MARGIN) / (bottom - TOP_MARGIN)))
    return fills


def page_words(data: bytes) -> list[list[dict[str, Any]]]:
    """Each page's words with their boxes (pdfplumber: x0, x1, top, bottom in points)."""
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        return [page.extract_words(x_tolerance=1.5, use_text_flow=True) for page in pdf.pages]


def lines_of(words: list[dict[str, Any]], tolerance: float = 2.0) -> list[list[dict[str, Any]]]:
    """Words grouped into lines by their top edge, each line left to right, top to bottom."""
    lines: list[list[dict[str, Any]]] = []
    for word in sorted(words, key=lambda w: (round(w["top"]), w["x0"])):
        if lines and abs(lines[-1][0]["top"] - word["top"]) <= tolerance:
            lines[-1].append(word)
        else:
            lines.append([word])
    return [sorted(line, key=lambda w: w["x0"]) for line in lines]
