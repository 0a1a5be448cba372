"""What the report says: headline, certainty, percentiles as ranges, norms, evidence filing."""

from types import SimpleNamespace

import pytest
from django.template import Context, Template

from securebase.content.library import get_library
from securebase.psychometrics import STYLES, DimensionScore, Result
from securebase.psychometrics.classification import full_form_consistency
from securebase.psychometrics.norms import NormSample
from securebase.reports.services import (
    STYLE_NAMES,
    StyleChance,
    build_report_context,
    claim_tiers,
    headline,
    how_sure_sentences,
    meaning_line,
    norm_report,
    ordinal,
    percent_label,
    percentile_sentence,
    range_sentence,
    style_for_share_slug,
)
from securebase.reports.tests.factories import finished_session


@pytest.mark.parametrize(
    ("dimension", "percentile", "sentence"),
    [
        ("anxiety", 62.4, "You worry more about rejection and abandonment than 62% of people."),
        ("anxiety", 20.0, "You worry less about rejection and abandonment than 80% of people."),
        (
            "avoidance",
            60.0,
            "You feel more uncomfortable with closeness and with depending on others than 60% "
            "of people.",
        ),
        (
            "avoidance",
            40.0,
            "You feel more at ease with closeness and with depending on others than 60% of people.",
        ),
        ("anxiety", 99.97, "You worry more about rejection and abandonment than 99% of people."),
        ("anxiety", 0.01, "You worry less about rejection and abandonment than 99% of people."),
    ],
)
def test_percentile_sentences(dimension, percentile, sentence):
    assert percentile_sentence(dimension, percentile) == sentence


def test_the_middle_is_said_as_the_middle():
    sentence = percentile_sentence("avoidance", 50.2)
    assert "right in the middle" in sentence
    assert "%" not in sentence


@pytest.mark.parametrize(
    ("number", "word"),
    [
        *[(1, "1st"), (2, "2nd"), (3, "3rd"), (4, "4th"), (11, "11th"), (12, "12th")],
        *[(13, "13th"), (21, "21st"), (22, "22nd"), (23, "23rd"), (80, "80th"), (99, "99th")],
    ],
)
def test_ordinals(number, word):
    assert ordinal(number) == word


def test_percentile_is_a_range_with_its_most_likely_value():
    assert range_sentence(68.2, (55.4, 80.1)) == (
        "Between the 55th and the 80th percentile (most likely the 68th)."
    )
    # Never beyond everyone, and the point value stays inside the rounded range.
    assert range_sentence(99.8, (97.2, 100.0)) == (
        "Between the 97th and the 99th percentile (most likely the 99th)."
    )
    assert range_sentence(0.3, (0.0, 0.4)) == (
        "The 1st percentile; your answers leave little doubt about it."
    )


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


def chances(*pairs: tuple[str, float]) -> list[StyleChance]:
    return [StyleChance(s, STYLE_NAMES[s], p, percent_label(p)) for s, p in pairs]


def test_headline_names_two_styles_below_sixty_percent():
    title, eyebrow, names = headline(chances(("anxious", 0.59), ("disorganized", 0.31)))
    assert title == "Between Anxious and Fearful-avoidant"
    assert eyebrow == "Your answers sit between two styles"
    assert [c.style for c in names] == ["anxious", "disorganized"]

    title, eyebrow, names = headline(chances(("avoidant", 0.43), ("secure", 0.39)))
    assert title == "Between Avoidant and Secure"

    title, eyebrow, names = headline(chances(("avoidant", 0.6), ("secure", 0.3)))
    assert title == "Most likely Avoidant"
    assert [c.style for c in names] == ["avoidant"]


def test_how_sure_puts_the_percentages_next_to_what_the_full_form_can_do():
    sentences = how_sure_sentences(chances(("secure", 0.78), ("anxious", 0.2)), 0.8134)
    assert sentences[0] == (
        "Of 100 people who answer the way you did, about 78 would truly fall in the secure area."
    )
    assert "about 81 in 100 people" in sentences[1]
    assert "about 70 in 100" in how_sure_sentences(chances(("secure", 0.9)), 0.7)[1]
    extreme = how_sure_sentences(chances(("secure", 0.9999)), 0.81)[0]
    assert "more than 99 would" in extreme


def result_with(probabilities: dict[str, float]) -> Result:
    score = DimensionScore(theta=0.0, se=0.3, percentile=50.0, mean=3.0, n_items=18)
    return Result("secure", probabilities, score, score, "adults 18+")


def test_meaning_line_states_a_side_only_when_the_answers_make_it_clear():
    clear = result_with({"secure": 0.0, "anxious": 0.0, "avoidant": 0.0, "disorganized": 1.0})
    assert meaning_line(clear) == (
        "In close relationships, you often worry about rejection and abandonment, and "
        "closeness and depending on others tend to feel uncomfortable."
    )
    secure = result_with({"secure": 0.95, "anxious": 0.03, "avoidant": 0.02, "disorganized": 0})
    assert "plays a small part" in meaning_line(secure)
    assert "mostly at ease with closeness" in meaning_line(secure)
    unsure = result_with({"secure": 0.3, "anxious": 0.2, "avoidant": 0.3, "disorganized": 0.2})
    assert meaning_line(unsure).count("near the dividing line") == 2


