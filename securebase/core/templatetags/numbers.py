"""Number filters for sentences: shares as whole percents, counts with thousands separators."""

from __future__ import annotations

from django import template

register = template.Library()


@register.filter
def percent(share: float) -> str:
    """0.683 -> "68%" (a share in 0..1, rounded to a whole percent)."""
    return f"{round(float(share) * 100)}%"


@register.filter
def thousands(number: int) -> str:
    """41491 -> "41,491"."""
    return f"{int(number):,}"
