"""The first issue ships with the code, written by a science writer in ``seed/first-issue.md``.

The file is Markdown with YAML front matter (``subject``, ``preheader``). Seeding is
idempotent: an issue with the same subject is never created twice, and an existing
issue (maybe already edited or sent by operators) is never touched.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import frontmatter
from django.core.exceptions import ValidationError

from securebase.newsletter.models import Issue

FIRST_ISSUE = Path(__file__).resolve().parent / "seed" / "first-issue.md"


class SeedError(Exception):
    pass


@dataclass(frozen=True)
class SeedResult:
    issue: Issue
    created: bool


def load_issue(path: Path = FIRST_ISSUE) -> SeedResult:
    try:
        post = frontmatter.load(str(path))
    except (OSError, ValueError) as exc:
        raise SeedError(f"cannot read {path}: {exc}") from exc
    subject = str(post.metadata.get("subject") or "").strip()
    preheader = str(post.metadata.get("preheader") or "").strip()
    body = post.content.strip()
    if not subject or not body:
        raise SeedError(f"{path} needs a 'subject' in its front matter and a Markdown body")
    existing = Issue.objects.filter(subject=subject).first()
    if existing is not None:
        return SeedResult(existing, created=False)
    issue = Issue(subject=subject, preheader=preheader, body_markdown=body + "\n")
    try:
        issue.full_clean()
    except ValidationError as exc:
        raise SeedError(f"{path} is not a valid issue: {exc.messages}") from exc
    issue.save()
    return SeedResult(issue, created=True)
