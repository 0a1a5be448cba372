"""The four attachment styles as quadrants of the anxiety x avoidance plane.

Low anxiety and low avoidance is "secure", high anxiety only is "anxious" (preoccupied), high
avoidance only is "avoidant" (dismissing) and both high is "disorganized" (fearful-avoidant).

"High" on a dimension means theta above that dimension's cut. The classical rule calls a
dimension high when the mean of its 18 keyed items is at least 3, the scale midpoint ("neither
agree nor disagree"). To carry that meaning over to theta, the cut is the theta at which the
test characteristic curve -- the model-expected keyed item mean over the dimension's 18 items --
equals 3. It is found with Brent's method; the curve is strictly increasing, so the root is
unique.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
from scipy.optimize import brentq

from securebase.psychometrics.grm import FloatArray, expected_score

STYLES: tuple[str, str, str, str] = ("secure", "anxious", "avoidant", "disorganized")
#: The names people read, one table for the site, the PDF, the mail, the manual and the content
#: validator. The high-high quadrant keeps the machine value "disorganized" (scoring API) and is
#: shown with Bartholomew's adult term: "disorganized" names an infant classification that the
#: quiz does not measure.
STYLE_NAMES: dict[str, str] = {
    "secure": "Secure",
    "anxious": "Anxious",
    "avoidant": "Avoidant",
    "disorganized": "Fearful-avoidant",
}
#: Public addresses of the style pages and share cards, named by the style people read.
STYLE_SLUGS: dict[str, str] = {style: name.lower() for style, name in STYLE_NAMES.items()}
MIDPOINT = 3.0


def tcc_cut(a: FloatArray, b: FloatArray, midpoint: float = MIDPOINT) -> float:
    """Theta where the expected keyed item mean of these items equals ``midpoint``."""

    def excess(theta: float) -> float:
        return float(np.mean(expected_score(np.array([theta]), a, b))) - midpoint

    return float(brentq(excess, -8.0, 8.0, xtol=1e-10))


def style_of(anxiety_high: bool, avoidance_high: bool) -> str:
    """Quadrant name for a high/low verdict on each dimension."""
    return STYLES[int(anxiety_high) + 2 * int(avoidance_high)]


def style_probabilities(p_anxiety_high: float, p_avoidance_high: float) -> dict[str, float]:
    """Probabilities of the four quadrants, treating the two posteriors as independent."""
    anx, avo = p_anxiety_high, p_avoidance_high
    return {
        "secure": (1.0 - anx) * (1.0 - avo),
        "anxious": anx * (1.0 - avo),
        "avoidant": (1.0 - anx) * avo,
        "disorganized": anx * avo,
    }


def most_likely_style(probabilities: Mapping[str, float]) -> str:
    """The style with the highest probability (ties resolved in :data:`STYLES` order)."""
    return max(STYLES, key=lambda style: (probabilities[style], -STYLES.index(style)))
