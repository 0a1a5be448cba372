"""Request and response bodies of the JSON API (they are also its OpenAPI schema)."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from ninja import Field, Schema
from pydantic import BeforeValidator, StrictBool, StrictInt
from pydantic.config import JsonDict

from securebase.psychometrics import item_bank
from securebase.psychometrics.adaptive import TYPICAL_LENGTH, TYPICAL_LENGTH_RANGE

# Stated in the schema as minimum/maximum; checked by the service layer, which answers
# with the stable error codes (item_not_asked, invalid_value) rather than pydantic's.
N_ITEMS = len(item_bank().items)
ITEM_RANGE: JsonDict = {"minimum": 1, "maximum": N_ITEMS}
VALUE_RANGE: JsonDict = {"minimum": 1, "maximum": len(item_bank().response_labels)}


def _integral(value: Any) -> Any:
    """36.0 is an integer by JSON Schema (and in JavaScript): take it as 36. Everything
    else goes to the strict check unchanged, so 2.5, "3" and true are still refused."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


# The schema's "integer": any JSON number without a fractional part.
Integer = Annotated[StrictInt, BeforeValidator(_integral)]


class StartIn(Schema):
    form: Literal["adaptive", "full"] = Field(
        "adaptive",
        description=f"adaptive: about {TYPICAL_LENGTH} questions on average "
        f"(most people {TYPICAL_LENGTH_RANGE[0]} to {TYPICAL_LENGTH_RANGE[1]}); "
        "full: all 36 ECR items",
    )
    consent_research: StrictBool = Field(
        False, description="allow anonymous research use of the answers"
    )


class AnswerIn(Schema):
    item: Integer = Field(
        ...,
        description="number of the question being answered (next_item.number)",
        json_schema_extra=ITEM_RANGE,
    )
    value: Integer = Field(
        ...,
        description="1 = strongly disagree .. 5 = strongly agree",
        json_schema_extra=VALUE_RANGE,
    )


class BackIn(Schema):
    item: Integer = Field(
        ...,
        description=(
            "number of the question on screen (next_item.number): Back changes nothing if it "
            "is no longer the current one, so a retried request never takes back two answers"
        ),
        ge=1,
        le=N_ITEMS,
    )


class OptionOut(Schema):
    value: int = Field(..., json_schema_extra=VALUE_RANGE)
    label: str


class ItemOut(Schema):
    number: int = Field(
        ..., description="ECR item number; send it back as `item`", json_schema_extra=ITEM_RANGE
    )
    text: str
    options: list[OptionOut]


class StepOut(Schema):
    next_item: ItemOut | None = Field(..., description="null when the quiz is finished")
    progress: float = Field(
        ..., description="0..1: exact for the full form, an honest estimate for the adaptive one"
    )
    answered: int
    done: bool


class SessionOut(StepOut):
    token: str = Field(..., description="private key of this session; keep it secret")
    form: str


class DimensionOut(Schema):
    theta: float = Field(..., description="EAP score on the latent scale (mean 0, SD 1)")
    se: float = Field(
        ...,
        description="standard deviation of the true position around theta: the posterior SD "
        "widened by the factor calibrated against simulated people for this form (the "
        "percentile range and the chart's region are built from it)",
    )
    percentile: float = Field(
        ..., description="0..100: the most likely share of the norm group scoring lower"
    )
    percentile_interval: tuple[float, float] = Field(
        ...,
        description="0..100: central 95% range of the percentile of the true position; show "
        "this range, not the single value alone",
    )
    mean: float | None = Field(
        ..., description="1..5: mean of the keyed answers (reverse-worded items flipped)"
    )
    n_items: int = Field(..., description="how many questions this score rests on")


class NormSampleOut(Schema):
    key: str
    label: str
    n: int = Field(..., description="people in the norm group")
    share_women: float = Field(..., description="0..1")
    median_age: float
    style_shares: dict[str, float] = Field(
        ..., description="0..1 share of the group in each quadrant, by their own answers"
    )
    source: str = Field(..., description="where the norm group's answers come from")


