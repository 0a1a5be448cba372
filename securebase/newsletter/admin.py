"""Operators' side: write issues, preview them, test-send, send, and watch the send.

Addresses are visible only on the subscriber list, to logged-in operators. Delivery
rows show a subscriber number, not the address, so the progress view can be shared
on a screen without showing who reads the newsletter.
"""

from __future__ import annotations

from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from securebase.newsletter import mail, services
from securebase.newsletter.addresses import InvalidEmail, address_hash, normalise_email
from securebase.newsletter.models import Delivery, Issue, Subscriber, Suppression, new_secret
from securebase.newsletter.sending import progress

CONTENT_FIELDS = ("subject", "preheader", "body_markdown")


@admin.register(Issue)
class IssueAdmin(admin.ModelAdmin):
    list_display = ("subject", "status", "created_at", "sent_at", "delivery_summary")
    list_filter = ("status",)
    search_fields = ("subject",)
    actions = ("send_test_mail", "send_to_subscribers")
    fieldsets = (
        (None, {"fields": CONTENT_FIELDS}),
        ("Preview", {"fields": ("preview",)}),
        ("Sending", {"fields": ("status", "delivery_progress", "send_started_at", "sent_at")}),
    )

    def get_readonly_fields(self, request: HttpRequest, obj: Issue | None = None) -> tuple:
        fixed = ("preview", "status", "delivery_progress", "send_started_at", "sent_at")
        if obj is not None and obj.status != Issue.Status.DRAFT:
            return CONTENT_FIELDS + fixed  # what was sent must stay what the page shows
        return fixed

    def has_delete_permission(self, request: HttpRequest, obj: Issue | None = None) -> bool:
        return obj is None or obj.status == Issue.Status.DRAFT

    @admin.display(description="Preview of the body")
    def preview(self, obj: Issue) -> str:
        if obj.pk is None:
            return "Save the draft to see a preview."
        url = reverse("admin:newsletter_issue_preview", args=[obj.pk])
        return format_html(
            '<p><a href="{}">Open the whole mail as subscribers will see it</a></p>'
            '<div class="newsletter-preview">{}</div>',
            url,
            mark_safe(mail.render_markdown(obj.body_markdown)),  # noqa: S308 - html disabled
        )

    @admin.display(description="Deliveries")
    def delivery_summary(self, obj: Issue) -> str:
        counts = progress(obj)
        total = sum(counts.values())
        if not total:
            return "none"
        return f"{counts[Delivery.Status.SENT]} of {total} sent"

    @admin.display(description="Progress")
    def delivery_progress(self, obj: Issue) -> str:
        if obj.pk is None:
            return "-"
        counts = progress(obj)
        total = sum(counts.values())
        if not total:
            return "Not sent yet."
        done = total - sum(
            counts[s]
            for s in (
                Delivery.Status.PENDING,
                Delivery.Status.SENDING,
                Delivery.Status.FAILED_TEMPORARY,
            )
        )
        labels = dict(Delivery.Status.choices)
        items = "".join(
            format_html("<li>{}: {}</li>", labels[status], n) for status, n in counts.items() if n
        )
        link = reverse("admin:newsletter_delivery_changelist") + f"?issue__id__exact={obj.pk}"
        return format_html(
            '<progress max="{}" value="{}">{} of {}</progress> {} of {} settled'
            '<ul>{}</ul><a href="{}">See every delivery</a> (reload this page to follow progress)',
            total,
            done,
            done,
            total,
            done,
            total,
            mark_safe(items),  # noqa: S308 - built with format_html above
            link,
        )

    def get_urls(self) -> list:
        custom = [
            path(
                "<int:issue_id>/preview/",
                self.admin_site.admin_view(self.preview_view),
                name="newsletter_issue_preview",
            )
        ]
        return custom + super().get_urls()

    def preview_view(self, request: HttpRequest, issue_id: int) -> HttpResponse:
        """The HTML part exactly as a subscriber gets it (with a link for nobody's address)."""
        issue = get_object_or_404(Issue, pk=issue_id)
        message = mail.issue_message(
            mail.RenderedIssue.of(issue), to="preview@example.org", unsubscribe_key=new_secret()
        )
        html = str(message.alternatives[0][0])
        response = HttpResponse(html, content_type="text/html; charset=utf-8")
        response.headers["Cache-Control"] = "no-store"
        return response

    @admin.action(description="Send a test mail of the selected issue to me")
    def send_test_mail(self, request: HttpRequest, queryset: QuerySet[Issue]) -> None:
        to = getattr(request.user, "email", "")
        if not to:
            self.message_user(
                request, "Your operator account has no email address.", messages.ERROR
            )
            return
        for issue in queryset:
            try:
                services.send_test_mail(issue, to)
            except (InvalidEmail, OSError) as exc:
                self.message_user(
                    request, f"Test mail of {issue} failed: {type(exc).__name__}", messages.ERROR
                )
                continue
            self.message_user(request, f"Test mail of “{issue}” sent to {to}.")

    @admin.action(description="Send the selected issue to all confirmed subscribers")
    def send_to_subscribers(
        self, request: HttpRequest, queryset: QuerySet[Issue]
    ) -> TemplateResponse | None:
        drafts = list(queryset.filter(status=Issue.Status.DRAFT))
        if len(drafts) != queryset.count():
            self.message_user(request, "Only drafts can be sent; others were left alone.")
        if not drafts:
            return None
        if request.POST.get("confirm") != "yes":
            context = {
                **self.admin_site.each_context(request),
                "title": "Send to all confirmed subscribers?",
                "issues": drafts,
                "subscriber_count": Subscriber.objects.filter(
                    status=Subscriber.Status.CONFIRMED
                ).count(),
                "opts": self.model._meta,
                "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
            }
            return TemplateResponse(
                request, "admin/newsletter/issue/send_confirmation.html", context
            )
        for issue in drafts:
            try:
                count = services.start_sending(issue.pk)
            except services.AlreadyStarted:
                self.message_user(request, f"“{issue}” was already being sent.", messages.WARNING)
                continue
            self.message_user(request, f"Sending “{issue}” to {count} subscribers.")
        return None


