"""Psychometrics of the ECR attachment quiz: item bank, GRM calibration, scoring, adaptive test.

Pure Python + numpy/scipy (no Django), so it can be calibrated, tested and benchmarked on its own.

    from securebase.psychometrics import score, AdaptiveTest, item_bank
    result = score({2: 4, 4: 5, 1: 2})          # any subset of items, answers as clicked
    test = AdaptiveTest()
    item = test.next_item()                       # ask it, then test.answer(item, value)

Norm groups are adults 18+ (optionally by gender and age band, :data:`ADULT_AGE_BANDS`);
each percentile comes with its 95% range (``DimensionScore.percentile_interval``), the chart's
joint region is :func:`regions.joint_region`; the style probabilities, ranges and region all
describe the true position, calibrated against simulated people (:mod:`certainty`, which also
holds how often a second sitting gives the same style), and the GRM's own classification
figures are in :mod:`classification`.
``Result.quality`` (:mod:`response_quality`) says whether the answers can be scored well at
all. :func:`reliable_change` compares two results of one person with an error calibrated for
change between sittings (:mod:`change_errors`), which needs each result's ``form``.
"""

from securebase.psychometrics.adaptive import AdaptiveTest
from securebase.psychometrics.bank import Item, ItemBank, item_bank
from securebase.psychometrics.change import Change, DimensionChange, reliable_change
from securebase.psychometrics.norms import ADULT_AGE_BANDS, NormSample
from securebase.psychometrics.response_quality import ResponseQuality
from securebase.psychometrics.scoring import DimensionScore, Result, score
from securebase.psychometrics.styles import STYLES

__all__ = [
    "ADULT_AGE_BANDS",
    "STYLES",
    "AdaptiveTest",
    "Change",
    "DimensionChange",
    "DimensionScore",
    "Item",
    "ItemBank",
    "NormSample",
    "ResponseQuality",
    "Result",
    "item_bank",
    "reliable_change",
    "score",
]