class QualityOut(Schema):
    flags: list[Literal["midpoint", "straight_line", "contradictory", "misfit", "too_fast"]] = (
        Field(
            ...,
            description="checks the answers failed; empty when none did. Any flag means the "
            "answers cannot be scored well: do not present the style as a finding about the "
            "person. midpoint: mostly 'neither agree nor disagree'; straight_line: (nearly) the "
            "same answer to every statement, including those worded the other way round; "
            "contradictory: statements worded in opposite directions point to different "
            "positions; misfit: the pattern is unlikely under the scoring model (lz* person "
            "fit) or unlike real answers (distance); too_fast: answered faster than the "
            "statements can be read",
        )
    )
    n_answers: int = Field(..., description="how many answers were checked")
    person_fit: float | None = Field(
        ...,
        description="lz* person-fit statistic (about standard normal when the answers follow "
        "the model; low values mean misfit); null with fewer than 2 answers",
    )
    same_answer_share: float = Field(
        ...,
        description="0..1: share of one answer among the statements worded each way (the "
        "smaller of the two shares, for the answer where it is largest)",
    )
    midpoint_share: float = Field(..., description="0..1: share of answers that were 3")
    contradiction: float | None = Field(
        ...,
        description="largest standardized gap (|z|) between the scores from statements worded "
        "one way and those worded the other way on a dimension; null when no dimension had both",
    )
    distance: float | None = Field(
        None,
        description="Mahalanobis distance of the answers from those of the calibration sample, "
        "as a normal deviate (high means unusual; a misfit flag when above its threshold); "
        "null for results stored before it existed",
    )
    seconds_per_answer: float | None = Field(
        None, description="median seconds between answers; null when not measured"
    )
    reading_seconds: float | None = Field(
        None,
        description="seconds a very fast reader (600 words a minute) needs for the median "
        "statement; answers faster than this are flagged too_fast",
    )
    thresholds: dict[str, float] = Field(
        ..., description="the limits these answers were checked against (for their number)"
    )


class ResultOut(Schema):
    style: Literal["secure", "anxious", "avoidant", "disorganized"] = Field(
        ...,
        description='"disorganized" is the machine value of the high-anxiety, high-avoidance '
        "quadrant; show it to people as fearful-avoidant (Bartholomew's term for adult "
        "romantic attachment; the quiz does not measure infant disorganization)",
    )
    style_probabilities: dict[str, float] = Field(
        ...,
        description="0..1 per style, after either form: the chance that the person's true "
        "position lies in that quadrant, given their answers (calibrated against simulated "
        "people; the same meaning for the full and the adaptive form). Adaptive results "
        "stored before full_form_agreement existed held the chance that the full 36 "
        "questions would give each style",
    )
    full_form_agreement: float | None = Field(
        None,
        description="adaptive form only, 0..1: the chance that answering all 36 questions "
        "would give the same style (calibrated on real full-form answers); null after the "
        "full form and in results stored before it existed",
    )
    anxiety: DimensionOut = Field(..., description="worry about rejection and abandonment")
    avoidance: DimensionOut = Field(
        ..., description="discomfort with closeness and with depending on others"
    )
    norm_group: str = Field(..., description="who the percentiles compare with")
    norm_sample: NormSampleOut | None = Field(
        ..., description="the norm group described; null for results stored before norms had it"
    )
    quality: QualityOut | None = Field(
        None,
        description="whether the answers can be scored well; null for results stored before "
        "the checks existed",
    )


class ErrorOut(Schema):
    error: str = Field(
        ...,
        description=(
            "stable code: malformed_request, invalid_request, invalid_value, item_not_asked, "
            "already_answered, not_found, not_finished, rate_limited"
        ),
    )
    detail: Any = Field(..., description="human-readable message, or a list of field errors")


class DimensionChangeOut(Schema):
    earlier_theta: float
    later_theta: float
    difference: float = Field(..., description="later minus earlier theta")
    se: float = Field(
        ...,
        description="standard error of the difference, calibrated for change from both "
        "sittings' posterior SDs (the technical manual's chapter 16)",
    )
    statistic: float = Field(..., description="reliable-change index: difference / se")
    verdict: Literal["higher", "lower", "within"] = Field(
        ...,
        description="higher/lower: the change is larger than both sittings' measurement error "
        "can explain at the level given; within: within what the quiz can tell apart",
    )
    percentile_change: float = Field(
        ..., description="change in percentile, both read against the later sitting's norm group"
    )
    percentile_change_interval: tuple[float, float] = Field(
        ..., description="central 95% range of the percentile change"
    )


class ChangeOut(Schema):
    anxiety: DimensionChangeOut
    avoidance: DimensionChangeOut
    earlier_style: str
    later_style: str
    label_changed: bool = Field(
        ..., description="the most likely styles differ (this alone is not a real change)"
    )
    style_differs_probability: float = Field(
        ..., description="0..1: chance the two sittings' true positions are in different styles"
    )
    level: float = Field(..., description="two-sided level of the verdicts, e.g. 0.95")


class SittingOut(Schema):
    form: str
    completed_at: str = Field(..., description="ISO 8601, UTC")
    result: ResultOut


class ChainOut(Schema):
    sittings: list[SittingOut] = Field(
        ..., description="this sitting and the finished ones it retakes, oldest first"
    )
    changes: list[ChangeOut] = Field(
        ..., description="change from each sitting to the next (one fewer than sittings)"
    )
