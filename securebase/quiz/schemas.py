"""Request and response bodies of the JSON API (they are also its OpenAPI schema)."""

from __future__ import annotations

from typing import Any, Literal

from ninja import Field, Schema
from pydantic import StrictBool, StrictInt

from securebase.psychometrics import item_bank
from securebase.psychometrics.adaptive import TYPICAL_LENGTH, TYPICAL_LENGTH_RANGE

# Stated in the schema as minimum/maximum; checked by the service layer, which answers
# with the stable error codes (item_not_asked, invalid_value) rather than pydantic's.
ITEM_RANGE = {"minimum": 1, "maximum": len(item_bank().items)}
VALUE_RANGE = {"minimum": 1, "maximum": len(item_bank().response_labels)}


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
    item: StrictInt = Field(
        ...,
        description="number of the question being answered (next_item.number)",
        json_schema_extra=ITEM_RANGE,
    )
    value: StrictInt = Field(
        ...,
        description="1 = strongly disagree .. 5 = strongly agree",
        json_schema_extra=VALUE_RANGE,
    )


class BackIn(Schema):
    item: StrictInt = Field(
        ...,
        description=(
            "number of the question on screen (next_item.number): Back changes nothing if it "
            "is no longer the current one, so a retried request never takes back two answers"
        ),
        ge=ITEM_RANGE["minimum"],
        le=ITEM_RANGE["maximum"],
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
    se: float = Field(..., description="posterior standard deviation of theta")
    percentile: float = Field(
        ..., description="0..100: the most likely share of the norm group scoring lower"
    )
    percentile_interval: tuple[float, float] = Field(
        ...,
        description="0..100: central 95% posterior range of the percentile; show this range, "
        "not the single value alone",
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
        description="0..1 per style: for the full form, the chance this is the style of your "
        "true scores; for the adaptive form, the chance the full 36 questions would give it",
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
