"""Number formats of the manual, in one place so the text and the tests agree.

Statistics bounded by 1 (correlations, reliabilities, RMSEA) are written without the leading
zero, as in APA style (".938"); shares as percentages; counts with thousands separators.
"""

from __future__ import annotations


def dec(value: float, digits: int = 3) -> str:
    """A bounded statistic: ``.938``, ``-.004``."""
    text = f"{value:.{digits}f}"
    if text.startswith("0."):
        return text[1:]
    if text.startswith("-0."):
        return "-" + text[2:]
    return text


def num(value: float, digits: int = 2) -> str:
    """An unbounded number with a fixed number of decimals: ``1.47``, ``-0.15``."""
    return f"{value:.{digits}f}"


def pct(share: float, digits: int = 1) -> str:
    """A share as a percentage: ``94.8%``."""
    return f"{100 * share:.{digits}f}%"


def count(value: int) -> str:
    """A count with thousands separators: ``41,491``."""
    return f"{value:,}"


def items(numbers: list[int]) -> str:
    """A list of item numbers in words: ``12, 16 and 26``."""
    words = [str(n) for n in numbers]
    if len(words) <= 1:
        return "".join(words)
    return ", ".join(words[:-1]) + " and " + words[-1]


def table(header: list[str], rows: list[list[str]], align: str | None = None) -> str:
    """A Markdown table; ``align`` is one letter per column, ``l`` or ``r``."""
    align = align or "l" + "r" * (len(header) - 1)
    rule = ["---" if a == "l" else "---:" for a in align]
    lines = ["| " + " | ".join(header) + " |", "| " + " | ".join(rule) + " |"]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)
