"""Who may thread a reply by e-mail: the per-request reply address and verified senders.

`From:` alone proves nothing (anyone can write a requester's address). A reply is trusted
when it was sent to the request's own reply address, ``replies+<number>.<token>@domain``
built from REQUESTS_REPLY_TO, whose token is an HMAC of the tracking number under the
SECRET_KEY (unguessable, nothing stored); or when our own mail server's
Authentication-Results header (authserv-id INBOUND_AUTHSERV_ID) says DKIM, DMARC or SPF
passed for the sender's domain.
"""

import hmac
import re
from email.message import EmailMessage
from email.utils import getaddresses

from django.conf import settings
from django.utils.crypto import salted_hmac

TOKEN_LENGTH = 20
_SALT = "requests_inbox.reply_address"


def reply_token(number: str) -> str:
    return salted_hmac(_SALT, number.upper(), algorithm="sha256").hexdigest()[:TOKEN_LENGTH]


def reply_address(number: str) -> str:
    """The Reply-To of a request's e-mails, or "" when answers by e-mail are off."""
    base = settings.REQUESTS_REPLY_TO
    if not base or "@" not in base:
        return ""
    local, _at, domain = base.rpartition("@")
    return f"{local}+{number.lower()}.{reply_token(number)}@{domain}"


def _recipients(msg: EmailMessage) -> list[str]:
    values = []
    for header in ("Delivered-To", "X-Original-To", "To", "Cc"):
        values.extend(str(v) for v in msg.get_all(header) or [])
    return [address.lower() for _name, address in getaddresses(values)]


def tokened_number(msg: EmailMessage) -> tuple[str | None, bool]:
    """(tracking number, token valid) from a plus address among the recipients.

    (None, False) when the message was not sent to a per-request address at all.
    """
    base = settings.REQUESTS_REPLY_TO.lower()
    if "@" not in base:
        return None, False
    local, _at, domain = base.rpartition("@")
    pattern = re.compile(
        rf"^{re.escape(local)}\+(cs-\d{{4}}-\d{{6,}})\.([0-9a-f]+)@{re.escape(domain)}$"
    )
    for address in _recipients(msg):
        match = pattern.match(address)
        if match:
            number = match.group(1).upper()
            return number, hmac.compare_digest(match.group(2), reply_token(number))
    return None, False


_RESULT = re.compile(r"\b(dkim|spf|dmarc)=(\w+)([^;]*)", re.IGNORECASE)
_PROPERTY = re.compile(r"\b(header\.d|header\.i|header\.from|smtp\.mailfrom)=([^\s;]+)", re.I)


def authenticated(msg: EmailMessage, sender: str) -> bool:
    """True when our receiving server vouches for `sender`'s domain (DKIM/DMARC/SPF pass).

    Only the topmost Authentication-Results header written by our own server counts
    (INBOUND_AUTHSERV_ID); any other was written by the sender and proves nothing.
    """
    authserv = settings.INBOUND_AUTHSERV_ID.lower()
    if not authserv or "@" not in sender:
        return False
    domain = sender.rpartition("@")[2].lower()
    for header in msg.get_all("Authentication-Results") or []:
        text = str(header)
        server = text.split(";", 1)[0].strip().split()[0].lower() if text.strip() else ""
        if server != authserv:
            continue
        for method, result, rest in _RESULT.findall(text):
            if result.lower() != "pass":
                continue
            for prop, value in _PROPERTY.findall(rest):
                value = value.strip().strip("<>").lower()
                if prop.lower() == "smtp.mailfrom" and method.lower() == "spf":
                    if value == sender or value == domain:
                        return True
                elif method.lower() in ("dkim", "dmarc"):
                    if value.rpartition("@")[2] == domain:
                        return True
        return False  # the first header of our own server is the one that counts
    return False
