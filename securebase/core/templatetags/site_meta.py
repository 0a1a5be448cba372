"""``{% block_text "title" %}``: the rendered text of a block defined elsewhere in the page.

Django renders each block once, where it is declared. The sharing tags in ``base.html``
(Open Graph, Twitter card) need the page's title and description a second time; reading
them back from the block context means a page sets its title once and its preview can
never disagree with its tab title.
"""

from __future__ import annotations

import html

from django import template
from django.template.loader_tags import BLOCK_CONTEXT_KEY
from django.utils.html import strip_tags

register = template.Library()


@register.simple_tag(takes_context=True)
def block_text(context: template.Context, name: str, markup: bool = False) -> str:
    """The most derived override of block ``name`` as plain text (escaped again on output).

    ``markup=True`` keeps the tags (to test whether a block such as ``robots`` is empty).
    """
    block_context = context.render_context.get(BLOCK_CONTEXT_KEY)
    node = block_context.get_block(name) if block_context is not None else None
    if node is None:
        return ""
    rendered = node.render(context)
    if markup:
        return rendered.strip()
    return " ".join(html.unescape(strip_tags(rendered)).split())