def test_norm_report_describes_the_sample_in_one_sentence():
    sample = NormSample(
        key="adults",
        label="adults 18+ (n=34,860)",
        n=34860,
        share_women=0.684,
        median_age=25.0,
        style_shares={"secure": 0.32, "anxious": 0.4, "avoidant": 0.13, "disorganized": 0.15},
        source="volunteers who took the ECR online",
    )
    report = norm_report("adults 18+ (n=34,860)", sample)
    assert report.label == "adults 18+ (n=34,860)"
    assert report.sentence == (
        "They are 34,860 volunteers who took the ECR online; 68% are women and half are "
        "younger than 25. By their own answers, 32% secure, 40% anxious, 13% avoidant, "
        "15% fearful-avoidant."
    )
    assert report.method_url == "/about/#method"
    assert "number of people" in report.n_explained
    assert "neither agree nor disagree" in report.dividing_line
    # A result stored before samples were recorded still names its group.
    assert norm_report("all respondents (n=41,491)", None).sentence == ""


def fake_claim(*concerns: str, about_style: bool):
    return SimpleNamespace(concerns=list(concerns), is_about_style=about_style)


def test_about_your_style_needs_a_self_report_study_about_the_style():
    own = fake_claim("anxious", about_style=True)
    interview = fake_claim("anxious", about_style=False)
    insecure = fake_claim("insecure", about_style=True)
    everyone = fake_claim("everyone", about_style=True)

    tiers = claim_tiers("anxious", [own, interview, insecure, everyone])
    assert [t.heading for t in tiers] == ["About people with your style", "Related research"]
    assert tiers[0].claims == [own, insecure]
    assert tiers[1].claims == [interview, everyone] and tiers[1].related
    # "Insecure in general" is not about the secure style.
    secure = claim_tiers("secure", [insecure, everyone])
    assert [t.heading for t in secure] == ["Related research"]


@pytest.mark.parametrize("style", STYLES)
def test_the_real_library_is_filed_honestly_for_every_style(style):
    claims = get_library().claims_for_style(style)
    tiers = {tier.heading: tier.claims for tier in claim_tiers(style, claims)}
    about = tiers.get("About people with your style", [])
    related = tiers.get("Related research", [])
    assert all(claim.measures_self_report and claim.is_about_style for claim in about)
    assert sorted(c.id for c in about + related) == sorted(c.id for c in claims)


def test_style_name_filter_and_share_slugs():
    rendered = Template("{% load styles %}{{ s|style_name }}").render(
        Context({"s": "disorganized"})
    )
    assert rendered == "Fearful-avoidant"
    assert style_for_share_slug("fearful-avoidant") == "disorganized"
    with pytest.raises(KeyError):
        style_for_share_slug("disorganized")


@pytest.mark.django_db
def test_report_context_of_a_finished_quick_test():
    session = finished_session("avoidant")
    report = build_report_context(session)

    assert report.style == "avoidant"
    assert report.style_name == "Avoidant"
    assert report.headline == "Most likely Avoidant"
    assert report.chances[0].style == "avoidant"
    assert sorted(c.style for c in report.chances) == sorted(STYLES)
    probabilities = [c.probability for c in report.chances]
    assert probabilities == sorted(probabilities, reverse=True)
    assert sum(probabilities) == pytest.approx(1.0)
    assert report.avoidance.high and not report.anxiety.high
    assert report.avoidance.sentence.startswith("You feel more uncomfortable with closeness")
    assert report.anxiety.sentence.startswith("You worry less about rejection")
    assert report.n_items == report.anxiety.n_items + report.avoidance.n_items
    assert report.n_items == session.answers.count()
    for dimension in report.dimensions:
        # The quick test says what each score rests on, and gives a range, not a point.
        assert dimension.n_items < 18
        assert dimension.basis_sentence == f"This score rests on {dimension.n_items} questions."
        low, high = dimension.percentile_interval
        assert low <= dimension.percentile <= high and high - low > 1
        assert dimension.range_sentence.startswith("Between the ")
        assert "counts toward the score" in dimension.average_sentence
    assert report.norm.label.startswith("adults 18+")
    assert report.norm.sentence
    consistency = f"about {round(full_form_consistency() * 100)} in 100 people"
    assert consistency in report.how_sure[1]
    assert report.style_page.style == "avoidant"
    assert not report.near_boundary and report.runner_up is None


@pytest.mark.django_db
def test_a_result_near_a_boundary_names_the_two_leading_styles():
    # Answering "neither agree nor disagree" to everything sits right on both cuts.
    session = finished_session(form="full", keyed={"anxiety": 3, "avoidance": 3})
    report = build_report_context(session)

    assert report.top.probability < 0.6
    assert report.near_boundary
    assert report.runner_up == report.chances[1]
    assert report.headline == f"Between {report.chances[0].name} and {report.chances[1].name}"
    assert [c.style for c in report.headline_names] == [c.style for c in report.chances[:2]]
    assert report.certainty.startswith("Not clear-cut")
