"""Psychometrics of the ECR attachment quiz: item bank, GRM calibration, scoring, adaptive test.

Pure Python + numpy/scipy (no Django), so it can be calibrated, tested and benchmarked on its own.

    from securebase.psychometrics import score, AdaptiveTest, item_bank
    result = score({2: 4, 4: 5, 1: 2})          # any subset of items, answers as clicked
    test = AdaptiveTest()
    item = test.next_item()                       # ask it, then test.answer(item, value)
"""

from securebase.psychometrics.adaptive import AdaptiveTest
from securebase.psychometrics.bank import Item, ItemBank, item_bank
from securebase.psychometrics.scoring import DimensionScore, Result, score
from securebase.psychometrics.styles import STYLES

__all__ = [
    "STYLES",
    "AdaptiveTest",
    "DimensionScore",
    "Item",
    "ItemBank",
    "Result",
    "item_bank",
    "score",
]