@admin.register(Delivery)
class DeliveryAdmin(admin.ModelAdmin):
    list_display = (
        "id",
        "issue",
        "subscriber_number",
        "status",
        "attempts",
        "last_smtp_code",
        "next_attempt_at",
        "sent_at",
    )
    list_filter = ("status", "issue")
    list_select_related = ("issue",)
    show_facets = admin.ShowFacets.ALWAYS
    actions = ("resend_unknown",)
    readonly_fields = (
        "issue",
        "subscriber_number",
        "status",
        "attempts",
        "next_attempt_at",
        "claimed_at",
        "last_smtp_code",
        "sent_at",
    )
    fields = readonly_fields

    @admin.display(description="Subscriber")
    def subscriber_number(self, obj: Delivery) -> str:
        return f"#{obj.subscriber_id}" if obj.subscriber_id else "(address deleted)"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Delivery | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Delivery | None = None) -> bool:
        return False

    @admin.action(description="Send again: deliveries with unknown outcome (may duplicate)")
    def resend_unknown(self, request: HttpRequest, queryset: QuerySet[Delivery]) -> None:
        count = services.retry_unknown(list(queryset.values_list("pk", flat=True)))
        self.message_user(request, f"{count} deliveries queued again.")


@admin.register(Subscriber)
class SubscriberAdmin(admin.ModelAdmin):
    list_display = ("email", "status", "created_at", "confirmed_at")
    list_filter = ("status",)
    search_fields = ("email",)
    show_facets = admin.ShowFacets.ALWAYS
    fields = ("email", "status", "created_at", "confirmation_sent_at", "confirmed_at")
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # people subscribe themselves (double opt-in), never operators for them

    def has_change_permission(self, request: HttpRequest, obj: Subscriber | None = None) -> bool:
        return False


@admin.register(Suppression)
class SuppressionAdmin(admin.ModelAdmin):
    """Hard-bounced addresses, as hashes. Search with a full address to find its entry."""

    list_display = ("short_hash", "smtp_code", "created_at")
    search_fields = ("address_hash",)
    search_help_text = "Enter a full email address to find whether it is suppressed."
    fields = ("address_hash", "smtp_code", "created_at")
    readonly_fields = fields

    @admin.display(description="Address hash")
    def short_hash(self, obj: Suppression) -> str:
        return f"{obj.address_hash[:16]}…"

    def get_search_results(
        self, request: HttpRequest, queryset: QuerySet[Suppression], search_term: str
    ) -> tuple[QuerySet[Suppression], bool]:
        if not search_term:
            return queryset, False
        try:
            digest = address_hash(normalise_email(search_term))
        except InvalidEmail:
            return queryset.none(), False
        return queryset.filter(address_hash=digest), False

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Suppression | None = None) -> bool:
        return False
