import pytest
from django.core.exceptions import ValidationError

from inventory.models import ChangeKind, ChangeRequest, ChangeStatus, InstalledItem
from inventory.services import change_request_apply, change_request_refuse, change_request_submit
from requests_inbox.models import Request
from tests.factories.portal import SiteFactory
from tests.inventory.factories import ItemFactory

pytestmark = pytest.mark.django_db


def test_move_request_becomes_a_my_requests_request_and_the_agent_applies_it(
    company, viewer, sites, agent, mailoutbox, django_capture_on_commit_callbacks
):
    item = ItemFactory(site=sites[0])
    with django_capture_on_commit_callbacks(execute=True):
        change = change_request_submit(
            company=company,
            user=viewer,
            kind=ChangeKind.MOVE,
            item=item,
            values={"site": sites[1].pk},
        )
    request = change.request
    assert request.category == "inventory"
    assert request.payload["inventory_change"] == "move"
    assert request.number.startswith("CS-")
    assert any(request.number in m.subject for m in mailoutbox)  # acknowledgement with the number
    mailoutbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        change_request_apply(change=change, agent=agent)
    item.refresh_from_db()
    assert item.site == sites[1]
    entry = item.history.get()
    assert entry.request == request and entry.changes == {"site": [sites[0].name, sites[1].name]}
    change.refresh_from_db()
    assert change.status == ChangeStatus.APPLIED
    request.refresh_from_db()
    assert request.status == "answered"
    assert len(mailoutbox) == 1 and request.number in mailoutbox[0].body


def test_a_move_to_another_companys_site_is_refused_and_nothing_changes(
    company, other_company, viewer, sites
):
    item = ItemFactory(site=sites[0])
    foreign = SiteFactory(company=other_company)
    with pytest.raises(ValidationError) as exc:
        change_request_submit(
            company=company,
            user=viewer,
            kind=ChangeKind.MOVE,
            item=item,
            values={"site": foreign.pk},
        )
    assert exc.value.code == "bad_site"
    assert not Request.objects.exists() and not ChangeRequest.objects.exists()


def test_a_serial_number_already_used_is_refused(company, viewer, sites):
    ItemFactory(site=sites[0], serial_number="78AAAAA")
    with pytest.raises(ValidationError) as exc:
        change_request_submit(
            company=company,
            user=viewer,
            kind=ChangeKind.ADD,
            values={
                "site": sites[0].pk,
                "kind": "hardware",
                "serial_number": "78AAAAA",
                "machine_type": "9009",
            },
        )
    assert exc.value.code == "serial_taken"


def test_the_same_serial_number_in_another_company_is_fine(company, other_company, viewer, sites):
    ItemFactory(site=SiteFactory(company=other_company), serial_number="78BBBBB")
    change = change_request_submit(
        company=company,
        user=viewer,
        kind=ChangeKind.ADD,
        values={
            "site": sites[0].pk,
            "kind": "hardware",
            "serial_number": "78BBBBB",
            "machine_type": "9009",
        },
    )
    assert change.item is None and change.payload["serial_number"] == "78BBBBB"


def test_a_second_request_while_one_is_pending_is_refused(company, viewer, sites):
    item = ItemFactory(site=sites[0])
    first = change_request_submit(company=company, user=viewer, kind=ChangeKind.REMOVE, item=item)
    with pytest.raises(ValidationError) as exc:
        change_request_submit(
            company=company,
            user=viewer,
            kind=ChangeKind.MOVE,
            item=item,
            values={"site": sites[1].pk},
        )
    assert exc.value.code == "already_pending"
    assert first.request.number in exc.value.messages[0]
    assert Request.objects.count() == 1


def test_removing_twice_is_refused(company, viewer, sites, agent):
    item = ItemFactory(site=sites[0])
    change = change_request_submit(company=company, user=viewer, kind=ChangeKind.REMOVE, item=item)
    change_request_apply(change=change, agent=agent)
    item.refresh_from_db()
    assert item.removed_at is not None
    assert not InstalledItem.objects.for_company(company).installed().exists()
    with pytest.raises(ValidationError) as exc:
        change_request_submit(company=company, user=viewer, kind=ChangeKind.REMOVE, item=item)
    assert exc.value.code == "already_removed"


def test_applying_twice_is_refused(company, viewer, sites, agent):
    item = ItemFactory(site=sites[0])
    change = change_request_submit(company=company, user=viewer, kind=ChangeKind.REMOVE, item=item)
    change_request_apply(change=change, agent=agent)
    with pytest.raises(ValidationError) as exc:
        change_request_apply(change=change, agent=agent)
    assert exc.value.code == "decided"
    assert item.history.count() == 1


def test_correction_and_addition_are_applied(company, viewer, sites, agent):
    item = ItemFactory(site=sites[0], description="Old text")
    change = change_request_submit(
        company=company,
        user=viewer,
        kind=ChangeKind.CORRECT,
        item=item,
        values={"description": "Power S924 (rack 3)", "model": item.model},
    )
    assert change.payload == {"description": "Power S924 (rack 3)"}  # unchanged values dropped
    change_request_apply(change=change, agent=agent)
    item.refresh_from_db()
    assert item.description == "Power S924 (rack 3)"

    added = change_request_submit(
        company=company,
        user=viewer,
        kind=ChangeKind.ADD,
        values={
            "site": sites[1].pk,
            "kind": "hardware",
            "serial_number": "78NEW01",
            "machine_type": "9105",
            "model": "22A",
            "quantity": 1,
        },
    )
    new_item = change_request_apply(change=added, agent=agent)
    assert (
        new_item.site == sites[1]
        and new_item.serial_number == "78NEW01"
        and new_item.company == company
    )


def test_a_correction_without_change_is_refused(company, viewer, sites):
    item = ItemFactory(site=sites[0])
    with pytest.raises(ValidationError) as exc:
        change_request_submit(
            company=company,
            user=viewer,
            kind=ChangeKind.CORRECT,
            item=item,
            values={"model": item.model},
        )
    assert exc.value.code == "no_change"


def test_refusal_needs_a_reason_and_tells_the_customer(
    company, viewer, sites, agent, mailoutbox, django_capture_on_commit_callbacks
):
    item = ItemFactory(site=sites[0])
    change = change_request_submit(company=company, user=viewer, kind=ChangeKind.REMOVE, item=item)
    with pytest.raises(ValidationError):
        change_request_refuse(change=change, agent=agent, reason=" ")
    with django_capture_on_commit_callbacks(execute=True):
        change_request_refuse(
            change=change, agent=agent, reason="The machine is still under lease."
        )
    item.refresh_from_db()
    assert item.removed_at is None
    assert "still under lease" in mailoutbox[-1].body
    change.refresh_from_db()
    assert change.status == ChangeStatus.REFUSED
