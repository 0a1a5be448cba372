"""Result page, PDF download, deletion and consent, through the real URLs."""

import re

import pytest
from django.core import mail
from django.urls import reverse
from django.utils.html import escape

from securebase.quiz import services as quiz
from securebase.quiz.models import Answer
from securebase.reports.models import DeletedResult, ReportEmail, ReportPDF
from securebase.reports.pdf import pdf_for
from securebase.reports.services import STYLE_NAMES, build_report_context, studied_phrase
from securebase.reports.tasks import send_report_email
from securebase.reports.tests.factories import finished_session, unfinished_session
from securebase.reports.tests.pdf_tools import pdf_info, pdf_metadata

pytestmark = pytest.mark.django_db


def assert_private(response):
    assert "no-store" in response["Cache-Control"]
    assert "noindex" in response["X-Robots-Tag"]


def test_result_page_shows_the_result_privately(client, session):
    response = client.get(f"/results/{session.token}/")

    assert response.status_code == 200
    assert_private(response)
    html = response.content.decode()
    assert '<meta name="robots" content="noindex' in html
    assert "Anxious" in html
    assert "You worry more about rejection and abandonment than" in html
    assert 'role="img"' in html and '<title id="chart-title">' in html
    assert "not a diagnosis" in html
    assert "Where to find help" in html
    assert "What research says" in html
    # A neutral tab title: the style stays out of a shared device's history.
    assert "<title>Your result · securebase</title>" in html
    assert not re.search(r"\sstyle=", html)  # the CSP blocks inline styles
    assert html.count("csrfmiddlewaretoken") >= 1


def test_unfinished_session_goes_back_to_its_question(client):
    session = unfinished_session()
    for url in (f"/results/{session.token}/", f"/results/{session.token}/report.pdf"):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"] == f"/quiz/s/{session.token}/"


@pytest.mark.parametrize("suffix", ["report.pdf", "delete/"])
def test_unknown_token_is_404(client, suffix):
    response = client.get(f"/results/{'x' * 43}/{suffix}")
    assert response.status_code == 404
    assert "We could not find that page" in response.content.decode()


def test_unknown_result_link_says_it_may_have_been_deleted_and_offers_the_quiz(client):
    token = "x" * 43
    response = client.get(f"/results/{token}/")

    assert response.status_code == 404
    assert_private(response)
    html = response.content.decode()
    assert "This result does not exist or was deleted" in html
    assert 'href="/quiz/"' in html
    assert token not in html


def test_a_deleted_result_link_says_it_was_deleted_without_keeping_the_token(client, session):
    token = session.token
    client.post(f"/results/{token}/delete/")

    response = client.get(f"/results/{token}/")

    assert response.status_code == 410
    assert_private(response)
    html = response.content.decode()
    assert "This result was deleted" in html
    assert 'href="/quiz/"' in html
    assert token not in html
    # Only a keyed hash is kept: the token appears in no column of any row.
    (kept,) = DeletedResult.objects.values_list("token_hash", flat=True)
    assert token not in kept and len(kept) == 64
    # Another unknown link is not reported as deleted.
    assert client.get(f"/results/{'y' * 43}/").status_code == 404


def test_pdf_download(client, session):
    response = client.get(reverse("reports:pdf", args=[session.token]))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="securebase-report.pdf"'
    assert_private(response)
    assert response.content.startswith(b"%PDF")
    pages, text = pdf_info(response.content)
    assert pages >= 2
    assert "Anxious" in text
    metadata = pdf_metadata(response.content)
    assert metadata["Tagged"] == "yes"  # headings and reading order for screen readers
    assert "securebase" in metadata["Title"] and "Anxious" not in metadata["Title"]
    assert "not a diagnosis" in text


def test_repeated_pdf_request_is_served_from_the_cache_until_the_result_changes(client, session):
    url = reverse("reports:pdf", args=[session.token])
    first = client.get(url)
    kept = ReportPDF.objects.get(session=session)

    again = client.get(url)

    assert again.content == first.content
    # Not rendered again: the kept row was neither replaced nor rewritten.
    assert ReportPDF.objects.get(session=session).rendered_at == kept.rendered_at
    # A new comparison group changes the result, so the next request draws a new PDF.
    quiz.choose_norm_group(session.token, gender="female", age_band=None)
    changed = client.get(url)
    assert ReportPDF.objects.get(session=session).fingerprint != kept.fingerprint
    assert changed.content != first.content


