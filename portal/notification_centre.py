"""The notification centre (the bell): reads and changes of a user's own entries.

Entries are written by `portal.notify.notify()` next to the e-mail of the same event.
Every read starts from `NotificationEntry.objects.of_user(user)`: another user's entry
is a 404, like a missing one. An entry only holds a path behind the gate, so opening
one for an object the user can no longer see ends on the gate's usual 404 or 403.
"""

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from portal.models import NotificationEntry, User

COUNT_SHOWN_MAX = 99  # the badge says "99+" beyond


def unread_count(user: User) -> int:
    """One indexed query (the partial index on unread entries): the bell's number."""
    return NotificationEntry.objects.of_user(user).unread().count()


def entries_of(user: User) -> QuerySet[NotificationEntry]:
    """The user's entries, newest first (the notifications page)."""
    return (
        NotificationEntry.objects.of_user(user)
        .select_related("company")
        .order_by("-created_at", "-id")
    )


@transaction.atomic
def entry_open(*, user: User, entry_id: int) -> NotificationEntry:
    """Mark the user's entry read and return it; raises DoesNotExist for anyone else's."""
    entry = NotificationEntry.objects.of_user(user).select_related("company").get(pk=entry_id)
    if entry.read_at is None:
        entry.read_at = timezone.now()
        entry.save(update_fields=["read_at"])
    return entry


@transaction.atomic
def entries_mark_all_read(*, user: User) -> int:
    return NotificationEntry.objects.of_user(user).unread().update(read_at=timezone.now())
