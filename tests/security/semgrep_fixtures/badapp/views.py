# Deliberately bad code: the static check must flag every line marked BAD.
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect
from django.utils.safestring import mark_safe
from django.views.decorators.csrf import csrf_exempt

from invoices.models import Invoice


@csrf_exempt  # BAD csrf-exempt
def detail(request, number):
    invoice = Invoice.objects.get(number=number)  # BAD unscoped-object-lookup-in-view
    other = get_object_or_404(Invoice, number=number)  # BAD unscoped-object-lookup-in-view
    html = mark_safe(request.GET["q"])  # BAD mark-safe-on-data
    if invoice and other and html:
        return redirect(request.GET.get("next"))  # BAD redirect-to-unvalidated-input
    return HttpResponseRedirect(request.POST["next"])  # BAD redirect-to-unvalidated-input
