"""The master process builds what workers need before they fork (``gunicorn.conf.py``)."""

from __future__ import annotations

from pathlib import Path

from securebase.psychometrics import item_bank
from securebase.reports.chart import population_density
from securebase.warmup import warm

ROOT = Path(__file__).resolve().parents[1] / "securebase"


def test_every_template_file_of_the_site_is_compiled() -> None:
    on_disk = {
        path.relative_to(directory).as_posix()
        for directory in ROOT.glob("*/templates")
        if (directory.parent / "apps.py").exists()  # a Django app's (not the manual's)
        for path in directory.rglob("*")
        if path.is_file()
    }
    assert set(warm()) == on_disk
    assert {"quiz/question.html", "reports/report.html", "studies/join.html"} <= on_disk


def test_the_norm_groups_contours_are_built_once_and_shared() -> None:
    population_density.cache_clear()
    warm()
    hits = population_density.cache_info().hits
    population_density(item_bank())
    assert population_density.cache_info().hits == hits + 1
