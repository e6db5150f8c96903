"""Agents keep the canned answers (macros) per language in the admin."""

from django.contrib import admin

from portal.admin_guards import GuardedAdminMixin
from requests_inbox.models import CannedAnswer


@admin.register(CannedAnswer)
class CannedAnswerAdmin(GuardedAdminMixin, admin.ModelAdmin):
    list_display = ["title", "language", "category", "is_active", "updated_at"]
    list_filter = ["language", "category", "is_active"]
    search_fields = ["title", "body"]
    fields = ["title", "language", "category", "body", "is_active"]

    def has_delete_permission(self, request, obj=None):
        return False  # switch it off instead: answers already sent keep their history
