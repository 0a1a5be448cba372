"""Operators see how the quiz is used, never what anyone answered.

The list and detail pages show form, consent, timing and answer counts only: no token
(it is the key to a person's result), no answers and no result.
"""

from __future__ import annotations

from django.contrib import admin
from django.db.models import Count, QuerySet
from django.http import HttpRequest

from securebase.quiz.models import QuizSession


class CompletedFilter(admin.SimpleListFilter):
    title = "completed"
    parameter_name = "completed"

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin) -> list[tuple[str, str]]:
        return [("yes", "Completed"), ("no", "Unfinished")]

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        if self.value() == "yes":
            return queryset.filter(completed_at__isnull=False)
        if self.value() == "no":
            return queryset.filter(completed_at__isnull=True)
        return queryset


@admin.register(QuizSession)
class QuizSessionAdmin(admin.ModelAdmin):
    list_display = ("id", "form", "completed", "answer_count", "consent_research", "created_at")
    list_filter = ("form", CompletedFilter, "consent_research")
    fields = ("form", "consent_research", "created_at", "updated_at", "completed_at")
    readonly_fields = fields
    ordering = ("-created_at",)
    show_full_result_count = False

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return super().get_queryset(request).annotate(_answer_count=Count("answers"))

    @admin.display(boolean=True, description="completed", ordering="completed_at")
    def completed(self, obj: QuizSession) -> bool:
        return obj.is_completed

    @admin.display(description="answers", ordering="_answer_count")
    def answer_count(self, obj: QuizSession) -> int:
        return obj._answer_count  # type: ignore[attr-defined]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: QuizSession | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: QuizSession | None = None) -> bool:
        return False
