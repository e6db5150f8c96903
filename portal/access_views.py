"""Views of the ID and access flows: request access, my company, switcher, profile, help.

Thin views: a form checks the shape, one service call applies the rules, its
ValidationError goes back to the user. Every object of "My company" is looked
up through request.company, so another company's id is a 404.
"""

from collections import defaultdict
from typing import Any, cast

from django import forms
from django.contrib import messages
from django.core.exceptions import BadRequest, ValidationError
from django.db.models import Exists, OuterRef
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from portal import ratelimits, services
from portal.access import (
    LINK_COMPANY_PARAM,
    company_admin_required,
    decide,
    parse_id,
    public_view,
    switch_company_for_link,
)
from portal.applications import CATALOGUE, App
from portal.forms import (
    AccessRequestForm,
    AdminFlagForm,
    DecisionNoteForm,
    GrantForm,
    HelpCountryForm,
    ProfileForm,
    ReportDomainsForm,
    RoleForm,
)
from portal.http import AppRequest, PortalRequest
from portal.middleware import ACTIVE_COMPANY_KEY
from portal.models import Authorization, Country, HelpContact, Membership, Role, Topic

# Requests by customer number, per requester and hour: each one tells whether the number
# exists and e-mails that company's deciders. Allowed through while Redis is down.
REQUESTS_BY_NUMBER = ratelimits.Limit("access-request:by-number", 10, 3600, ratelimits.ALLOW)
# Mistakes in the form itself do not use up the allowance.
_FORM_MISTAKES = {"required", "unknown_app", "unknown_role", "customer_number_required"}


def _error_text(error: ValidationError) -> str:
    return " ".join(error.messages)


def request_access(request: PortalRequest) -> HttpResponse:
    """First use of an application: ask the company's administrators for access."""
    if request.method == "GET" and LINK_COMPANY_PARAM in request.GET:
        # The decision e-mail names the company: its member lands with it active.
        company_id = parse_id(request.GET[LINK_COMPANY_PARAM])
        membership = next((m for m in request.memberships if m.company_id == company_id), None)
        current = request.company.pk if request.company is not None else None
        if membership is not None and membership.company_id != current:
            switch_company_for_link(request, membership.company, page="request_access")
        rest = request.GET.copy()
        rest.pop(LINK_COMPANY_PARAM)
        return redirect(f"{reverse('portal:request_access')}?{rest.urlencode()}".rstrip("?"))
    company = request.company
    member = company is not None
    initial_app = request.GET.get("app", "")
    form = AccessRequestForm(
        request.POST or None,
        member=member,
        initial={"app": initial_app if initial_app in App.values else None},
    )
    if company is not None:
        cast(forms.ChoiceField, form.fields["app"]).choices = [
            (code, label) for code, label in App.choices if company.country.offers(code)
        ]
    if request.method == "POST" and form.is_valid():
        number = form.cleaned_data["customer_number"]
        verdict = ratelimits.hit((REQUESTS_BY_NUMBER, (str(request.user.pk),))) if number else None
        if verdict is not None and not verdict.allowed:
            form.add_error(
                "customer_number",
                _(
                    "Too many requests by customer number: try again in an hour, "
                    "or contact customer service."
                ),
            )
        else:
            try:
                auth = services.access_request_submit(
                    user=request.user,
                    app=form.cleaned_data["app"],
                    role=form.cleaned_data["role"],
                    justification=form.cleaned_data["justification"],
                    company=company,
                    customer_number=number,
                )
            except ValidationError as error:
                if verdict is not None and error.code in _FORM_MISTAKES:
                    ratelimits.refund(verdict)
                field = "customer_number" if error.code == "unknown_company" else None
                form.add_error(field, error)
            else:
                names = {"app": auth.get_app_display(), "company": auth.company.name}
                has_admins = Membership.objects.for_company(auth.company).admins().exists()
                if number and has_admins:  # not named: the number may have been guessed
                    text = _(
                        "Your request for %(app)s has been sent. The company's administrators "
                        "decide and you will receive their answer by e-mail."
                    ) % {"app": auth.get_app_display()}
                elif number:
                    text = _(
                        "Your request has been sent: customer service will decide on your "
                        "request for %(app)s and you will receive the answer by e-mail."
                    ) % {"app": auth.get_app_display()}
                elif has_admins:
                    text = (
                        _("Your request for %(app)s has been sent to %(company)s's administrators.")
                        % names
                    )
                else:
                    text = (
                        _(
                            "%(company)s has no administrator in the portal yet: customer service "
                            "will decide on your request for %(app)s."
                        )
                        % names
                    )
                messages.success(request, text)
                return redirect(f"{reverse('portal:request_access')}?app={auth.app}")
    pending = None
    if request.method == "GET" and member and initial_app in App.values:
        pending = Authorization.objects.filter(
            user=request.user, company=company, app=initial_app, status=Authorization.Status.PENDING
        ).first()
    # A company is named only to its members: a request by customer number shows the number.
    requests = (
        Authorization.objects.filter(user=request.user)
        .select_related("company")
        .annotate(
            is_member=Exists(
                Membership.objects.filter(user=request.user, company=OuterRef("company"))
            )
        )
        .order_by("-requested_at")
    )
    # Sent here by the gate (a link to a page of an application the member does not have):
    # say why, naming the application only, never what the page showed.
    stopped = member and initial_app in App.values and bool(request.GET.get("next"))
    return render(
        request,
        "portal/request_access.html",
        {
            "form": form,
            "requests": requests,
            "company": company,
            "pending": pending,
            "stopped_app": App(initial_app).label if stopped else None,
        },
    )


