"""Inventory state changes: change requests (submit, apply, refuse) and item history.

A change request is a My-requests request of category "inventory" carrying the
requested change in its payload, so it gets a tracking number, acknowledgement
and answer like every request. Agents apply or refuse it in the admin.
"""

from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Field
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from inventory.models import (
    ChangeKind,
    ChangeRequest,
    ChangeStatus,
    InstalledItem,
    ItemHistory,
    Kind,
)
from portal.models import Company, Site, User
from requests_inbox.services import request_reply, request_submit

CORRECTABLE = [
    "serial_number",
    "machine_type",
    "model",
    "product",
    "version",
    "licence",
    "quantity",
    "description",
    "installed_on",
]


def _company_site(company: Company, site_id: Any) -> Site:
    """A site of this company; any other id reads like an unknown one."""
    try:
        return Site.objects.for_company(company).get(pk=int(site_id))
    except (TypeError, ValueError, Site.DoesNotExist):
        raise ValidationError(_("Choose one of your company's sites."), code="bad_site") from None


def _check_serial(company: Company, serial: str, *, exclude: InstalledItem | None = None) -> None:
    if not serial:
        return
    taken = InstalledItem.objects.for_company(company).filter(serial_number=serial)
    if exclude is not None:
        taken = taken.exclude(pk=exclude.pk)
    if taken.exists():
        raise ValidationError(
            _("The serial number %(serial)s is already in your inventory.") % {"serial": serial},
            code="serial_taken",
        )


def _jsonable(values: dict[str, Any]) -> dict[str, Any]:
    return {k: (v.isoformat() if isinstance(v, date) else v) for k, v in values.items()}


def _describe(
    kind: str, item: InstalledItem | None, values: dict[str, Any], site: Site | None
) -> str:
    lines = [str(ChangeKind(kind).label)]
    if item is not None:
        lines.append(_("Item: %(item)s at %(site)s") % {"item": item, "site": item.site})
    if site is not None:
        lines.append(_("Site: %(site)s") % {"site": site})
    for key, value in values.items():
        if key != "site" and value not in ("", None):
            lines.append(f"{key}: {value}")
    return "\n".join(lines)


@transaction.atomic
def change_request_submit(
    *,
    company: Company,
    user: User,
    kind: str,
    item: InstalledItem | None = None,
    values: dict[str, Any] | None = None,
    message: str = "",
) -> ChangeRequest:
    """Validate the requested change and open the My-requests request that carries it."""
    values = dict(values or {})
    site = None
    if kind not in ChangeKind.values:
        raise ValidationError(_("Choose a kind of change."), code="bad_kind")
    if kind == ChangeKind.ADD:
        item = None
        site = _company_site(company, values.get("site"))
        if values.get("kind") not in Kind.values:
            raise ValidationError(
                _("Say whether it is hardware or software."), code="bad_item_kind"
            )
        _check_serial(company, values.get("serial_number", ""))
    else:
        if item is None or item.company_id != company.pk:
            raise ValidationError(_("This item is not in your inventory."), code="bad_item")
        if item.removed_at is not None:
            raise ValidationError(_("This item has already been removed."), code="already_removed")
        pending = ChangeRequest.objects.for_company(company).pending().filter(item=item).first()
        if pending is not None:
            raise ValidationError(
                _("A change request for this item is already pending (%(number)s).")
                % {"number": pending.request.number},
                code="already_pending",
            )
        if kind == ChangeKind.MOVE:
            site = _company_site(company, values.get("site"))
            if site.pk == item.site_id:
                raise ValidationError(_("The item is already at this site."), code="same_site")
            values = {"site": site.pk}
        elif kind == ChangeKind.REMOVE:
            values = {}
        elif kind == ChangeKind.CORRECT:
            values = {k: v for k, v in values.items() if k in CORRECTABLE and v != getattr(item, k)}
            if not values:
                raise ValidationError(_("Change at least one value."), code="no_change")
            _check_serial(company, values.get("serial_number", ""), exclude=item)
    payload = {
        "inventory_change": kind,
        "item": item.pk if item else None,
        "values": _jsonable(values),
    }
    subject = (
        f"{ChangeKind(kind).label}: {item}" if item is not None else str(ChangeKind(kind).label)
    )
    body = _describe(kind, item, values, site)
    if message.strip():
        body = f"{message.strip()}\n\n{body}"
    reference = item.serial_number if item is not None and item.serial_number else ""
    request = request_submit(
        company=company,
        user=user,
        category="inventory",
        subject=subject[:150],
        message=body,
        reference=reference,
        payload=payload,
    )
    try:
        with transaction.atomic():
            return ChangeRequest.objects.create(
                company=company,
                item=item,
                kind=kind,
                payload=payload["values"],
                request=request,
                requested_by=user,
            )
    except IntegrityError:
        raise ValidationError(
            _("A change request for this item is already pending."), code="already_pending"
        ) from None


