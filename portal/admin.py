"""The agents' admin: sign-in through allauth, MFA required, access decisions as actions."""

from allauth.mfa.models import Authenticator
from allauth.mfa.utils import is_mfa_enabled
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext_lazy as _

from portal.admin_access import decide_view, decision_context
from portal.admin_guards import GuardedAdminMixin
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
from portal.services import access_request_approve, access_request_refuse


def staff_with_mfa(request: HttpRequest) -> bool:
    """The admin opens only to active staff who signed in with a second factor enrolled."""
    user = request.user
    return bool(
        user.is_active and user.is_staff and is_mfa_enabled(user, [Authenticator.Type.TOTP])
    )


@login_not_required
def admin_login(request: HttpRequest, extra_context: dict | None = None) -> HttpResponse:
    """Every sign-in goes through allauth (rate limits, MFA stage); staff without MFA enrol first."""
    next_url = request.GET.get("next", "")
    if not url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        next_url = reverse("admin:index")
    user = request.user
    if not user.is_authenticated:
        return redirect_to_login(next_url, reverse("account_login"))
    if not user.is_staff:
        raise PermissionDenied
    if not is_mfa_enabled(user, [Authenticator.Type.TOTP]):
        messages.warning(
            request,
            _("Customer-service staff must use two-factor authentication: set it up to continue."),
        )
        return redirect(f"{reverse('mfa_activate_totp')}?{urlencode({'next': next_url})}")
    return redirect(next_url)


admin.site.has_permission = staff_with_mfa
admin.site.login = admin_login
admin.site.site_header = _("Customer Service Online: agents")


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

    def get_readonly_fields(self, request, obj=None):
        """Agents maintain users but cannot hand out staff rights (no privilege escalation)."""
        readonly = list(super().get_readonly_fields(request, obj))
        if not request.user.is_superuser:
            readonly += ["is_staff", "is_superuser", "groups"]
        return readonly


@admin.register(Country)
class CountryAdmin(GuardedAdminMixin, admin.ModelAdmin):
    list_display = ["code", "name", "apps", "features"]


class SiteInline(admin.TabularInline):
    model = Site
    extra = 0


@admin.register(Company)
class CompanyAdmin(GuardedAdminMixin, admin.ModelAdmin):
    list_display = ["customer_number", "name", "country", "services_assistant"]
    list_filter = ["country", "services_assistant"]
    search_fields = ["customer_number", "name"]
    inlines = [SiteInline]


@admin.register(Membership)
class MembershipAdmin(GuardedAdminMixin, admin.ModelAdmin):
    list_display = ["user", "company", "is_company_admin"]
    list_filter = ["is_company_admin"]
    search_fields = ["user__email", "company__name", "company__customer_number"]
    autocomplete_fields = ["user", "company"]


class AuthorizationEventInline(admin.TabularInline):
    model = AuthorizationEvent
    extra = 0
    can_delete = False
    readonly_fields = ["at", "action", "role", "actor", "note"]
    fields = readonly_fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Authorization)
class AuthorizationAdmin(GuardedAdminMixin, admin.ModelAdmin):
    """Agents decide access requests here (companies without an administrator, or on demand)."""

    list_display = ["user", "company", "app", "role", "status", "requested_at", "decided_at"]
    list_filter = ["status", "app", "role"]
    search_fields = ["user__email", "company__name", "company__customer_number"]
    list_select_related = ["user", "company"]
    readonly_fields = ["status", "decided_by", "decided_at", "requested_at"]

    def get_readonly_fields(self, request, obj=None):
        """An existing authorization changes only through the audited actions and services."""
        if obj is not None:
            return [f.name for f in Authorization._meta.fields]
        return self.readonly_fields

    autocomplete_fields = ["user", "company"]
    inlines = [AuthorizationEventInline]
    actions = ["approve", "refuse"]

    def get_urls(self):
        mine = [
            path(
                "<int:pk>/decide/",
                self.admin_site.admin_view(lambda request, pk: decide_view(self, request, pk)),
                name="portal_authorization_decide",
            )
        ]
        return mine + super().get_urls()

    def change_view(self, request, object_id, form_url="", extra_context=None):
        obj = self.get_object(request, object_id)
        if obj is not None:
            extra_context = {**(extra_context or {}), **decision_context(obj)}
        return super().change_view(request, object_id, form_url, extra_context)

    def _decide(self, request, queryset, service, done) -> None:
        count = 0
        for auth in queryset:
            try:
                service(auth)
            except ValidationError as error:
                self.message_user(request, f"{auth}: {' '.join(error.messages)}", messages.ERROR)
            else:
                count += 1
        if count:
            self.message_user(request, done % {"count": count}, messages.SUCCESS)

    @admin.action(description=_("Approve the selected requests"), permissions=["change"])
    def approve(self, request, queryset):
        self._decide(
            request,
            queryset,
            lambda auth: access_request_approve(authorization=auth, actor=request.user),
            _("%(count)d request(s) approved."),
        )

    @admin.action(description=_("Refuse the selected requests"), permissions=["change"])
    def refuse(self, request, queryset):
        self._decide(
            request,
            queryset,
            lambda auth: access_request_refuse(
                authorization=auth,
                actor=request.user,
                note=str(_("Refused by customer service.")),
            ),
            _("%(count)d request(s) refused."),
        )


@admin.register(AuthorizationEvent)
class AuthorizationEventAdmin(GuardedAdminMixin, admin.ModelAdmin):
    list_display = ["at", "authorization", "action", "role", "actor"]
    list_filter = ["action"]
    list_select_related = ["authorization__user", "authorization__company", "actor"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(HelpContact)
class HelpContactAdmin(GuardedAdminMixin, admin.ModelAdmin):
    list_display = ["country", "topic", "phone", "email", "hours"]
    list_filter = ["country", "topic"]


@admin.register(Notification)
class NotificationAdmin(GuardedAdminMixin, admin.ModelAdmin):
    list_display = ["created_at", "event", "template", "recipient", "status", "attempts", "sent_at"]
    list_filter = ["status", "event"]
    search_fields = ["recipient", "subject", "template"]
    readonly_fields = [f.name for f in Notification._meta.fields]

    def has_add_permission(self, request):
        return False