def test_deleting_a_result_deletes_its_kept_pdf(client, session):
    client.get(reverse("reports:pdf", args=[session.token]))
    assert ReportPDF.objects.filter(session=session).exists()

    client.post(f"/results/{session.token}/delete/")

    assert not ReportPDF.objects.exists()


def test_pdf_downloads_are_rate_limited(client, session, settings):
    settings.SECUREBASE_REPORT_PDF_RATE_PER_RESULT = "1/h"
    url = reverse("reports:pdf", args=[session.token])
    assert client.get(url).status_code == 200

    response = client.get(url)
    assert response.status_code == 429
    assert_private(response)
    # The result page again, saying when the PDF can be downloaded again.
    html = response.content.decode()
    assert 'id="pdf-limit"' in html and "Your two scores" in html
    assert re.search(r"You can try again in (\d+ minutes?|about an hour), or have it", html)


@pytest.mark.parametrize("style", ["secure", "disorganized"])
def test_pdf_names_each_style(style):
    pages, text = pdf_info(pdf_for(finished_session(style)))
    assert pages >= 2
    assert {"secure": "Secure", "disorganized": "Fearful-avoidant"}[style] in text


def test_email_form_queues_and_sends_then_forgets_the_address(client, session):
    response = client.post(f"/results/{session.token}/email/", {"email": "reader@example.org"})

    assert response.status_code == 302
    assert response["Location"] == f"/results/{session.token}/#email-status"
    assert_private(response)
    page = client.get(response["Location"]).content.decode()
    assert "We are sending your report to that address." in page
    assert "We delete the address as soon as it is sent." in page
    row = ReportEmail.objects.get(session=session)
    assert row.status == ReportEmail.Status.SENT
    assert row.email == ""
    assert [m.to for m in mail.outbox] == [["reader@example.org"]]
    assert mail.outbox[0].attachments[0][0] == "securebase-report.pdf"


def test_newsletter_only_when_ticked(client, session):
    client.post(f"/results/{session.token}/email/", {"email": "one@example.org"})
    assert len(mail.outbox) == 1

    client.post(f"/results/{session.token}/email/", {"email": "two@example.org", "subscribe": "1"})
    recipients = [m.to[0] for m in mail.outbox]
    # The report, plus the newsletter's own confirmation mail (double opt-in).
    assert recipients.count("two@example.org") == 2
    assert ReportEmail.objects.get(subscribe=True).email == ""


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("", "Please enter the email address"),
        ("not-an-address", "Please enter an email address like"),
        ("a@example.org\r\nBcc: b@example.org", "Please enter an email address like"),
    ],
)
def test_bad_address_is_explained_and_kept(client, session, value, message):
    response = client.post(f"/results/{session.token}/email/", {"email": value})

    assert response.status_code == 200
    html = response.content.decode()
    assert message in html
    assert 'aria-invalid="true"' in html
    if value:
        assert 'value="' + value.split("\r")[0] in html
    assert not ReportEmail.objects.exists()
    assert mail.outbox == []


def test_report_mail_is_rate_limited_per_result(client, session, settings):
    # The defaults are 3/h; 1/h tests the same code with fewer (slow) PDFs.
    settings.SECUREBASE_REPORT_EMAIL_RATE_PER_RESULT = "1/h"
    url = f"/results/{session.token}/email/"
    assert client.post(url, {"email": "first@example.org"}).status_code == 302
    response = client.post(url, {"email": "second@example.org"})

    # Not a dead end: the result page again, with when to try again at the email action.
    assert response.status_code == 429
    assert_private(response)
    html = response.content.decode()
    assert "Your two scores" in html
    message = re.search(r'<p class="notice error" id="email-report"[^>]*>(.*?)</p>', html).group(1)
    assert re.search(r"You can try again in (\d+ minutes?|about an hour)\.", message), message
    assert ReportEmail.objects.count() == 1


def test_report_mail_is_rate_limited_per_address(client, settings):
    settings.SECUREBASE_REPORT_EMAIL_RATE_PER_ADDRESS = "1/h"
    first, second = finished_session("secure"), finished_session("secure")
    response = client.post(f"/results/{first.token}/email/", {"email": "Same@Example.org"})
    assert response.status_code == 302
    response = client.post(f"/results/{second.token}/email/", {"email": "same@example.org"})
    assert response.status_code == 429