def _lock(change: ChangeRequest) -> ChangeRequest:
    return (
        ChangeRequest.objects.select_for_update(of=("self",))
        .select_related("item", "request", "requested_by")
        .get(pk=change.pk)
    )


APPLIED_TEXT = gettext_lazy("The change you asked for was applied to your inventory.")
REFUSED_TEXT = gettext_lazy("The change you asked for was refused: %(reason)s")


def _answer(change: ChangeRequest, agent: User, text: Any, **params: Any) -> None:
    """Answer on the request in the requester's language (e-mailed with a link)."""
    with translation.override(change.requested_by.preferred_language):
        body = str(text) % params if params else str(text)
    request_reply(request=change.request, agent=agent, body=body)


@transaction.atomic
def change_request_apply(*, change: ChangeRequest, agent: User) -> InstalledItem:
    """Apply the change to the installed base in one step; history records the request."""
    change = _lock(change)
    if change.status != ChangeStatus.PENDING:
        raise ValidationError(_("This change request was already decided."), code="decided")
    company = change.company
    values = dict(change.payload)
    if change.kind == ChangeKind.ADD:
        site = _company_site(company, values.pop("site", None))
        _check_serial(company, values.get("serial_number", ""))
        fields = {k: v for k, v in values.items() if k in CORRECTABLE + ["kind"]}
        item = InstalledItem.objects.create(company=company, site=site, **fields)
        changes = _jsonable({**fields, "site": site.name})
    else:
        item = InstalledItem.objects.select_for_update().get(pk=change.item_id or 0)
        if item.removed_at is not None:
            raise ValidationError(_("This item has already been removed."), code="already_removed")
        if change.kind == ChangeKind.MOVE:
            site = _company_site(company, values.get("site"))
            changes = {"site": [item.site.name, site.name]}
            item.site = site
        elif change.kind == ChangeKind.REMOVE:
            item.removed_at = timezone.now()
            changes = {"removed": True}
        else:
            _check_serial(company, values.get("serial_number", ""), exclude=item)
            changes = {}
            for key, value in values.items():
                field = InstalledItem._meta.get_field(key)
                assert isinstance(field, Field)  # a column of the item, not a relation
                new = field.to_python(value)
                changes[key] = _jsonable({"v": [getattr(item, key), new]})["v"]
                setattr(item, key, new)
        item.save()
    ItemHistory.objects.create(
        company=company,
        item=item,
        actor=agent,
        action=change.kind,
        changes={
            k: (str(v) if not isinstance(v, (list, str, int, bool)) else v)
            for k, v in changes.items()
        },
        request=change.request,
    )
    change.status = ChangeStatus.APPLIED
    change.item = item
    change.decided_by = agent
    change.decided_at = timezone.now()
    change.save(update_fields=["status", "item", "decided_by", "decided_at"])
    _answer(change, agent, APPLIED_TEXT)
    return item


@transaction.atomic
def change_request_refuse(*, change: ChangeRequest, agent: User, reason: str) -> ChangeRequest:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(_("Give the reason for the refusal."), code="no_reason")
    change = _lock(change)
    if change.status != ChangeStatus.PENDING:
        raise ValidationError(_("This change request was already decided."), code="decided")
    change.status = ChangeStatus.REFUSED
    change.reason = reason
    change.decided_by = agent
    change.decided_at = timezone.now()
    change.save(update_fields=["status", "reason", "decided_by", "decided_at"])
    _answer(change, agent, REFUSED_TEXT, reason=reason)
    return change
