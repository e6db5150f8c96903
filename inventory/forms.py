"""Shapes of the inventory forms; business rules live in inventory/services.py."""

from django import forms
from django.utils.translation import gettext_lazy as _

from inventory.models import InstalledItem, Kind
from portal.models import Company, Site


class MoveForm(forms.Form):
    site = forms.ModelChoiceField(label=_("New site"), queryset=Site.objects.none())
    message = forms.CharField(
        label=_("Comment for customer service"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=5000,
    )

    def __init__(self, *args, company: Company, item: InstalledItem, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["site"].queryset = Site.objects.for_company(company).exclude(pk=item.site_id)

    def values(self) -> dict:
        return {"site": self.cleaned_data["site"].pk}


class RemoveForm(forms.Form):
    message = forms.CharField(
        label=_("Why should it be removed?"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=5000,
    )

    def __init__(self, *args, company: Company, item: InstalledItem, **kwargs):
        super().__init__(*args, **kwargs)

    def values(self) -> dict:
        return {}


class CorrectForm(forms.ModelForm):
    message = forms.CharField(
        label=_("Comment for customer service"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=5000,
    )

    class Meta:
        model = InstalledItem
        fields = [
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
        widgets = {"installed_on": forms.DateInput(attrs={"type": "date"})}

    def __init__(self, *args, company: Company, item: InstalledItem, **kwargs):
        super().__init__(*args, instance=item, **kwargs)

    def _post_clean(self) -> None:
        """Never touch the instance: the change is only requested, an agent applies it."""

    def values(self) -> dict:
        return {k: v for k, v in self.cleaned_data.items() if k != "message"}


class AddForm(forms.Form):
    site = forms.ModelChoiceField(label=_("Site"), queryset=Site.objects.none())
    kind = forms.ChoiceField(label=_("Kind"), choices=Kind.choices)
    serial_number = forms.CharField(label=_("Serial number"), required=False, max_length=40)
    machine_type = forms.CharField(label=_("Machine type"), required=False, max_length=20)
    model = forms.CharField(label=_("Model"), required=False, max_length=20)
    product = forms.CharField(label=_("Product"), required=False, max_length=120)
    version = forms.CharField(label=_("Version"), required=False, max_length=40)
    quantity = forms.IntegerField(label=_("Quantity"), min_value=1, max_value=100000, initial=1)
    description = forms.CharField(label=_("Description"), required=False, max_length=200)
    installed_on = forms.DateField(
        label=_("Installation date"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    message = forms.CharField(
        label=_("Comment for customer service"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=5000,
    )

    def __init__(self, *args, company: Company, item: InstalledItem | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["site"].queryset = Site.objects.for_company(company)

    def clean(self):
        data = super().clean()
        if data.get("kind") == Kind.HARDWARE and not (
            data.get("serial_number") and data.get("machine_type")
        ):
            raise forms.ValidationError(_("A machine needs its machine type and serial number."))
        if data.get("kind") == Kind.SOFTWARE and not data.get("product"):
            raise forms.ValidationError(_("Software needs its product name."))
        return data

    def values(self) -> dict:
        data = {k: v for k, v in self.cleaned_data.items() if k != "message"}
        data["site"] = data["site"].pk
        return data