def test_typos_do_not_use_up_the_per_result_limit(client, session, settings):
    settings.SECUREBASE_REPORT_EMAIL_RATE_PER_RESULT = "1/h"
    url = f"/results/{session.token}/email/"
    for _ in range(3):
        assert client.post(url, {"email": "oops"}).status_code == 200
    assert client.post(url, {"email": "right@example.org"}).status_code == 302


def test_report_mail_is_rate_limited_per_network(client, session, settings):
    settings.SECUREBASE_REPORT_EMAIL_RATE_PER_IP = "2/h"
    url = f"/results/{session.token}/email/"
    for _ in range(2):
        client.post(url, {"email": "oops"})
    response = client.post(url, {"email": "oops"})
    assert response.status_code == 429
    assert "You can try again in" in response.content.decode()


def test_delete_asks_then_removes_everything_at_once(client, session):
    token = session.token
    queued = ReportEmail.objects.create(session=session, email="later@example.org")
    client.get(f"/quiz/s/{token}/")  # the quiz remembers this browser's session
    assert client.session.get("quiz_token") == token

    confirm = client.get(f"/results/{token}/delete/")
    assert confirm.status_code == 200
    assert_private(confirm)
    assert "Delete your answers?" in confirm.content.decode()

    response = client.post(f"/results/{token}/delete/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Your answers and result have been deleted" in html
    assert token not in html
    with pytest.raises(quiz.SessionNotFound):
        quiz.get_session(token)
    assert not Answer.objects.filter(session_id=session.pk).exists()
    assert not ReportEmail.objects.filter(pk=queued.pk).exists()
    assert "quiz_token" not in client.session
    # The mail that was waiting is never sent.
    assert send_report_email(queued.pk) == "nothing to send"
    assert mail.outbox == []
    assert client.get(f"/results/{token}/").status_code == 410
    # Deleting again (back button, double click) still says it is done.
    assert client.post(f"/results/{token}/delete/").status_code == 200


def test_research_consent_can_be_withdrawn(client):
    session = finished_session("secure", consent_research=True)
    page = client.get(f"/results/{session.token}/").content.decode()
    assert "Withdraw my research consent" in page

    response = client.post(f"/results/{session.token}/consent/", follow=True)

    assert response.status_code == 200
    html = response.content.decode()
    assert "Your research consent is withdrawn" in html
    assert "Withdraw my research consent" not in html
    assert quiz.get_session(session.token).consent_research is False


def test_consent_withdrawal_needs_post_and_a_real_session(client, session):
    # A GET (a reload, a bookmark) changes nothing and goes back to the result page.
    session.consent_research = True
    session.save(update_fields=["consent_research"])
    response = client.get(f"/results/{session.token}/consent/")
    assert response.status_code == 302
    assert response["Location"] == f"/results/{session.token}/#your-data"
    assert "no-store" in response["Cache-Control"]
    assert quiz.get_session(session.token).consent_research is True
    response = client.get(f"/results/{session.token}/email/")
    assert response["Location"] == f"/results/{session.token}/#email-report"
    assert client.post(f"/results/{'y' * 43}/consent/").status_code == 404


def test_forms_are_csrf_protected(session):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    for path in ("email/", "delete/", "consent/"):
        response = strict.post(f"/results/{session.token}/{path}", {"email": "a@example.org"})
        assert response.status_code == 403
    assert quiz.get_session(session.token)


def visible_text(html: str) -> str:
    """The words a reader sees: no tags, attributes, scripts or the SVG's class names."""
    body = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", body))


def test_answers_that_point_nowhere_name_no_style_in_the_headline(client):
    # "Neither agree nor disagree" to everything: the answers cannot be scored well, and the
    # page says so instead of naming a style (test_quality_notice.py has the details).
    session = finished_session(form="full", keyed={"anxiety": 3, "avoidance": 3})
    html = client.get(f"/results/{session.token}/").content.decode()

    h1 = visible_text(re.search(r"<h1[^>]*>(.*?)</h1>", html, flags=re.S).group(1))
    assert "We cannot give you a clear result from these answers" in h1
    assert not any(name in h1 for name in STYLE_NAMES.values())
    text = visible_text(html)
    assert "Your answers were mostly in the middle" in text
    assert "not a diagnosis" in text


def test_high_anxiety_high_avoidance_is_shown_as_fearful_avoidant(client):
    session = finished_session("disorganized", form="full")
    html = client.get(f"/results/{session.token}/").content.decode()

    h1 = re.search(r"<h1[^>]*>(.*?)</h1>", html, flags=re.S).group(1)
    assert "Fearful-avoidant" in h1 and "isorganized" not in visible_text(h1)
    chart_labels = re.findall(r'<text data-style="(\w+)"[^>]*>([^<]+)</text>', html)
    assert ("disorganized", "Fearful-avoidant") in chart_labels
    assert '<span class="prob-name">Fearful-avoidant</span>' in html
    assert "Disorganized" not in visible_text(html)


@pytest.mark.parametrize("style", ["secure", "anxious", "avoidant", "disorganized"])
def test_wording_rules_hold_on_every_style_page(client, style):
    html = client.get(f"/results/{finished_session(style).token}/").content.decode()
    text = visible_text(html).lower()

    double_negatives = ("less uncomfortable", "not uncomfortable", "less at ease", "not at ease")
    for phrase in ("anxious about closeness", *double_negatives):
        assert phrase not in text, phrase
    assert "worry about rejection and abandonment" in text
    assert "discomfort with closeness and with depending on others" in text
    assert "this score rests on" in text
    assert "compared with adults 18+" in text
    assert 'href="/about/#method"' in html


def test_help_box_numbers_are_tap_to_call_or_text(client, session):
    html = client.get(f"/results/{session.token}/").content.decode()
    help_box = html[html.index('id="help-title"') : html.index('id="data-title"')]

    for number in ("988", "116123", "131114", "+18007997233", "08082000247", "1800737732"):
        assert f'href="tel:{number}"' in help_box
    for number in ("741741", "85258", "50808", "88788"):
        assert f'href="sms:{number}"' in help_box
    assert help_box.count("Domestic abuse:") >= 4
    assert 'href="https://findahelpline.com/"' in help_box
    # Every number a person reads is a link (digits outside links would be a dead end).
    outside_links = re.sub(r"<a\b.*?</a>", " ", help_box, flags=re.S)
    assert not re.search(r"\b\d{3}[ -]?\d{3}\b", visible_text(outside_links))


def test_result_page_offers_its_private_link_and_only_a_public_share_page(client, session):
    html = client.get(f"/results/{session.token}/").content.decode()

    assert f'value="http://testserver/results/{session.token}/" readonly' in html
    assert 'data-copy="private-link" hidden' in html  # shown by copy.js; works without it
    assert 'href="/share/anxious/"' in html


def test_share_page_shows_only_the_style(client):
    session = finished_session("disorganized")
    response = client.get("/share/fearful-avoidant/")

    assert response.status_code == 200
    html = response.content.decode()
    assert "Fearful-avoidant" in html
    assert session.token not in html and "/results/" not in html
    assert "%" not in visible_text(html)  # no scores, no probabilities
    assert '<meta property="og:image" content="http://' in html
    assert "/share/fearful-avoidant.png" in html
    assert '<meta name="twitter:card" content="summary_large_image">' in html
    assert "noindex" not in response.get("X-Robots-Tag", "")


def test_share_image_is_a_png_per_style(client):
    response = client.get("/share/fearful-avoidant.png")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert response.content.startswith(b"\x89PNG\r\n\x1a\n")
    assert "public" in response["Cache-Control"]
    assert client.get("/share/secure.png").content != response.content
    for url in ("/share/disorganized/", "/share/nobody.png", "/share/secure/extra/"):
        assert client.get(url).status_code == 404


def test_research_files_findings_by_how_attachment_was_measured(client, session):
    html = client.get(f"/results/{session.token}/").content.decode()
    research = html[html.index('id="research-title"') : html.index('id="help-title"')]
    assert '<details class="research-details">' in research  # closed until asked for
    tiers = {tier.heading: tier for tier in build_report_context(session).claim_tiers}
    related = tiers["Related research"]
    assert "About people with your style" not in tiers or all(
        claim.is_about_style for claim in tiers["About people with your style"].claims
    )
    for claim in related.claims:
        shown = f"Studied: {escape(studied_phrase(claim))}. {escape(claim.measure_phrase)}."
        assert shown in research
    assert "we have not checked" not in research
    # Findings about the reader's style come first, related research after.
    if "About people with your style" in tiers:
        assert research.index("About people with your style") < research.index("Related research")
