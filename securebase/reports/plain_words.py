"""Statistical words a person should not meet in their result, outside "How sure is this?".

The result page, the PDF and the report mail speak plain English (NHS and GOV.UK style): a
person on a phone reads "where you most likely are", not "95% region", and "out of 100
people, 62 score lower than you", not "62nd percentile". The statistical detail stays
available, in plain words first, inside the "How sure is this?" disclosure, which templates
mark with the ``data-statistics`` attribute (:data:`STATISTICS_MARKER`). This module is the
one list of the words that belong only there; the tests render every variant of the result
and check the rest of its text against it.
"""

from __future__ import annotations

import re

#: The attribute that marks the "How sure is this?" detail, the one place where the words
#: below may appear.
STATISTICS_MARKER = "data-statistics"

#: Statistical vocabulary, matched case-insensitively as whole words (a trailing "s" is
#: allowed, so "model" also finds "models").
STATISTICAL_TERMS: tuple[str, ...] = (
    "probability",
    "probabilities",
    "model",
    "simulation",
    "simulated",
    "region",
    "n=",
    "data release",
    "percentile",
    "posterior",
    "standard error",
    "standard deviation",
    "confidence interval",
    "credible interval",
    "theta",
    "quantile",
    "likelihood",
    "item response",
    "IRT",
    "variance",
    "distribution",
    "z-score",
    "calibration",
    "calibrated",
    "statistically",
    "norm group",
)


def _pattern(term: str) -> re.Pattern[str]:
    plural = "s?" if term[-1].isalnum() else ""
    end = r"(?![\w-])" if term[-1].isalnum() else ""
    return re.compile(rf"(?<![\w-]){re.escape(term)}{plural}{end}", re.IGNORECASE)


_PATTERNS = tuple((term, _pattern(term)) for term in STATISTICAL_TERMS)


def statistical_terms_in(text: str) -> list[str]:
    """The listed terms that occur in ``text``, in list order (empty when the text is plain)."""
    return [term for term, pattern in _PATTERNS if pattern.search(text)]
