"""What the report says: headline, certainty, percentiles as ranges, norms, evidence filing."""

from types import SimpleNamespace

import pytest
from django.template import Context, Template

from securebase.content.library import get_library
from securebase.psychometrics import STYLES, DimensionScore, Result, item_bank
from securebase.psychometrics.certainty import retest_agreement
from securebase.psychometrics.norms import NormSample
from securebase.quiz.services import get_result
from securebase.reports.services import (
    STYLE_NAMES,
    StyleChance,
    build_report_context,
    claim_tiers,
    headline,
    how_sure_sentences,
    in_100,
    meaning_line,
    norm_report,
    percent_label,
    percentile_sentence,
    range_sentence,
    retry_phrase,
    style_for_share_slug,
)
from securebase.reports.templatetags.typeset import keep_names
from securebase.reports.tests.factories import finished_session


@pytest.mark.parametrize(
    ("dimension", "percentile", "sentence"),
    [
        (
            "anxiety",
            62.4,
            "You worry more about rejection and abandonment than 62% of the comparison group.",
        ),
        (
            "anxiety",
            20.0,
            "You worry less about rejection and abandonment than 80% of the comparison group.",
        ),
        (
            "avoidance",
            60.0,
            "You feel more uncomfortable with closeness and with depending on others than 60% "
            "of the comparison group.",
        ),
        (
            "avoidance",
            40.0,
            "You feel more at ease with closeness and with depending on others than 60% of the "
            "comparison group.",
        ),
        (
            "anxiety",
            99.97,
            "You worry more about rejection and abandonment than 99% of the comparison group.",
        ),
        (
            "anxiety",
            0.01,
            "You worry less about rejection and abandonment than 99% of the comparison group.",
        ),
    ],
)
def test_percentile_sentences(dimension, percentile, sentence):
    assert percentile_sentence(dimension, percentile) == sentence


def test_the_middle_is_said_as_the_middle():
    sentence = percentile_sentence("avoidance", 50.2)
    assert "right in the middle" in sentence
    assert "%" not in sentence


