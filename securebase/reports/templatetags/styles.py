"""``{% load styles %}{{ style|style_name }}``: the name people read for a machine style value.

Any app's template may load it, so "disorganized" is shown as "Fearful-avoidant" everywhere
from the one table in :data:`securebase.psychometrics.styles.STYLE_NAMES`. An unknown value is
shown unchanged rather than hidden, so a typo is visible instead of silently blank.
"""

from django import template

from securebase.psychometrics.styles import STYLE_NAMES

register = template.Library()


@register.filter
def style_name(style: str) -> str:
    """Display name of a machine style value ("disorganized" -> "Fearful-avoidant")."""
    return STYLE_NAMES.get(style, style)