@require_POST
def switch_company(request: PortalRequest) -> HttpResponse:
    """Change the active company; only a company the user is a member of is accepted."""
    company_id = parse_id(request.POST.get("company"))
    if company_id is None:
        raise BadRequest("company: not an id")
    if Membership.objects.filter(user=request.user, company_id=company_id).exists():
        request.session[ACTIVE_COMPANY_KEY] = company_id
    return redirect("portal:home")


def profile(request: PortalRequest) -> HttpResponse:
    """Name, language and e-mail preferences; links to change e-mail, password and MFA."""
    form = ProfileForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Your profile has been saved."))
        return redirect("portal:profile")
    return render(request, "portal/profile.html", {"form": form})


@public_view
def help_page(request: HttpRequest) -> HttpResponse:
    """'Where to find help': contacts of a country by topic, and the way into 'Write to us'."""
    form = HelpCountryForm(request.GET or None)
    country: Country | None = None
    if request.GET.get("country") and form.is_valid():
        country = form.cleaned_data["country"]
    company = getattr(request, "company", None)
    if country is None and company is not None:
        country = company.country
        form = HelpCountryForm(initial={"country": country.code})
    contacts = []
    if country is not None:
        by_topic = {c.topic: c for c in HelpContact.objects.filter(country=country)}
        contacts = [
            {"topic": topic, "label": label, "contact": by_topic[topic]}
            for topic, label in Topic.choices
            if topic in by_topic and (topic == Topic.OTHER or country.offers(topic))
        ]
    country_name = ""
    if country is not None:
        french = get_language().startswith("fr") and country.name_fr
        country_name = country.name_fr if french else country.name
    # "Write to us" where it opens: signed out (sign-in first) or with a company that
    # offers it; a signed-in user without a company is told how, not sent in a loop.
    can_write = not request.user.is_authenticated or (
        company is not None and decide(request.user, company, App.REQUESTS) == "ok"
    )
    return render(
        request,
        "portal/help.html",
        {
            "form": form,
            "country": country,
            "country_name": country_name,
            "contacts": contacts,
            "can_write": can_write,
            # Phones in the national format for a reader of that country, else international.
            "reader_country": company.country.code if company is not None else "",
        },
    )


def my_company(request: PortalRequest) -> HttpResponseBase:
    """E-mail links name the company (?company=<id>): switch to it when the user is a member.

    The membership is checked like the header switcher does; any other id is ignored.
    """
    wanted = request.GET.get("company", "")
    if wanted:
        company_id = parse_id(wanted)
        if company_id is None:
            raise Http404
        membership = (
            Membership.objects.filter(user=request.user, company_id=company_id)
            .select_related("company")
            .first()
        )
        current = request.company.pk if request.company is not None else None
        if membership is not None and membership.company_id != current:
            switch_company_for_link(request, membership.company, page="my_company")
        return redirect("portal:my_company")
    return _my_company(request)


