"""What the report says: percentile wording, probabilities, boundary honesty, content."""

import pytest

from securebase.psychometrics import STYLES
from securebase.reports.services import (
    build_report_context,
    claim_tiers,
    percent_label,
    percentile_sentence,
)
from securebase.reports.tests.factories import finished_session


@pytest.mark.parametrize(
    ("dimension", "percentile", "sentence"),
    [
        ("anxiety", 62.4, "You are more anxious about closeness than 62% of people."),
        ("anxiety", 20.0, "You are less anxious about closeness than 80% of people."),
        (
            "avoidance",
            60.0,
            "You are more uncomfortable with closeness and depending on others than 60% of people.",
        ),
        (
            "avoidance",
            40.0,
            "You are less uncomfortable with closeness and depending on others than 60% of people.",
        ),
        ("anxiety", 99.97, "You are more anxious about closeness than 99% of people."),
        ("anxiety", 0.01, "You are less anxious about closeness than 99% of people."),
    ],
)
def test_percentile_sentences(dimension, percentile, sentence):
    assert percentile_sentence(dimension, percentile) == sentence


def test_the_middle_is_said_as_the_middle():
    sentence = percentile_sentence("avoidance", 50.2)
    assert "average person" in sentence
    assert "%" not in sentence


@pytest.mark.parametrize(
    ("probability", "label"),
    [
        (0.0001, "under 1%"),
        (0.004, "under 1%"),
        (0.42, "42%"),
        (0.996, "over 99%"),
        (1.0, "over 99%"),
    ],
)
def test_percent_labels_never_say_zero_or_hundred(probability, label):
    assert percent_label(probability) == label


@pytest.mark.django_db
def test_report_context_of_a_finished_session():
    session = finished_session("avoidant")
    report = build_report_context(session)

    assert report.style == "avoidant"
    assert report.style_name == "Avoidant"
    assert report.chances[0].style == "avoidant"
    assert sorted(c.style for c in report.chances) == sorted(STYLES)
    probabilities = [c.probability for c in report.chances]
    assert probabilities == sorted(probabilities, reverse=True)
    assert sum(probabilities) == pytest.approx(1.0)
    assert report.avoidance.high and not report.anxiety.high
    assert report.avoidance.sentence.startswith("You are more uncomfortable with closeness")
    assert report.anxiety.sentence.startswith("You are less anxious about closeness")
    assert (
        report.n_items
        == report.anxiety.n_items + report.avoidance.n_items
        == session.answers.count()
    )
    assert report.style_page.style == "avoidant"
    assert report.style_page.strengths and report.style_page.next_steps
    assert not report.near_boundary and report.runner_up is None


@pytest.mark.django_db
def test_claims_are_grouped_with_the_own_style_first_and_references_unique():
    report = build_report_context(finished_session("anxious"))

    first = report.claim_tiers[0]
    assert "anxious" in first.heading
    assert first.claims and all("anxious" in claim.concerns for claim in first.claims)
    ids = [ref.id for ref in report.references]
    assert ids and len(ids) == len(set(ids))
    cited = {ref.id for tier in report.claim_tiers for c in tier.claims for ref in c.references}
    assert cited == set(ids)


def test_claim_tiers_leave_out_insecure_findings_heading_for_secure():
    class Claim:
        def __init__(self, *concerns):
            self.concerns = list(concerns)

    mine, everyone = Claim("secure", "insecure"), Claim("everyone")
    tiers = claim_tiers("secure", [mine, everyone])
    assert [t.claims for t in tiers] == [[mine], [everyone]]
    assert tiers[1].heading == "Findings about everyone"


@pytest.mark.django_db
def test_a_result_near_a_boundary_says_so_and_names_the_runner_up():
    # Answering "neither agree nor disagree" to everything sits right on both cuts.
    session = finished_session(form="full", keyed={"anxiety": 3, "avoidance": 3})
    report = build_report_context(session)

    assert report.top.probability < 0.6
    assert report.near_boundary
    assert report.runner_up == report.chances[1]
    assert report.runner_up.style != report.style
