"""Operators see whether report mails go out, never to whom.

No address, no link to the session (its token is the key to a person's result): status,
attempts and the SMTP reply code are what is needed to notice a broken mail server.
"""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from securebase.reports.models import ReportEmail


@admin.register(ReportEmail)
class ReportEmailAdmin(admin.ModelAdmin):
    list_display = (
        "id",
        "status",
        "attempts",
        "last_error_code",
        "created_at",
        "handed_over_at",
        "sent_at",
    )
    list_filter = ("status", "last_error_code")
    # handed_over_at without sent_at: the worker died after handing the mail to SMTP, so
    # whether it arrived is unknown (securebase/reports/tasks.py); it is not resent.
    fields = (
        "status",
        "attempts",
        "last_error_code",
        "subscribe",
        "created_at",
        "handed_over_at",
        "sent_at",
    )
    readonly_fields = fields
    ordering = ("-created_at",)
    show_full_result_count = False

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: ReportEmail | None = None) -> bool:
        return False
