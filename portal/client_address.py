"""The client's address, derived in one place for rate limits, allauth and the security log.

Behind the TLS proxy every connection comes from the proxy, so the address that
counts is the one the proxy appended to `X-Forwarded-For`. That header is only
believed when the connection itself comes from a trusted proxy (`TRUSTED_PROXIES`,
addresses or networks): a client that reaches the application directly, or writes
its own `X-Forwarded-For`, cannot choose the address it is limited under. The
header is read from the right: entries appended by trusted proxies are skipped,
the first other entry is the client; whatever a client wrote before it is ignored.
"""

import ipaddress
from functools import lru_cache
from typing import TYPE_CHECKING, cast

from django.conf import settings
from django.http import HttpRequest

if TYPE_CHECKING:
    from portal.http import PortalRequest

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


@lru_cache(maxsize=8)
def _networks(proxies: tuple[str, ...]) -> tuple[Network, ...]:
    return tuple(ipaddress.ip_network(item, strict=False) for item in proxies)


def _address(value: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    value = value.strip()
    if value.startswith("[") and "]" in value:  # "[2001:db8::1]:443"
        value = value[1 : value.index("]")]
    elif value.count(":") == 1:  # "203.0.113.9:51234"
        value = value.split(":", 1)[0]
    try:
        address = ipaddress.ip_address(value)
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        return address.ipv4_mapped
    return address


def _trusted(address: ipaddress.IPv4Address | ipaddress.IPv6Address, nets: tuple) -> bool:
    return any(address.version == net.version and address in net for net in nets)


def client_ip(request: HttpRequest) -> str:
    """The address the request comes from, as seen by the outermost trusted proxy."""
    cached = getattr(request, "_client_ip", None)
    if cached is not None:
        return cached
    remote = _address(request.META.get("REMOTE_ADDR", "") or "")
    result = str(remote) if remote is not None else ""
    nets = _networks(tuple(settings.TRUSTED_PROXIES))
    if remote is not None and nets and _trusted(remote, nets):
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        hops = [hop for hop in forwarded.split(",") if hop.strip()]
        for hop in reversed(hops):
            address = _address(hop)
            if address is None:  # a proxy we trust wrote garbage: keep the proxy's address
                break
            result = str(address)
            if not _trusted(address, nets):
                break
    cast("PortalRequest", request)._client_ip = result
    return result
