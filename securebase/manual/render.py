"""Render the manual: one Jinja2 template per chapter, filled from ``numbers.json``.

The prose lives in ``templates/*.md.j2`` so that it can be edited without touching Python; the
context each template sees is built by :mod:`chapters` from the numbers, and the number formats
of :mod:`fmt` are the only way a template writes a number (a test fails on digits typed into the
running text). ``StrictUndefined`` makes a misspelt or missing key an error instead of an empty
string, so a template can never print less than the numbers say.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from pathlib import Path
from typing import Any

import jinja2

from securebase.manual import chapters, fmt

TEMPLATES = Path(__file__).with_name("templates")
FIGURES = "figures"


def figure(name: str, caption: str) -> str:
    """A Markdown image with its caption below (the site and the PDF style it)."""
    return f"![{caption}]({FIGURES}/{name}.svg)\n\n*Figure: {caption}*"


def strict(format_: Callable[..., str]) -> Callable[..., str]:
    """``format_`` that reports a missing value as Jinja's UndefinedError, naming the key.

    Without this, ``count(n.sample.absent)`` would fail inside the format with a TypeError that
    does not say which key is missing; ``str()`` of a ``StrictUndefined`` raises the clear error.
    """

    @wraps(format_)
    def checked(*args: Any, **kwargs: Any) -> str:
        for value in (*args, *kwargs.values()):
            if isinstance(value, jinja2.Undefined):
                str(value)
        return format_(*args, **kwargs)

    return checked


FORMATS = {
    name: strict(format_)
    for name, format_ in (
        ("count", fmt.count),
        ("dec", fmt.dec),
        ("num", fmt.num),
        ("pct", fmt.pct),
        ("items", fmt.items),
        ("table", fmt.table),
        ("figure", figure),
    )
}


def environment() -> jinja2.Environment:
    """Plain-text Jinja2: no HTML escaping, strict about missing keys, whitespace as written.

    The templates' only blocks are sentence choices inside a paragraph, written inline
    (``{% if ... %}one sentence{% else %}another{% endif %}``, ``{%- else %}`` to continue on the
    next line), so what is between the tags is exactly what is printed: no ``trim_blocks`` or
    ``lstrip_blocks`` to remember. The formats are both globals (``{{ pct(share) }}``) and
    filters (``{{ share|pct }}``).
    """
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        undefined=jinja2.StrictUndefined,
        autoescape=False,  # noqa: S701 - the output is Markdown, not HTML
        keep_trailing_newline=True,
    )
    env.globals.update(FORMATS)
    env.filters.update(FORMATS)
    return env


def render(numbers: dict[str, Any]) -> str:
    """The whole manual as Markdown (deterministic in ``numbers``)."""
    env = environment()
    numbers = chapters.with_method_constants(numbers)
    parts = []
    for name, build in chapters.CHAPTERS:
        template = env.get_template(f"{name}.md.j2")
        text = template.render(n=numbers, method=chapters.METHOD, **build(numbers))
        parts.append(text.strip() + "\n")
    return "\n".join(parts)
