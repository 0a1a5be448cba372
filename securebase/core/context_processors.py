"""Values every template may use."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.http import HttpRequest


@dataclass(frozen=True)
class Operator:
    """Who runs this instance, from the environment (``SECUREBASE_OPERATOR_*``).

    Production refuses to start without a name and a contact (settings.py), so the
    ``configured`` = False branch only ever shows on development instances, where the
    pages say so instead of inventing an operator.
    """

    name: str
    contact: str
    source_url: str

    @property
    def configured(self) -> bool:
        return bool(self.name and self.contact)

    @property
    def contact_href(self) -> str:
        """A plain address becomes a ``mailto:`` link; a URL or ``tel:`` stays as it is."""
        if "@" in self.contact and ":" not in self.contact:
            return f"mailto:{self.contact}"
        return self.contact


def operator() -> Operator:
    return Operator(
        name=settings.SECUREBASE_OPERATOR_NAME,
        contact=settings.SECUREBASE_OPERATOR_CONTACT,
        source_url=settings.SECUREBASE_SOURCE_URL,
    )


def site(request: HttpRequest) -> dict[str, object]:
    return {"SITE_URL": settings.SITE_URL, "operator": operator()}
