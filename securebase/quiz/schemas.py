"""Request and response bodies of the JSON API (they are also its OpenAPI schema)."""

from __future__ import annotations

from typing import Any, Literal

from ninja import Field, Schema
from pydantic import StrictBool, StrictInt

from securebase.psychometrics import item_bank

# Stated in the schema as minimum/maximum; checked by the service layer, which answers
# with the stable error codes (item_not_asked, invalid_value) rather than pydantic's.
ITEM_RANGE = {"minimum": 1, "maximum": len(item_bank().items)}
VALUE_RANGE = {"minimum": 1, "maximum": len(item_bank().response_labels)}


class StartIn(Schema):
    form: Literal["adaptive", "full"] = Field(
        "adaptive", description="adaptive: about 12 questions; full: all 36 ECR items"
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
    theta: float
    se: float
    percentile: float
    mean: float | None
    n_items: int


class ResultOut(Schema):
    style: Literal["secure", "anxious", "avoidant", "disorganized"]
    style_probabilities: dict[str, float]
    anxiety: DimensionOut
    avoidance: DimensionOut
    norm_group: str


class ErrorOut(Schema):
    error: str = Field(
        ...,
        description=(
            "stable code: malformed_request, invalid_request, invalid_value, item_not_asked, "
            "already_answered, not_found, not_finished, rate_limited"
        ),
    )
    detail: Any = Field(..., description="human-readable message, or a list of field errors")
