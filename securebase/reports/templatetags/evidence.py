"""``{% load evidence %}{{ claim|studied }}``: who a finding's studies looked at, in plain words.

The page and the PDF say it the same way, from :func:`securebase.reports.services.studied_phrase`.
"""

from django import template

from securebase.content.library import Claim
from securebase.reports.services import studied_phrase

register = template.Library()


@register.filter
def studied(claim: Claim) -> str:
    """ "Healthy male students (26 people)", or only the people when the number is not recorded."""
    return studied_phrase(claim)
