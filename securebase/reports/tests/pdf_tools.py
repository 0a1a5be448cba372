"""Read PDFs with poppler's command-line tools, as any PDF reader would open them."""

import subprocess
import tempfile


def pdf_info(data: bytes) -> tuple[int, str]:
    """(page count, full text) of a PDF; fails if poppler cannot open it."""
    with tempfile.NamedTemporaryFile(suffix=".pdf") as handle:
        handle.write(data)
        handle.flush()
        info = subprocess.run(
            ["pdfinfo", handle.name], capture_output=True, text=True, check=True, timeout=30
        ).stdout
        text = subprocess.run(
            ["pdftotext", "-layout", handle.name, "-"],
            capture_output=True,
            text=True,
            check=True,
            timeout=30,
        ).stdout
    pages = next(int(line.split()[-1]) for line in info.splitlines() if line.startswith("Pages:"))
    return pages, text
