"""Payment terms as rules, so the printed term and the stored due date cannot disagree.

"30 jours fin de mois" is end of the issue month + 30 days (an invoice of 12 March
is due on 30 April), "30 jours net" is issue + 30 days. An invoice stores the
term's code and its due date; `due_date_for` computes one from the other.
"""

import calendar
from datetime import date, timedelta

from django.db import models
from django.utils.translation import gettext_lazy as _


class PaymentTerm(models.TextChoices):
    NET_30 = "net30", _("30 days net")
    EOM_30 = "eom30", _("30 days end of month")
    NET_45 = "net45", _("45 days net")
    NET_60 = "net60", _("60 days net")
    ON_RECEIPT = "receipt", _("Due on receipt")


def end_of_month(day: date) -> date:
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def due_date_for(term: str, issue_date: date) -> date:
    """The due date the term gives for an invoice issued on `issue_date`."""
    if term == PaymentTerm.EOM_30:
        return end_of_month(issue_date) + timedelta(days=30)
    if term == PaymentTerm.ON_RECEIPT:
        return issue_date
    days = {PaymentTerm.NET_30: 30, PaymentTerm.NET_45: 45, PaymentTerm.NET_60: 60}[
        PaymentTerm(term)
    ]
    return issue_date + timedelta(days=days)
