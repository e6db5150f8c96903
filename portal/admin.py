"""The agents' admin: sign-in through allauth, MFA required, access decisions as actions."""

from allauth.account.admin import EmailAddressAdmin as BaseEmailAddressAdmin
from allauth.account.authentication import get_authentication_records
from allauth.account.models import EmailAddress
from allauth.mfa.admin import AuthenticatorAdmin as BaseAuthenticatorAdmin
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
from django.utils.html import format_html
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
    Job,
    Membership,
    Notification,
    Site,
    User,
)
from portal.notify import preview
from portal.observability import security_event
from portal.services import access_request_approve, access_request_refuse


def session_used_mfa(request: HttpRequest) -> bool:
    """This session completed a second factor (allauth's authentication records), not
    merely a user who has one enrolled somewhere."""
    records = get_authentication_records(request, request.user)
    return any(record.get("method") == "mfa" for record in records)


def staff_with_mfa(request: HttpRequest) -> bool:
    """The admin opens only to active staff whose session completed the second factor."""
    user = request.user
    return bool(
        user.is_active
        and user.is_staff
        and is_mfa_enabled(user, [Authenticator.Type.TOTP])
        and session_used_mfa(request)
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
    if not session_used_mfa(request):
        # signed in with the password alone (e.g. before enrolling): the code, now
        return redirect(f"{reverse('mfa_reauthenticate')}?{urlencode({'next': next_url})}")
    return redirect(next_url)


# The default site, guarded: staff with MFA only, and its own sign-in.
admin.site.has_permission = staff_with_mfa  # type: ignore[method-assign]
admin.site.login = admin_login  # type: ignore[method-assign]
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

    def get_fieldsets(self, request, obj=None):
        """Agents see no password block (its "Reset password" button is not theirs)."""
        fieldsets = super().get_fieldsets(request, obj)
        if request.user.is_superuser or obj is None:
            return fieldsets
        return [
            (name, {**opts, "fields": [f for f in opts["fields"] if f != "password"]})
            for name, opts in fieldsets
        ]

    def has_add_permission(self, request):
        return request.user.is_superuser

    def has_change_permission(self, request, obj=None):
        """User administration (password, e-mail, staff and superuser rights) is for
        superusers only, whatever permissions a group holds: an agent who could set a
        password or an e-mail could take the account over. Agents see users read-only."""
        return request.user.is_superuser

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser

    # Every change to a user made in the admin is a security event, with the actor, the
    # client address, the user changed and the names of the fields (never their values).
    def log_addition(self, request, obj, message):
        _user_event(request, "admin_user_added", obj, message)
        return super().log_addition(request, obj, message)

    def log_change(self, request, obj, message):
        _user_event(request, "admin_user_changed", obj, message)
        return super().log_change(request, obj, message)

    def log_deletions(self, request, queryset):
        for user in queryset:
            _user_event(request, "admin_user_deleted", user, "")
        return super().log_deletions(request, queryset)


def _user_event(request: HttpRequest, event: str, target: User, message, **details) -> None:
    """`message` is the admin's change message: a list of {"changed": {"fields": [...]}}
    entries, or a sentence such as "Changed password."."""
    if isinstance(message, list):
        fields = sorted(
            {
                str(field)
                for entry in message
                for change in entry.values()
                for field in change.get("fields", [])
            }
        )
    else:
        fields = [str(message)] if message else []
    security_event(request, event, target_user_id=target.pk, changed=fields, **details)


class UserSignInDataAdminMixin(admin.ModelAdmin):
    """A user's e-mail addresses and second factors are user administration too: whoever
    changes them can take the account over (an address of theirs made verified and
    primary, then a password reset; a second factor removed). Superusers only, whatever a
    group or a user permission holds, and every change is a security event on the user
    (`admin_user_changed`, with the part changed). allauth's own admins are replaced."""

    part = ""

    def has_module_permission(self, request):
        return request.user.is_superuser

    def has_view_permission(self, request, obj=None):
        return request.user.is_superuser

    def has_add_permission(self, request):
        return request.user.is_superuser

    def has_change_permission(self, request, obj=None):
        return request.user.is_superuser

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser

    def log_addition(self, request, obj, message):
        _user_event(
            request, "admin_user_changed", obj.user, message, part=self.part, action="added"
        )
        return super().log_addition(request, obj, message)

    def log_change(self, request, obj, message):
        _user_event(request, "admin_user_changed", obj.user, message, part=self.part)
        return super().log_change(request, obj, message)

    def log_deletions(self, request, queryset):
        for obj in queryset:
            _user_event(
                request, "admin_user_changed", obj.user, "", part=self.part, action="deleted"
            )
        return super().log_deletions(request, queryset)


admin.site.unregister(EmailAddress)
admin.site.unregister(Authenticator)


@admin.register(EmailAddress)
class EmailAddressAdmin(UserSignInDataAdminMixin, BaseEmailAddressAdmin):
    part = "email_address"

    def make_verified(self, request, queryset) -> None:
        unverified = list(queryset.filter(verified=False).select_related("user"))
        super().make_verified(request, queryset)
        for address in unverified:
            _user_event(
                request,
                "admin_user_changed",
                address.user,
                [{"changed": {"fields": ["verified"]}}],
                part=self.part,
            )

    make_verified.short_description = BaseEmailAddressAdmin.make_verified.short_description  # type: ignore[attr-defined]


@admin.register(Authenticator)
class AuthenticatorAdmin(UserSignInDataAdminMixin, BaseAuthenticatorAdmin):
    """The factor's secret (`data`) is never shown, not even to superusers."""

    part = "second_factor"
    exclude = ("data",)
    readonly_fields = ("user", "type", "created_at", "last_used_at")

    def has_add_permission(self, request):
        return False  # a second factor is enrolled by its owner, with a code

    def has_change_permission(self, request, obj=None):
        return False  # seen or removed, never edited


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

    def get_readonly_fields(self, request, obj=None):
        """A membership is one person's: handing it to another user would give them the
        company (and its administration) without any access request or decision."""
        readonly = list(super().get_readonly_fields(request, obj))
        if obj is not None and "user" not in readonly:
            readonly.append("user")
        return readonly


class AuthorizationEventInline(admin.TabularInline):
    model = AuthorizationEvent
    extra = 0
    can_delete = False
    readonly_fields = ("at", "action", "role", "actor", "note")
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
    # The raw context is not shown: the body is, with links carrying a token hidden.
    fields = (
        "event",
        "template",
        "recipient",
        "user",
        "company",
        "language",
        "status",
        "attempts",
        "last_error",
        "created_at",
        "next_attempt_at",
        "sent_at",
        "subject",
        "body",
        "attachments",
        "headers",
        "dedupe_key",
    )
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    @admin.display(description=_("body (links with a token hidden)"))
    def body(self, obj: Notification) -> str:
        try:
            text = preview(obj)
        except Exception as exc:  # a template changed since: show why, never the context
            text = f"{exc.__class__.__name__}: {exc}"
        return format_html('<pre style="white-space:pre-wrap">{}</pre>', text)


@admin.register(Job)
class JobAdmin(GuardedAdminMixin, admin.ModelAdmin):
    """Background jobs, read-only: agents see what is waiting, running or failed (and why)."""

    list_display = ["pk", "kind", "company", "user", "state", "done", "total", "created_at"]
    list_filter = ["state", "kind"]
    search_fields = ["user__email", "company__name"]
    raw_id_fields = ["company", "user", "file"]
    readonly_fields = [f.name for f in Job._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False
