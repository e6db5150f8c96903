"""Contracts OnLine pages. Thin: a form checks shape, one service acts, its
ValidationError goes back to the form (or to a message on the contract page)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from contracts import lifecycle, selectors, services
from contracts.calendar import feed_response
from contracts.exports import COLUMNS
from contracts.filters import CONTRACTS, NEEDS_ACTION
from contracts.forms import (
    ApprovalPolicyForm,
    ContractCreateForm,
    DecisionForm,
    RenewForm,
    RouteForm,
    SignForm,
    TerminateForm,
    VersionForm,
)
from contracts.history import verify_events
from contracts.jobs import EXPORT_KIND, export_selection
from contracts.models import (
    SETTLED,
    CalendarFeed,
    Contract,
    ContractStatus,
    ContractVersion,
)
from portal import documents, files
from portal.access import app_view, company_admin_required, has_app_role, public_view
from portal.applications import App
from portal.client_address import client_ip
from portal.job_views import export_or_job
from portal.listing import Listing, export_format, filter_params
from portal.models import Role


def _scoped(request: HttpRequest):
    return Contract.objects.for_company(request.company)


def _contract(request: HttpRequest, number: str) -> Contract:
    return get_object_or_404(_scoped(request), number=number)


@app_view(App.CONTRACTS)
def contract_list(request: HttpRequest) -> HttpResponse:
    listing = Listing.build(request, CONTRACTS, _scoped(request))
    can_create = has_app_role(request.user, request.company, App.CONTRACTS, Role.APPROVER)
    return listing.render(
        "contracts/contract_list.html",
        "contracts/_contract_table.html",
        {"can_create": can_create},
    )


@app_view(App.CONTRACTS)
def contract_export(request: HttpRequest) -> HttpResponse:
    """The current selection (same filters and sort as the list) as CSV or XLSX
    (`?format=`); beyond EXPORT_DIRECT_MAX_ROWS a worker builds it (portal.jobs)."""
    fmt = export_format(request)
    query = filter_params(request.GET).urlencode()
    return export_or_job(
        request,
        fmt=fmt,
        queryset=export_selection(request.company, query),
        columns=COLUMNS,
        filename=f"contracts-{timezone.localdate().isoformat()}",
        kind=EXPORT_KIND,
        params={"query": query},
        back=reverse("contracts:list") + (f"?{query}" if query else ""),
        sheet=_("Contracts"),
    )


@app_view(App.CONTRACTS)
def needs_action(request: HttpRequest) -> HttpResponse:
    can_sign = selectors.can_sign(request.user, request.company)
    waiting = _scoped(request).needing_action_by(request.user, can_sign=can_sign)
    listing = Listing.build(request, NEEDS_ACTION, waiting)
    return listing.render(
        "contracts/needs_action.html",
        "contracts/_needs_action_table.html",
        {"can_sign": can_sign},
    )


@app_view(App.CONTRACTS, role=Role.APPROVER)
def contract_create(request: HttpRequest) -> HttpResponse:
    form = ContractCreateForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            contract = services.contract_create(
                company=request.company,
                actor=request.user,
                title=data["title"],
                type=data["type"],
                start_date=data["start_date"],
                end_date=data["end_date"],
                value=data["value"],
                currency=data["currency"],
                renewal_terms=data["renewal_terms"],
                renewal_date=data["renewal_date"],
                document=data["document"],
                summary=data["summary"],
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(
                request, _("Contract %(number)s created.") % {"number": contract.number}
            )
            return redirect(contract)
    return render(
        request,
        "contracts/contract_form.html",
        {"form": form, "title": _("New contract"), "multipart": True},
    )


@app_view(App.CONTRACTS)
def contract_detail(request: HttpRequest, number: str) -> HttpResponse:
    contract = get_object_or_404(selectors.contracts_with_record(_scoped(request)), number=number)
    user, company = request.user, request.company
    is_approver = has_app_role(user, company, App.CONTRACTS, Role.APPROVER)
    context = {
        "contract": contract,
        "is_approver": is_approver,
        "can_sign": selectors.can_sign(user, company, is_approver=is_approver),
        "my_turn": contract.is_approving
        and contract.current_step is not None
        and contract.current_step.approver_id == user.pk,
        "may": {name: lifecycle.can(contract, name) for name in lifecycle.TRANSITIONS},
        "may_add_version": contract.status in (ContractStatus.DRAFT, *SETTLED),
        "decision_form": DecisionForm(initial={"version": contract.lock_version}),
        # the hash chain checked on the prefetched entries: no extra query
        "history_broken": verify_events(contract.events.all()),
    }
    return render(request, "contracts/contract_detail.html", context)


@app_view(App.CONTRACTS)
def version_document(request: HttpRequest, number: str, version: int) -> HttpResponse:
    contract = _contract(request, number)
    item = get_object_or_404(
        ContractVersion.objects.for_company(request.company).select_related("document"),
        contract=contract,
        number=version,
    )
    return files.serve(item.document)


@app_view(App.CONTRACTS)
def signed_pdf(request: HttpRequest, number: str, version: int) -> HttpResponse:
    contract = _contract(request, number)
    item = get_object_or_404(
        ContractVersion.objects.for_company(request.company).select_related("signed_document"),
        contract=contract,
        number=version,
        signed_document__isnull=False,
    )
    return files.serve(item.signed_document)


@app_view(App.CONTRACTS)
def contract_print(request: HttpRequest, number: str) -> HttpResponse:
    contract = get_object_or_404(
        _scoped(request).select_related("current_version", "company"), number=number
    )
    language = get_language() or "en"
    context = {
        "contract": contract,
        "version": contract.current_version,
        "steps": contract.steps.select_related("approver").order_by("round", "order"),
        "signatures": contract.signatures.select_related("version").order_by("signed_at"),
        "events": contract.events.order_by("seq"),
        "printed_at": timezone.now(),
    }
    return documents.pdf_response(
        "pdf/contracts_summary.html",
        context,
        key=f"contracts/{contract.company_id}/{contract.number}",
        language=language,
        version=f"{contract.lock_version}-{contract.updated_at.isoformat()}",
        filename=f"{contract.number}.pdf",
    )


def _act(request: HttpRequest, contract: Contract, action, success, **kwargs) -> HttpResponse:
    """Run a service from a button of the contract page; errors become messages."""
    form = DecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("The form was incomplete; reload the page and try again."))
        return redirect(contract)
    try:
        action(
            contract=contract,
            actor=request.user,
            expected_version=form.cleaned_data["version"],
            **kwargs,
        )
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, success)
    return redirect(contract)


@require_POST
@app_view(App.CONTRACTS, role=Role.APPROVER)
def contract_submit(request: HttpRequest, number: str) -> HttpResponse:
    contract = _contract(request, number)
    return _act(request, contract, services.contract_submit, _("The contract was submitted."))


@require_POST
@app_view(App.CONTRACTS, role=Role.APPROVER)
def step_approve(request: HttpRequest, number: str) -> HttpResponse:
    contract = _contract(request, number)
    return _act(
        request,
        contract,
        services.step_approve,
        _("You approved the contract."),
        comment=request.POST.get("comment", ""),
    )


@require_POST
@app_view(App.CONTRACTS, role=Role.APPROVER)
def step_reject(request: HttpRequest, number: str) -> HttpResponse:
    contract = _contract(request, number)
    return _act(
        request,
        contract,
        services.step_reject,
        _("You rejected the contract; it went back to draft."),
        comment=request.POST.get("comment", ""),
    )


@require_POST
@app_view(App.CONTRACTS, role=Role.APPROVER)
def contract_activate(request: HttpRequest, number: str) -> HttpResponse:
    contract = _contract(request, number)
    return _act(request, contract, services.contract_activate, _("The contract is active."))


def _form_page(
    request: HttpRequest,
    contract: Contract,
    form,
    *,
    title,
    service,
    arguments,
    success,
    multipart: bool = False,
) -> HttpResponse:
    """GET shows the form; a valid POST calls `service` with `arguments(cleaned_data)`."""
    if request.method == "POST" and form.is_valid():
        try:
            service(
                contract=contract,
                actor=request.user,
                expected_version=form.cleaned_data["version"],
                **arguments(form.cleaned_data),
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, success)
            return redirect(contract)
    return render(
        request,
        "contracts/contract_form.html",
        {"form": form, "contract": contract, "title": title, "multipart": multipart},
    )


@app_view(App.CONTRACTS, role=Role.APPROVER)
def version_add(request: HttpRequest, number: str) -> HttpResponse:
    contract = _contract(request, number)
    form = VersionForm(
        request.POST or None, request.FILES or None, initial={"version": contract.lock_version}
    )
    title = _("Amendment") if contract.is_in_force else _("New version")
    return _form_page(
        request,
        contract,
        form,
        title=title,
        service=services.contract_add_version,
        arguments=lambda d: {"upload": d["document"], "summary": d["summary"]},
        success=_("The new version was added."),
        multipart=True,
    )


@app_view(App.CONTRACTS, role=Role.APPROVER)
def contract_route(request: HttpRequest, number: str) -> HttpResponse:
    contract = _contract(request, number)
    form = RouteForm(
        request.POST or None, company=request.company, initial={"version": contract.lock_version}
    )
    return _form_page(
        request,
        contract,
        form,
        title=_("Approval route"),
        service=services.contract_route,
        arguments=lambda d: {"approvers": form.approvers()},
        success=_("The contract was sent to the first approver."),
    )


@app_view(App.CONTRACTS, role=Role.APPROVER)
def contract_sign(request: HttpRequest, number: str) -> HttpResponse:
    contract = _contract(request, number)
    form = SignForm(request.POST or None, initial={"version": contract.lock_version})
    return _form_page(
        request,
        contract,
        form,
        title=_("Sign the contract"),
        service=services.contract_sign,
        arguments=lambda d: {
            "typed_name": d["typed_name"],
            "consent": d["consent"],
            "ip_address": client_ip(request),
        },
        success=_("The contract is signed. The signed PDF is ready to download."),
    )


@app_view(App.CONTRACTS, role=Role.APPROVER)
def contract_terminate(request: HttpRequest, number: str) -> HttpResponse:
    contract = _contract(request, number)
    form = TerminateForm(request.POST or None, initial={"version": contract.lock_version})
    return _form_page(
        request,
        contract,
        form,
        title=_("Terminate the contract"),
        service=services.contract_terminate,
        arguments=lambda d: {"reason": d["reason"]},
        success=_("The contract was terminated."),
    )


@app_view(App.CONTRACTS, role=Role.APPROVER)
def contract_renew(request: HttpRequest, number: str) -> HttpResponse:
    contract = _contract(request, number)
    form = RenewForm(request.POST or None, initial={"version": contract.lock_version})
    if request.method == "POST" and form.is_valid():
        try:
            successor = services.contract_renew(
                contract=contract,
                actor=request.user,
                expected_version=form.cleaned_data["version"],
                new_end_date=form.cleaned_data["new_end_date"],
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(
                request,
                _("Renewal %(number)s was created as a draft.") % {"number": successor.number},
            )
            return redirect(successor)
    return render(
        request,
        "contracts/contract_form.html",
        {"form": form, "contract": contract, "title": _("Renew the contract")},
    )


# --- signing authority ------------------------------------------------------------


@app_view(App.CONTRACTS)
@company_admin_required
def signing_authorities(request: HttpRequest) -> HttpResponse:
    """Company administrators choose which contract approvers may sign."""
    approvers = selectors.approvers_with_signing(request.company)
    policy = selectors.approval_policy(request.company)
    policy_form = ApprovalPolicyForm(
        request.POST if request.POST.get("policy") else None,
        initial={"threshold": policy.threshold, "min_approvers": policy.min_approvers}
        if policy
        else None,
    )
    if request.method == "POST" and request.POST.get("policy"):
        if policy_form.is_valid():
            try:
                services.approval_policy_set(
                    company=request.company,
                    actor=request.user,
                    threshold=policy_form.cleaned_data["threshold"],
                    min_approvers=policy_form.cleaned_data["min_approvers"],
                )
            except ValidationError as exc:
                policy_form.add_error(None, exc)
            else:
                messages.success(request, _("The approval rule is saved."))
                return redirect("contracts:signers")
        return render(
            request,
            "contracts/signers.html",
            {"approvers": approvers, "policy": policy, "policy_form": policy_form},
        )
    if request.method == "POST":
        user = get_object_or_404(approvers, pk=request.POST.get("user") or 0)
        try:
            services.signing_authority_set(
                company=request.company,
                user=user,
                granted=request.POST.get("grant") == "1",
                actor=request.user,
            )
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
        else:
            messages.success(request, _("Signing authority updated for %(user)s.") % {"user": user})
        return redirect("contracts:signers")
    return render(
        request,
        "contracts/signers.html",
        {"approvers": approvers, "policy": policy, "policy_form": policy_form},
    )


# --- calendar ---------------------------------------------------------------------


@app_view(App.CONTRACTS)
def calendar(request: HttpRequest, new_url: str = "") -> HttpResponse:
    feeds = CalendarFeed.objects.for_company(request.company).filter(user=request.user)
    return render(request, "contracts/calendar.html", {"feeds": feeds, "new_url": new_url})


@require_POST
@app_view(App.CONTRACTS)
def calendar_create(request: HttpRequest) -> HttpResponse:
    """The new link is shown in this response only: it never travels in a cookie (the
    messages cookie is signed, not encrypted), the session or a redirect."""
    _feed, token = services.calendar_feed_create(company=request.company, user=request.user)
    url = request.build_absolute_uri(reverse("contracts:calendar_feed", kwargs={"token": token}))
    return calendar(request, new_url=url)


@require_POST
@app_view(App.CONTRACTS)
def calendar_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    feed = get_object_or_404(
        CalendarFeed.objects.for_company(request.company).filter(user=request.user), pk=pk
    )
    services.calendar_feed_revoke(feed=feed, actor=request.user)
    messages.success(request, _("The calendar link was revoked."))
    return redirect("contracts:calendar")


@public_view
def calendar_feed(request: HttpRequest, token: str) -> HttpResponse:
    """A calendar client has no session: the token authenticates; access is re-checked."""
    feed = selectors.calendar_feed_by_token(token)
    if feed is None or not feed.user.is_active:
        raise Http404
    if not has_app_role(feed.user, feed.company, App.CONTRACTS, Role.VIEWER):
        raise Http404
    return feed_response(feed)
