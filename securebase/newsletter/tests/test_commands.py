"""Management commands: the seed issue loads once, unconfirmed addresses expire."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import frontmatter
import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone
from django_q.models import Schedule

from securebase.newsletter.mail import render_markdown
from securebase.newsletter.models import Issue, Subscriber
from securebase.newsletter.seed import FIRST_ISSUE

pytestmark = pytest.mark.django_db


def test_seed_loads_the_first_issue_once() -> None:
    expected = frontmatter.load(str(FIRST_ISSUE))
    call_command("seed_newsletter")
    call_command("seed_newsletter")
    issue = Issue.objects.get()
    assert issue.subject == expected["subject"]
    assert issue.preheader == expected["preheader"]
    assert issue.status == Issue.Status.DRAFT
    assert issue.body_markdown.strip() == expected.content.strip()
    assert "<h2>" in render_markdown(issue.body_markdown)


def test_seed_never_overwrites_an_edited_issue() -> None:
    call_command("seed_newsletter")
    Issue.objects.update(body_markdown="Edited by an operator.")
    call_command("seed_newsletter")
    assert Issue.objects.get().body_markdown == "Edited by an operator."


def test_seed_refuses_a_broken_file(tmp_path: Path) -> None:
    broken = tmp_path / "issue.md"
    broken.write_text("---\npreheader: no subject\n---\nBody\n")
    with pytest.raises(CommandError, match="subject"):
        call_command("seed_newsletter", "--file", str(broken))
    with pytest.raises(CommandError):
        call_command("seed_newsletter", "--file", str(tmp_path / "missing.md"))
    assert not Issue.objects.exists()


def test_purge_deletes_only_expired_unconfirmed(make_subscriber) -> None:
    old = make_subscriber("old@example.org", confirmed=False)
    fresh = make_subscriber("fresh@example.org", confirmed=False)
    reader = make_subscriber("reader@example.org")
    long_ago = timezone.now() - timedelta(days=4)
    Subscriber.objects.filter(pk__in=[old.pk, reader.pk]).update(
        created_at=long_ago, confirmation_sent_at=long_ago
    )
    Subscriber.objects.filter(pk=fresh.pk).update(
        created_at=long_ago, confirmation_sent_at=timezone.now() - timedelta(days=1)
    )
    call_command("purge_newsletter")
    assert set(Subscriber.objects.values_list("email", flat=True)) == {
        "fresh@example.org",
        "reader@example.org",
    }


def test_purge_runs_daily() -> None:
    schedule = Schedule.objects.get(name="newsletter-purge-unconfirmed")
    assert schedule.func == "securebase.newsletter.tasks.purge_unconfirmed"
    assert schedule.schedule_type == Schedule.DAILY