def test_percentile_is_a_range_of_people_with_its_most_likely_value():
    assert range_sentence(68.2, (55.4, 80.1)) == (
        "Out of 100 people in the comparison group, between 55 and 80 score lower than you "
        "(most likely 68)."
    )
    # Never beyond everyone, and the point value stays inside the rounded range.
    assert range_sentence(99.8, (97.2, 100.0)) == (
        "Out of 100 people in the comparison group, between 97 and 99 score lower than you "
        "(most likely 99)."
    )
    assert range_sentence(0.3, (0.0, 0.4)) == (
        "Out of 100 people in the comparison group, about 1 score lower than you; your "
        "answers leave little doubt about it."
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


def test_headline_names_no_style_when_the_leading_two_are_below_seventy_percent():
    spread = chances(
        ("avoidant", 0.33), ("secure", 0.30), ("anxious", 0.19), ("disorganized", 0.18)
    )
    title, _, names = headline(spread)
    assert title == "Your answers do not point clearly to one style"
    assert names == []
    # Just at the line, two styles are named again.
    title, _, names = headline(chances(("avoidant", 0.4), ("secure", 0.3), ("anxious", 0.3)))
    assert title == "Between Avoidant and Secure" and len(names) == 2


def test_how_sure_says_the_percentages_are_about_where_you_really_are():
    n_full = len(item_bank().items)
    sentences = how_sure_sentences(
        chances(("secure", 0.78), ("anxious", 0.2)), "full", full_form_agreement=None, retest=0.8134
    )
    assert sentences == [
        "The percentages are the chance that you really are in each area of the chart, given "
        "your answers: about 78 in 100 for secure.",
        f"In our simulations of people whose feelings did not change, answering all {n_full} "
        "questions twice gave the same style both times for about 81 in 100 of them. Real "
        "retests differ more, because people change.",
    ]
    again = how_sure_sentences(
        chances(("secure", 0.9)), "full", full_form_agreement=None, retest=0.7
    )
    assert "about 70 in 100" in again[1]
    extreme = how_sure_sentences(
        chances(("secure", 0.9999)), "full", full_form_agreement=None, retest=0.81
    )
    assert "more than 99 in 100" in extreme[0]


def test_how_sure_on_the_quick_test_adds_the_full_questionnaire_as_a_second_figure():
    n_full = len(item_bank().items)
    quick = how_sure_sentences(
        chances(("anxious", 0.7), ("secure", 0.3)), "adaptive", full_form_agreement=0.92, retest=0.8
    )
    assert quick[0].endswith("about 70 in 100 for anxious.")
    assert quick[1] == (
        f"If you answered all {n_full} questions, the chance that you would get the same style "
        "is about 92 in 100."
    )
    assert "answering the quick version twice" in quick[2] and "about 80 in 100" in quick[2]
    # Quick results stored before the second figure: their percentages were the forecast.
    stored = how_sure_sentences(
        chances(("anxious", 0.7)), "adaptive", full_form_agreement=None, retest=0.8
    )
    assert stored[0] == (
        f"Given answers like yours, all {n_full} questions would give the anxious style about "
        "70 times in 100."
    )


def result_with(
    probabilities: dict[str, float], interval: tuple[float, float] = (40.0, 60.0)
) -> Result:
    score = DimensionScore(
        theta=0.0, se=0.3, percentile=50.0, mean=3.0, n_items=18, percentile_interval=interval
    )
    return Result("secure", probabilities, score, score, "adults 18+")


def test_meaning_line_states_a_side_only_when_the_answers_make_it_clear():
    high = {"secure": 0.0, "anxious": 0.0, "avoidant": 0.0, "disorganized": 1.0}
    assert meaning_line(result_with(high, (70.0, 90.0))) == (
        "In close relationships, your worry about rejection and abandonment is on the high "
        "side, and closeness and depending on others tend to feel uncomfortable."
    )
    # Clearly above the line, but the range reaches below the middle of the group (say the
    # 52nd percentile, 40th to 65th): above the dividing line, not "high".
    assert meaning_line(result_with(high, (40.0, 65.0))) == (
        "In close relationships, your worry about rejection and abandonment is above the "
        "dividing line, and your discomfort with closeness and with depending on others is "
        "above the dividing line."
    )
    secure = {"secure": 0.95, "anxious": 0.03, "avoidant": 0.02, "disorganized": 0}
    clearly_low = meaning_line(result_with(secure, (10.0, 30.0)))
    assert "worry about rejection and abandonment is on the low side" in clearly_low
    assert "mostly at ease with closeness" in clearly_low
    low = meaning_line(result_with(secure, (25.0, 55.0)))
    assert low.count("below the dividing line") == 2
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
        source="volunteers who took the ECR online at a website, data release of March 2018",
    )
    report = norm_report("adults 18+ (n=34,860)", sample)
    # The size is said in words in the sentence, not as "n=" in the name.
    assert report.label == "adults 18+"
    assert report.sentence == (
        "They are 34,860 volunteers who answered these questions online at a website; 68% "
        "are women and half are younger than 25. By their own answers, 32% secure, 40% "
        "anxious, 13% avoidant, 15% fearful-avoidant."
    )
    assert report.method_url == "/about/#method"
    assert "neither agree nor disagree" in report.dividing_line
    # A result stored before samples were recorded still names its group.
    old = norm_report("all respondents (n=41,491)", None)
    assert (old.label, old.sentence) == ("all respondents", "")


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
        assert dimension.range_sentence.startswith(
            "Out of 100 people in the comparison group, between "
        )
        assert "counts toward the score" in dimension.average_sentence
    assert report.norm.label.startswith("adults 18+")
    assert report.norm.sentence
    repeat = f"about {round(retest_agreement('adaptive') * 100)} in 100 of them"
    assert repeat in report.how_sure[2]
    agreement = get_result(session).full_form_agreement
    assert agreement is not None
    assert report.how_sure[1].endswith(f"the same style is {in_100(agreement)} in 100.")
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
    # The leading two together are below 70%: no style is named.
    assert report.chances[0].probability + report.chances[1].probability < 0.7
    assert report.headline == "Your answers do not point clearly to one style"
    assert report.headline_names == []
    assert report.certainty.startswith("Not clear-cut")


@pytest.mark.django_db
def test_a_result_between_two_styles_names_both():
    session = finished_session(form="full", keyed={"anxiety": 5, "avoidance": 3})
    report = build_report_context(session)

    assert report.top.probability < 0.6
    assert report.chances[0].probability + report.chances[1].probability >= 0.7
    assert report.headline == f"Between {report.chances[0].name} and {report.chances[1].name}"
    assert [c.style for c in report.headline_names] == [c.style for c in report.chances[:2]]


@pytest.mark.parametrize(
    ("seconds", "words"),
    [(0, "in 1 minute"), (59, "in 1 minute"), (61, "in 2 minutes"), (3599, "in about an hour")],
)
def test_retry_phrase_rounds_up_to_whole_minutes(seconds, words):
    assert retry_phrase(seconds) == words


@pytest.mark.parametrize(
    ("authors", "kept"),
    [
        ("De Dreu, C. K. W.", "De Dreu,\u00a0C.\u00a0K.\u00a0W."),
        ("Fang, A., & Hoge, E.-A.", "Fang,\u00a0A., &\u00a0Hoge,\u00a0E.-A."),
    ],
)
def test_reference_names_keep_their_initials_together(authors, kept):
    assert keep_names(authors) == kept
