from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from portal.models import (
    Authorization,
    AuthorizationEvent,
    Company,
    Country,
    HelpContact,
    Membership,
    Notification,
    Site,
    User,
)


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    ordering = ["email"]
    list_display = ["email", "first_name", "last_name", "is_staff", "is_active"]
    search_fields = ["email", "first_name", "last_name"]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        (
            "Profile",
            {"fields": ["first_name", "last_name", "preferred_language", "notification_prefs"]},
        ),
        ("Permissions", {"fields": ["is_active", "is_staff", "is_superuser", "groups"]}),
    ]
    add_fieldsets = [(None, {"classes": ["wide"], "fields": ["email", "password1", "password2"]})]


@admin.register(Country)
class CountryAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "apps", "features"]


class SiteInline(admin.TabularInline):
    model = Site
    extra = 0


@admin.register(Company)
class CompanyAdmin(admin.ModelAdmin):
    list_display = ["customer_number", "name", "country", "services_assistant"]
    list_filter = ["country", "services_assistant"]
    search_fields = ["customer_number", "name"]
    inlines = [SiteInline]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "company", "is_company_admin"]
    list_filter = ["is_company_admin"]
    search_fields = ["user__email", "company__name", "company__customer_number"]
    autocomplete_fields = ["user", "company"]


@admin.register(Authorization)
class AuthorizationAdmin(admin.ModelAdmin):
    list_display = ["user", "company", "app", "role", "status", "requested_at", "decided_at"]
    list_filter = ["status", "app", "role"]
    search_fields = ["user__email", "company__name", "company__customer_number"]


@admin.register(AuthorizationEvent)
class AuthorizationEventAdmin(admin.ModelAdmin):
    list_display = ["at", "authorization", "action", "role", "actor"]


@admin.register(HelpContact)
class HelpContactAdmin(admin.ModelAdmin):
    list_display = ["country", "topic", "phone", "email", "hours"]
    list_filter = ["country", "topic"]


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["created_at", "event", "template", "recipient", "status", "attempts", "sent_at"]
    list_filter = ["status", "event"]
    search_fields = ["recipient", "subject", "template"]
    readonly_fields = [f.name for f in Notification._meta.fields]

    def has_add_permission(self, request):
        return False
