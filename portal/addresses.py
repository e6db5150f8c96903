"""Postal addresses: structured fields, printed the way the country writes them.

A company, its billing address and its sites keep street, postal code, city and
state/region apart so a document can print "Armonk, NY 10504" in the US and
"92270 Bois-Colombes" in France from the same data. `format_address` is the one
place that knows each country's order; pages, PDFs and the Factur-X XML use it.
"""

from dataclasses import dataclass

# Country -> the lines after the street, from the parts of the address.
# {postal} {city} {region}; a line left empty by missing parts is dropped.
_LOCALITY_LINES: dict[str, tuple[str, ...]] = {
    "US": ("{city}, {region} {postal}",),
    "CA": ("{city} {region} {postal}",),
    "GB": ("{city}", "{postal}"),
    "BR": ("{city} - {region}", "{postal}"),
}
_DEFAULT_LOCALITY = ("{postal} {city}",)  # France, Germany and most of Europe


@dataclass(frozen=True)
class PostalAddress:
    street: str = ""
    postal_code: str = ""
    city: str = ""
    region: str = ""
    country_code: str = ""
    country_name: str = ""

    @property
    def is_empty(self) -> bool:
        return not (self.street or self.postal_code or self.city)

    def lines(self, *, with_country: bool = True) -> list[str]:
        """The address as printed in its country, street first, country last."""
        result = [line.strip() for line in self.street.splitlines() if line.strip()]
        for pattern in _LOCALITY_LINES.get(self.country_code.upper(), _DEFAULT_LOCALITY):
            line = pattern.format(postal=self.postal_code, city=self.city, region=self.region)
            line = " ".join(line.split()).strip(" ,-")
            if line:
                result.append(line)
        if with_country and self.country_name:
            result.append(self.country_name)
        return result

    def __str__(self) -> str:
        return "\n".join(self.lines())
