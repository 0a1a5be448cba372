"""/method/: the manual in the site's layout, its figures and the PDF download."""

from __future__ import annotations

import re

import pytest

from securebase.method import services

pytestmark = pytest.mark.django_db
MANUAL = services.MANUAL_DIR / "manual.md"

needs_manual = pytest.mark.skipif(
    not (services.MANUAL_DIR / "manual.md").is_file(), reason="docs/manual not built"
)


def _chapters() -> int:
    """Chapters of the committed manual (its "## N." headings)."""
    if not MANUAL.exists():
        return 0
    return len(re.findall(r"^## \d+\. ", MANUAL.read_text(encoding="utf-8"), flags=re.M))


CHAPTERS = _chapters()


@needs_manual
def test_method_page_shows_every_chapter_with_working_figures(client):
    response = client.get("/method/")
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count("<h1") == 1
    for chapter in range(1, CHAPTERS + 1):
        assert f'id="chapter-{chapter}"' in html
    assert 'src="/method/figures/information_se.svg"' in html
    assert "<script" not in html.split("</head>")[1]
    assert "style=" not in html, "inline styles break the Content-Security-Policy"
    figure = client.get("/method/figures/information_se.svg")
    assert figure.status_code == 200
    assert figure["Content-Type"] == "image/svg+xml"
    assert b"<svg" in b"".join(figure.streaming_content)


@needs_manual
def test_contents_number_each_chapter_once_and_no_header_cell_is_empty(client):
    html = client.get("/method/").content.decode()
    contents = html.split('class="method-contents"')[1].split("</nav>")[0]
    # The titles carry their numbers; a numbered list would show "1. 1. Purpose".
    assert "<ol" not in contents
    titles = re.findall(r'<a href="#chapter-(\d+)">([^<]*)</a>', contents)
    assert len(titles) == CHAPTERS
    for number, title in titles:
        assert title.startswith(f"{number}. ") and not re.match(r"\d+\. \d+\.", title)
    assert not re.search(r"<th[^>]*>\s*</th>", html)


@needs_manual
def test_pdf_downloads(client):
    response = client.get("/method/manual.pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert "attachment" in response["Content-Disposition"]
    assert b"".join(response.streaming_content).startswith(b"%PDF")


@pytest.mark.parametrize("name", ["nope", "..%2Fmanual", "INFORMATION_SE"])
def test_unknown_figures_are_404(client, name):
    assert client.get(f"/method/figures/{name}.svg").status_code == 404


def test_figure_names_are_checked_before_touching_the_disk():
    assert services.figure_path("../../securebase/settings") is None
    assert services.figure_path("a b") is None


@pytest.mark.parametrize("name", ["a" * 252, "a" * 300, "classification%0A", "%2e%2e%2fx", "a%00b"])
def test_odd_figure_names_are_not_found_never_a_server_error(client, name):
    response = client.get(f"/method/figures/{name}.svg")
    assert response.status_code == 404


def test_figure_names_are_checked_before_they_become_file_names():
    assert services.figure_path("a" * 300) is None
    assert services.figure_path("classification\n") is None
