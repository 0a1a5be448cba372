import re, pytest
from django.core import mail as djmail
from securebase.reports.tests.factories import finished_session
from securebase.reports.services import build_report_context
from securebase.reports.pdf import render_report_html
from securebase.reports.mail import report_message
from securebase.reports.models import ReportEmail

def vis(html):
    html = re.sub(r"<(script|style|title|desc)\b.*?</\1>", " ", html, flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))

CASES = {"secure": None, "anxious": None, "avoidant": None, "disorganized": None, "neutral": {"anxiety": 3, "avoidance": 3}}

@pytest.mark.django_db
@pytest.mark.parametrize("case", list(CASES))
def test_dump(client, case):
    s = finished_session(case if case != "neutral" else "secure", form="full", keyed=CASES[case])
    page = client.get(f"/results/{s.token}/").content.decode()
    r = build_report_context(s)
    pdf = render_report_html(r)
    row = ReportEmail.objects.create(session=s, email="a@example.org")
    msg = report_message(row, b"%PDF-", r)
    open(f"/tmp/cw/{case}.page.txt","w").write(vis(page))
    open(f"/tmp/cw/{case}.page.html","w").write(page)
    open(f"/tmp/cw/{case}.pdf.txt","w").write(vis(pdf))
    open(f"/tmp/cw/{case}.mail.txt","w").write(msg.body)
