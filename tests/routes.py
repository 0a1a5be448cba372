"""Every route of the URLconf as something a test can request, found with Django's public
URL API (``get_resolver``, ``URLResolver.url_patterns``, ``URLPattern.pattern``).

The route-wide tests (hostile input, HEAD, private token routes) walk this list rather
than a hand-written one, so a route added later is covered the day it is added. Each
route knows its parameters; :meth:`Route.path` fills them with sample values a test
provides and can put one chosen raw (already percent-encoded) value in one place.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass

from django.urls import URLPattern, URLResolver, get_resolver

# <converter:name> or <name> in path() routes; (?P<name>...) groups in re_path() ones.
_ROUTE_PARAMETER = re.compile(r"<(?:(?P<converter>[^>:]+):)?(?P<name>[^>]+)>")
_REGEX_GROUP = re.compile(r"\(\?P<(?P<name>\w+)>(?:[^()]|\([^()]*\))*\)")


@dataclass(frozen=True)
class Route:
    template: str  # "/results/{token}/report.pdf"
    parameters: tuple[str, ...]
    name: str | None

    def path(self, samples: Mapping[str, str], raw: Mapping[str, str] | None = None) -> str:
        """The route with every parameter filled: ``raw`` values as given, others sampled."""
        values = {name: samples.get(name, "x") for name in self.parameters}
        values.update(raw or {})
        return self.template.format(**values)

    @property
    def carries_token(self) -> bool:
        return "token" in self.parameters


def _from_pattern(pattern: str) -> tuple[str, list[str]]:
    """A ``str.format`` template and the parameter names of one route or regex piece."""
    names: list[str] = []
    if pattern.startswith("^") or "(?P<" in pattern or pattern.endswith("$"):

        def group(match: re.Match[str]) -> str:
            names.append(match.group("name"))
            return "{" + match.group("name") + "}"

        template = _REGEX_GROUP.sub(group, pattern.removeprefix("^").removesuffix("$"))
        template = template.replace("\\", "")
        # An alternation left outside a group (none in this URLconf) would need a choice.
        assert "|" not in template and "(" not in template, pattern
        return template, names

    def parameter(match: re.Match[str]) -> str:
        names.append(match.group("name"))
        return "{" + match.group("name") + "}"

    return _ROUTE_PARAMETER.sub(parameter, pattern), names


def _walk(resolver: URLResolver, prefix: str, names: list[str]) -> Iterator[Route]:
    for entry in resolver.url_patterns:
        template, found = _from_pattern(str(entry.pattern))
        if isinstance(entry, URLResolver):
            yield from _walk(entry, prefix + template, names + found)
        elif isinstance(entry, URLPattern):
            yield Route("/" + prefix + template, tuple(names + found), entry.name)


def all_routes() -> list[Route]:
    """Every route once (two views on one path, as the API has, are one route)."""
    unique: dict[str, Route] = {}
    for route in _walk(get_resolver(), "", []):
        unique.setdefault(route.template, route)
    return list(unique.values())
