"""The iCalendar feed of a company's contract end and renewal dates."""

from datetime import timedelta

from django.conf import settings
from django.http import HttpResponse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from icalendar import Alarm, Calendar, Event

from contracts.models import IN_FORCE, CalendarFeed, Contract, ContractStatus
from portal.notify import absolute_url

FEED_STATUSES = (
    ContractStatus.SUBMITTED,
    ContractStatus.IN_APPROVAL,
    ContractStatus.AWAITING_SIGNATURE,
    *IN_FORCE,
)


def build_calendar(feed: CalendarFeed) -> bytes:
    contracts = (
        Contract.objects.for_company(feed.company)
        .filter(status__in=FEED_STATUSES)
        .only("id", "number", "title", "end_date", "renewal_date", "updated_at")
        .order_by("end_date")
    )
    cal = Calendar()
    cal.add("prodid", f"-//{settings.PORTAL_BRAND}//Contracts OnLine//EN")
    cal.add("version", "2.0")
    cal.add("x-wr-calname", f"{_('Contracts')} · {feed.company.name}")
    stamp = timezone.now()
    with translation.override(feed.user.preferred_language):
        for contract in contracts.iterator(chunk_size=2000):
            link = absolute_url("contracts:detail", number=contract.number)
            dates = [("end", contract.end_date, _("Contract %(number)s ends"))]
            if contract.renewal_date:
                dates.append(
                    (
                        "renewal",
                        contract.renewal_date,
                        _("Contract %(number)s: renewal notice date"),
                    )
                )
            for kind, day, label in dates:
                event = Event()
                event.add(
                    "uid",
                    f"contract-{contract.pk}-{kind}@{settings.PORTAL_BRAND.replace(' ', '-').lower()}",
                )
                event.add("summary", f"{label % {'number': contract.number}} — {contract.title}")
                event.add("dtstart", day)
                event.add("dtend", day + timedelta(days=1))
                event.add("dtstamp", stamp)
                event.add("url", link)
                event.add("description", link)
                # reminders before the notice deadline and the end date, at the notice days
                for days in sorted(set(settings.CONTRACT_EXPIRY_THRESHOLDS), reverse=True):
                    alarm = Alarm()
                    alarm.add("action", "DISPLAY")
                    alarm.add("description", label % {"number": contract.number})
                    alarm.add("trigger", timedelta(days=-days))
                    event.add_component(alarm)
                cal.add_component(event)
    return cal.to_ical()


def feed_response(feed: CalendarFeed) -> HttpResponse:
    response = HttpResponse(build_calendar(feed), content_type="text/calendar; charset=utf-8")
    response.headers["Content-Disposition"] = 'inline; filename="contracts.ics"'
    response.headers["Cache-Control"] = "private, no-store"
    return response
