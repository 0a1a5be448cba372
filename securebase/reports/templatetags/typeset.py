"""A typesetting filter for the PDF's reference list.

Line breaks inside a person's initials ("C. K. / W. De Dreu") or between a surname and its
initials make a reference list hard to read; non-breaking spaces keep them together.
"""

from __future__ import annotations

import re

from django import template

register = template.Library()

NBSP = "\u00a0"
# "A. B." -> "A.\u00a0B."; "Smith, A." -> "Smith,\u00a0A."; "& Smith" -> "&\u00a0Smith".
_BETWEEN_INITIALS = re.compile(r"(?<=\b[A-Z]\.)\s+(?=[A-Z][.-])")
_BEFORE_INITIALS = re.compile(r",\s+(?=[A-Z]\.)")
_AFTER_AMPERSAND = re.compile(r"&\s+")


@register.filter
def keep_names(value: str) -> str:
    """Authors with their initials kept on one line with each other and the surname."""
    value = _BETWEEN_INITIALS.sub(NBSP, value)
    value = _BEFORE_INITIALS.sub("," + NBSP, value)
    return _AFTER_AMPERSAND.sub("&" + NBSP, value)