@company_admin_required
def _my_company(request: AppRequest) -> HttpResponse:
    """Members, their rights per application and the pending requests of the active company."""
    company = request.company
    apps = [code for code in App.values if company.country.offers(code)]
    memberships = list(
        Membership.objects.for_company(company)
        .select_related("user")
        .order_by("-is_company_admin", "user__last_name", "user__email")
    )
    auths = Authorization.objects.for_company(company).select_related("user")
    by_user: dict[int, dict[str, Authorization]] = defaultdict(dict)
    pending = []
    for auth in auths.order_by("requested_at"):
        by_user[auth.user_id][auth.app] = auth
        if auth.status == Authorization.Status.PENDING:
            pending.append(auth)
    members = []
    for membership in memberships:
        rights = [
            {
                "app": code,
                "label": CATALOGUE[code].label,
                "auth": by_user[membership.user_id].get(code),
            }
            for code in apps
        ]
        members.append({"membership": membership, "rights": rights})
    return render(
        request,
        "portal/my_company.html",
        {
            "company": company,
            "members": members,
            "pending": pending,
            "roles": Role.choices,
            "admin_count": sum(1 for m in memberships if m.is_company_admin),
            "domains_form": ReportDomainsForm(initial={"domains": company.report_email_domains}),
        },
    )


def _scoped_authorization(request: AppRequest, pk: int) -> Authorization:
    return get_object_or_404(
        Authorization.objects.for_company(request.company).select_related("user"), pk=pk
    )


def _decide(request: AppRequest, form: Any, action: Any, success: str) -> HttpResponse:
    if not form.is_valid():
        messages.error(request, _("Check the form: a choice is missing."))
        return redirect("portal:my_company")
    try:
        action(form.cleaned_data)
    except ValidationError as error:
        messages.error(request, _error_text(error))
    else:
        messages.success(request, success)
    return redirect("portal:my_company")


@require_POST
@company_admin_required
def access_approve(request: AppRequest, pk: int) -> HttpResponse:
    auth = _scoped_authorization(request, pk)
    form = RoleForm(request.POST)
    return _decide(
        request,
        form,
        lambda data: services.access_request_approve(
            authorization=auth, actor=request.user, role=data["role"]
        ),
        _("Access granted to %(user)s.") % {"user": auth.user},
    )


@require_POST
@company_admin_required
def access_refuse(request: AppRequest, pk: int) -> HttpResponse:
    auth = _scoped_authorization(request, pk)
    form = DecisionNoteForm(request.POST)
    return _decide(
        request,
        form,
        lambda data: services.access_request_refuse(
            authorization=auth, actor=request.user, note=data["note"]
        ),
        _("The request of %(user)s has been refused.") % {"user": auth.user},
    )


@require_POST
@company_admin_required
def authorization_role(request: AppRequest, pk: int) -> HttpResponse:
    auth = _scoped_authorization(request, pk)
    form = RoleForm(request.POST)
    return _decide(
        request,
        form,
        lambda data: services.authorization_change_role(
            authorization=auth, actor=request.user, role=data["role"]
        ),
        _("The role of %(user)s has been changed.") % {"user": auth.user},
    )


@require_POST
@company_admin_required
def authorization_revoke(request: AppRequest, pk: int) -> HttpResponse:
    auth = _scoped_authorization(request, pk)
    form = DecisionNoteForm(request.POST)
    return _decide(
        request,
        form,
        lambda data: services.authorization_revoke(
            authorization=auth, actor=request.user, note=data["note"]
        ),
        _("The access of %(user)s has been revoked.") % {"user": auth.user},
    )


def _scoped_membership(request: AppRequest, pk: int) -> Membership:
    return get_object_or_404(
        Membership.objects.for_company(request.company).select_related("user", "company"), pk=pk
    )


@require_POST
@company_admin_required
def member_grant(request: AppRequest, pk: int) -> HttpResponse:
    membership = _scoped_membership(request, pk)
    form = GrantForm(request.POST)
    return _decide(
        request,
        form,
        lambda data: services.authorization_grant(
            company=request.company,
            user=membership.user,
            app=data["app"],
            role=data["role"],
            actor=request.user,
        ),
        _("Access granted to %(user)s.") % {"user": membership.user},
    )


@require_POST
@company_admin_required
def member_admin(request: AppRequest, pk: int) -> HttpResponse:
    membership = _scoped_membership(request, pk)
    form = AdminFlagForm(request.POST)
    return _decide(
        request,
        form,
        lambda data: services.membership_set_admin(
            membership=membership, actor=request.user, is_admin=data["is_admin"]
        ),
        _("The administrators of the company have been updated."),
    )


@require_POST
@company_admin_required
def report_domains(request: AppRequest) -> HttpResponse:
    """The outside domains colleagues may e-mail reports to (item: no open relay)."""
    form = ReportDomainsForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(str(e) for errs in form.errors.values() for e in errs))
        return redirect("portal:my_company")
    try:
        services.company_report_domains_update(
            company=request.company, actor=request.user, text=form.cleaned_data["domains"]
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("The allowed domains have been saved."))
    return redirect("portal:my_company")
