"""A session, its CSRF token and its second factor carry from node to node; a sign-out
on one node ends the session on both; rate limits count across the nodes."""

import re
import time

import pytest
from allauth.mfa.totp.internal.auth import TOTP, format_hotp_value, generate_totp_secret, hotp_value
from django.conf import settings

from portal.agents import make_agent
from portal.models import Role
from tests.cluster.conftest import PASSWORD, browser, with_password
from tests.factories.portal import UserFactory, member
from tests.limit_windows import one_limit_window

pytestmark = pytest.mark.django_db(transaction=True)


def totp_code(secret: str) -> str:
    return format_hotp_value(hotp_value(secret, int(time.time()) // 30))


def sign_in(client, email: str, *, form_from: int, post_to: int):
    page = client.get(form_from, "/accounts/login/")
    assert page.status_code == 200
    answer = client.post(post_to, "/accounts/login/", {"login": email, "password": PASSWORD})
    assert answer.status_code == 302, answer.text[:2000]
    return answer


def test_a_session_its_csrf_token_and_second_factor_carry_across_nodes(cluster):
    agent = with_password(UserFactory(email="agent@cs.test", is_staff=True))
    make_agent([agent])
    secret = generate_totp_secret()
    TOTP.activate(agent, secret)
    client = browser(cluster)

    # The sign-in form comes from node 1, the password goes to node 2: the CSRF token
    # node 1 set is accepted by node 2, and the pending sign-in (password checked,
    # second factor due) is found there.
    answer = sign_in(client, agent.email, form_from=0, post_to=1)
    assert answer.headers["Location"].startswith("/accounts/2fa/authenticate/")
    # The second step's form on node 2, the code to node 1.
    assert client.get(1, "/accounts/2fa/authenticate/").status_code == 200
    answer = client.post(0, "/accounts/2fa/authenticate/", {"code": totp_code(secret)})
    assert answer.status_code == 302, answer.text[:2000]

    # The admin asks for a session that used the second factor: both nodes agree.
    admin = f"/{settings.ADMIN_PATH}"
    for node in (1, 0, 1):
        page = client.get(node, admin)
        assert page.status_code == 200, (node, page.status_code, page.headers.get("Location"))
        assert "agent@cs.test" in page.text or "Site administration" in page.text

    # A form posted to the other node than the one that served it.
    form = client.get(0, "/accounts/email/")
    assert form.status_code == 200
    refused = client.post(1, "/accounts/email/", {"action_add": "", "email": "bad"}, headers={})
    assert refused.status_code == 200  # the form again with its error, not a CSRF 403
    assert "Enter a valid email address" in refused.text

    # Sign-out on node 2 ends the session on both nodes.
    assert client.post(1, "/accounts/logout/").status_code == 302
    for node in (0, 1):
        page = client.get(node, admin)
        assert page.status_code == 302
        assert "/login/" in page.headers["Location"]
        assert client.get(node, "/requests/").status_code == 302
    assert set(client.answered_by) == {"web1", "web2"}


def test_a_customer_session_moves_between_nodes_and_a_stolen_cookie_dies_on_sign_out(
    cluster, company
):
    viewer = with_password(member(company, role=Role.VIEWER, email="viewer@acme.test"))
    client = browser(cluster)
    sign_in(client, viewer.email, form_from=1, post_to=0)
    for node in (0, 1, 0, 1):
        home = client.get(node, "/")
        assert home.status_code == 200
        assert company.name in home.text
    # A copy of the session cookie (another browser) works until the sign-out...
    thief = browser(cluster)
    thief.session.cookies.update(client.session.cookies)
    assert thief.get(1, "/requests/").status_code == 200
    assert client.post(0, "/accounts/logout/").status_code == 302
    # ... after which neither node accepts it.
    for node in (1, 0):
        page = thief.get(node, "/requests/")
        assert page.status_code == 302
        assert page.headers["Location"].startswith("/accounts/login/")


def test_the_eleventh_guest_lookup_is_refused_whichever_node_answers(cluster):
    client = browser(cluster)
    assert client.get(0, "/orders/guest/").status_code == 200  # the CSRF cookie
    one_limit_window(60, needed=20)
    answers = []
    for attempt in range(11):
        node = attempt % 2
        answer = client.post(
            node,
            "/orders/guest/",
            {"customer_number": "C-404", "order_number": f"SO-{attempt}", "proof": "75001"},
        )
        answers.append((node, answer.status_code))
    assert [status for _node, status in answers[:10]] == [200] * 10
    assert answers[10] == (0, 429)
    # And the other node refuses the next one too.
    refused = client.post(
        1, "/orders/guest/", {"customer_number": "C-404", "order_number": "SO-x", "proof": "1"}
    )
    assert refused.status_code == 429
    assert re.search(r"Retry-After", str(refused.headers), re.I)


def test_failed_sign_ins_are_counted_across_nodes(cluster, company):
    viewer = with_password(member(company, role=Role.VIEWER, email="viewer@acme.test"))
    client = browser(cluster)
    assert client.get(0, "/accounts/login/").status_code == 200
    one_limit_window(300, needed=40)
    for attempt in range(5):  # five wrong passwords, alternating nodes
        answer = client.post(
            attempt % 2, "/accounts/login/", {"login": viewer.email, "password": "wrong-guess-1"}
        )
        assert answer.status_code == 200  # the form again, with its error
    # The right password, on either node, is refused now: the five failures were shared.
    for node in (1, 0):
        answer = client.post(
            node, "/accounts/login/", {"login": viewer.email, "password": PASSWORD}
        )
        assert answer.status_code != 302
        assert "Too many failed login attempts" in answer.text
