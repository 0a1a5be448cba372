"""What every app process builds on its first requests, built once before it serves anyone.

gunicorn loads the site in its master process and forks the workers from it
(``gunicorn.conf.py``): whatever is built here is shared by every worker, and no visitor
waits while a fresh worker compiles the templates of its first page, fills the URL
resolver's reverse tables or draws the norm group's contours for its first chart. Only
public Django APIs and the apps' own cached functions are used, so each cache stays the
one its owner keeps and clears.
"""

from __future__ import annotations

from pathlib import Path

from django.apps import apps
from django.template.loader import get_template
from django.urls import get_resolver, reverse

from securebase.content.library import get_library
from securebase.psychometrics import item_bank
from securebase.reports.chart import population_density


def site_templates() -> list[str]:
    """The names of every template in the apps' ``templates`` directories."""
    names = []
    for app in apps.get_app_configs():
        directory = Path(app.path) / "templates"
        if app.name.startswith("securebase.") and directory.is_dir():
            names += sorted(
                path.relative_to(directory).as_posix()
                for path in directory.rglob("*")
                if path.is_file()
            )
    return names


def warm() -> list[str]:
    """Import every view, build the shared caches, compile every template; return their names."""
    get_resolver().url_patterns  # noqa: B018 - the attribute access imports every view
    reverse("home")  # the first reverse() builds the resolver's lookup tables
    get_library()
    bank = item_bank()
    population_density(bank)
    names = site_templates()
    for name in names:
        get_template(name)  # the cached loader keeps the compiled template
    return names
