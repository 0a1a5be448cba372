"""One table of style names: the site, the PDF, the mail, the manual, the knowledge base and the
study exports all read ``securebase.psychometrics.styles.STYLE_NAMES``."""

from __future__ import annotations

import pytest

from securebase.content import entities
from securebase.manual import chapters as manual_chapters
from securebase.psychometrics.styles import STYLE_NAMES, STYLE_SLUGS, STYLES
from securebase.reports.templatetags.styles import style_name
from securebase.studies import exports


def test_the_table_names_every_style_once() -> None:
    assert tuple(STYLE_NAMES) == STYLES
    assert STYLE_NAMES["disorganized"] == "Fearful-avoidant"
    assert STYLE_SLUGS["disorganized"] == "fearful-avoidant"
    assert len(set(STYLE_NAMES.values())) == len(STYLES)


@pytest.mark.parametrize("style", STYLES)
def test_every_reader_uses_the_table(style: str) -> None:
    name = STYLE_NAMES[style]
    assert style_name(style) == name  # templates: page, PDF, mail, admin
    assert entities.GROUP_LABELS[style] == name  # knowledge base and evidence filter
    assert manual_chapters.STYLE_NAMES[style] == name.lower()  # the technical manual
    column = next(c for c in exports.COLUMNS if c.name == "style")
    assert column.values[style] == name  # SPSS and Stata value labels
    assert entities.style_slug(style) == STYLE_SLUGS[style]  # style page addresses


@pytest.mark.django_db
def test_the_report_and_its_pdf_say_the_table_s_name() -> None:
    from securebase.reports.services import build_report_context
    from securebase.reports.tests.factories import finished_session

    report = build_report_context(finished_session("disorganized", form="full"))
    assert report.style_name == STYLE_NAMES["disorganized"]
    assert all(chance.name == STYLE_NAMES[chance.style] for chance in report.chances)
