"""The manual's figures as deterministic SVG (matplotlib's SVG backend).

Determinism: a fixed ``svg.hashsalt`` (element ids), text kept as text (``svg.fonttype``
"none"), no date or creator in the metadata, and fixed sizes. Colours are the site's design
tokens, so the figures look like the rest of securebase.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("svg")

import matplotlib.pyplot as plt
import numpy as np

from securebase.manual.bank_facts import ECR_S, information
from securebase.psychometrics.bank import ItemBank
from securebase.psychometrics.norms import DIMENSIONS

ACCENT = "#00606f"
SECOND = "#b34d0b"
GREY = "#6b6b6b"
STYLE_COLOURS = {
    "secure": "#1e7a56",
    "anxious": "#b34d0b",
    "avoidant": "#2f5fa7",
    "disorganized": "#7b3f98",
}
plt.rcParams.update(
    {
        "svg.hashsalt": "securebase-manual",
        "svg.fonttype": "none",
        "font.family": "DejaVu Sans",
        "font.size": 9,
        "axes.spines.top": False,
        "axes.spines.right": False,
        "axes.titlesize": 10,
    }
)


def save(figure: Any, path: Path) -> None:
    """Write one figure with no date or creator, then close it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    figure.savefig(path, format="svg", metadata={"Date": None, "Creator": None})
    plt.close(figure)


def information_se(bank: ItemBank, path: Path) -> None:
    """Test information and conditional SE, full form and ECR-S, both dimensions."""
    theta = np.linspace(-3.5, 3.5, 141)
    figure, axes = plt.subplots(2, 2, figsize=(7.2, 5.2), sharex=True)
    for col, dimension in enumerate(DIMENSIONS):
        for form, items, colour, dash in (
            ("full form (18 items)", None, ACCENT, "-"),
            ("ECR-S (6 items)", ECR_S, SECOND, "--"),
        ):
            info = information(bank, dimension, theta, items)
            axes[0, col].plot(theta, info, dash, color=colour, label=form)
            axes[1, col].plot(theta, 1 / np.sqrt(1 + info), dash, color=colour, label=form)
        for row in range(2):
            axes[row, col].axvline(bank.cuts[dimension], color=GREY, lw=0.8, ls=":")
        axes[0, col].set_title(dimension.capitalize())
        axes[1, col].set_xlabel("theta (the cut is dotted)")
    axes[0, 0].set_ylabel("test information")
    axes[1, 0].set_ylabel("standard error (posterior SD, approx.)")
    axes[0, 0].legend(frameon=False)
    figure.tight_layout()
    save(figure, path)


def parallel_analysis(scree: dict[str, list[float]], path: Path) -> None:
    """Scree plot with the parallel-analysis threshold."""
    observed, random = scree["observed"], scree["random_95th"]
    figure, axis = plt.subplots(figsize=(6.4, 3.4))
    k = np.arange(1, len(observed) + 1)
    axis.plot(k, observed, "o-", color=ACCENT, label="observed (Pearson)")
    axis.plot(k, random, "s--", color=GREY, label="random data, 95th percentile")
    axis.set_xlabel("component")
    axis.set_ylabel("eigenvalue")
    axis.set_xticks(k)
    axis.legend(frameon=False)
    figure.tight_layout()
    save(figure, path)


def q3_heatmap(bank: ItemBank, path: Path) -> None:
    """Q3* within each dimension as a heatmap (item numbers on the axes)."""
    figure, axes = plt.subplots(1, 2, figsize=(8.0, 4.0))
    section = bank.document["local_dependence"]
    image = None
    for axis, dimension in zip(axes, DIMENSIONS, strict=True):
        numbers = section[dimension]["items"]
        q3 = np.array(section[dimension]["q3"])
        image = axis.imshow(q3, cmap="PuOr_r", vmin=-0.5, vmax=0.5)
        axis.set_xticks(range(len(numbers)), [str(n) for n in numbers], fontsize=6, rotation=90)
        axis.set_yticks(range(len(numbers)), [str(n) for n in numbers], fontsize=6)
        axis.set_title(dimension.capitalize())
    assert image is not None  # one image per dimension
    figure.colorbar(image, ax=axes, shrink=0.8, label="Q3* (residual correlation)")
    save(figure, path)


def item_fit(curves: dict[str, Any], path: Path) -> None:
    """Observed (dots) and expected (lines) share of each answer by summed score."""
    colours = ("#7b3f98", "#2f5fa7", GREY, SECOND, ACCENT)
    figure, axes = plt.subplots(1, len(curves), figsize=(7.4, 3.4), sharey=True)
    for axis, (label, curve) in zip(np.atleast_1d(axes), curves.items(), strict=True):
        for c, colour in enumerate(colours):
            axis.plot(
                curve["score"],
                curve["expected"][:, c],
                "-",
                color=colour,
                lw=1,
                label=f"answer {c + 1}",
            )
            axis.plot(curve["score"], curve["observed"][:, c], "o", ms=1.8, color=colour)
        axis.set_title(label)
        axis.set_xlabel("summed keyed score of the dimension")
    np.atleast_1d(axes)[0].set_ylabel("share of people (lines: model, dots: observed)")
    np.atleast_1d(axes)[0].legend(frameon=False, fontsize=7)
    figure.tight_layout()
    save(figure, path)


