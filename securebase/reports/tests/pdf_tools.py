"""Read PDFs with poppler's command-line tools, as any PDF reader would open them."""

import subprocess
import tempfile


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