def dif_effects(dif: dict[str, Any], thresholds: tuple[float, float], path: Path) -> None:
    """Nagelkerke delta R^2 per item and contrast, with the flag thresholds."""
    figure, axes = plt.subplots(1, len(dif), figsize=(2.6 * len(dif) + 2.4, 3.4), sharey=True)
    for axis, contrast in zip(np.atleast_1d(axes), dif.values(), strict=True):
        for offset, dimension in enumerate(DIMENSIONS):
            items = contrast["dimensions"][dimension]["items"]
            numbers = [int(n) for n in items]
            values = [items[n]["delta_nagelkerke"] for n in items]
            colour = ACCENT if offset == 0 else SECOND
            axis.bar(numbers, values, color=colour, label=dimension)
        for value, style in zip(thresholds, (":", "--"), strict=True):
            axis.axhline(value, color=GREY, lw=0.8, ls=style)
        axis.set_title(f"{contrast['focal']}\nvs {contrast['reference']}")
        axis.set_xlabel("item")
    np.atleast_1d(axes)[0].set_ylabel("change in Nagelkerke R\u00b2")
    np.atleast_1d(axes)[0].legend(frameon=False, loc="upper right", bbox_to_anchor=(1.0, 0.9))
    figure.tight_layout()
    save(figure, path)


def norms_distribution(bank: ItemBank, path: Path) -> None:
    """Distribution of full-form EAPs of the calibration sample, with the cuts."""
    population = bank.population
    counts = np.array(population["counts"], dtype=float)
    edges = np.array(population["anxiety_edges"])
    centres = (edges[:-1] + edges[1:]) / 2
    figure, axes = plt.subplots(1, 2, figsize=(7.2, 3.0), sharey=True)
    marginals = {"anxiety": counts.sum(axis=1), "avoidance": counts.sum(axis=0)}
    for axis, dimension in zip(axes, DIMENSIONS, strict=True):
        axis.bar(centres, marginals[dimension], width=edges[1] - edges[0], color=ACCENT)
        axis.axvline(bank.cuts[dimension], color=GREY, ls=":", lw=1)
        axis.set_title(dimension.capitalize())
        axis.set_xlabel("full-form theta (EAP); the cut is dotted")
    axes[0].set_ylabel("respondents")
    figure.tight_layout()
    save(figure, path)


def classification_by_distance(classification: dict[str, Any], path: Path) -> None:
    """Consistency by distance of the true theta from the nearest cut, three forms."""
    figure, axis = plt.subplots(figsize=(6.4, 3.4))
    for form, label, colour, marker in (
        ("full", "full form", ACCENT, "o-"),
        ("adaptive", "adaptive test", STYLE_COLOURS["avoidant"], "s-"),
        ("ecr_s", "ECR-S", SECOND, "^--"),
    ):
        rows = classification[form]["by_distance"]
        axis.plot(
            range(len(rows)),
            [row["consistency"] for row in rows],
            marker,
            color=colour,
            label=label,
        )
    rows = classification["full"]["by_distance"]
    names = [
        f"{row['low']:g}-{row['high']:g}" if row["high"] is not None else f"{row['low']:g}+"
        for row in rows
    ]
    axis.set_xticks(range(len(rows)), names)
    axis.set_xlabel("distance of the true theta from the nearest cut")
    axis.set_ylabel("classification consistency")
    axis.set_ylim(0, 1)
    axis.legend(frameon=False)
    figure.tight_layout()
    save(figure, path)


def calibration_diagrams(study: dict[str, Any], path: Path) -> None:
    """Reliability of the top style's probability against the simulated true quadrant: both
    forms, before and after the widening; bins with fewer than 30 people are not drawn (their
    share is mostly noise; the ECE counts them)."""
    figure, axes = plt.subplots(1, 2, figsize=(7.2, 3.6), sharey=True)
    for axis, (form, title) in zip(
        axes, (("full", "Full form (36 items)"), ("adaptive", "Quick test")), strict=True
    ):
        axis.plot([0.25, 1], [0.25, 1], color=GREY, lw=0.8, ls=":")
        for key, label, colour, marker in (
            ("before", "before (as shown until now)", SECOND, "s--"),
            ("after", "after widening", ACCENT, "o-"),
        ):
            bins = [b for b in study["forms"][form][key]["bins"] if b["n"] >= 30]
            axis.plot(
                [b["shown"] for b in bins],
                [b["right"] for b in bins],
                marker,
                color=colour,
                ms=4,
                label=f"{label}, ECE {study['forms'][form][key]['ece']:.3f}",
            )
        axis.set_title(title)
        axis.set_xlim(0.25, 1.0)
        axis.set_ylim(0.25, 1.0)
        axis.set_xlabel("shown probability of the top style")
        axis.legend(frameon=False, loc="upper left", fontsize=8)
    axes[0].set_ylabel("share whose true quadrant is that style")
    figure.tight_layout()
    save(figure, path)


def person_fit(distribution: dict[str, Any], threshold: float, path: Path) -> None:
    """Full-form lz* of training respondents, of answers from the model and of random answers."""
    edges = np.array(distribution["edges"])
    centres = (edges[:-1] + edges[1:]) / 2
    width = edges[1] - edges[0]
    figure, axis = plt.subplots(figsize=(6.4, 3.6))
    for key, label, colour in (
        ("real", "training respondents", ACCENT),
        ("model", "simulated from the model", GREY),
        ("random", "uniform random answers", SECOND),
    ):
        axis.step(
            centres,
            np.array(distribution[key]["share"]) / width,
            where="mid",
            color=colour,
            label=label,
        )
    axis.axvline(threshold, color="black", ls=":", lw=1)
    axis.set_xlabel("lz* (full form); flagged left of the dotted line")
    axis.set_ylabel("density")
    axis.legend(frameon=False, loc="upper center", bbox_to_anchor=(0.5, -0.2), ncol=3)
    figure.tight_layout()
    save(figure, path)
