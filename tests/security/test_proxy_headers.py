"""The web tier as the image runs it (issue 14, items 10 and 14).

gunicorn is started with the Dockerfile's own command line; only the application is a
small one answering the scheme Django decides for the request. X-Forwarded-Proto is
believed from the TLS proxy (FORWARDED_ALLOW_IPS) and from nobody else, and no
`Server` header names the software.
"""

import http.client
import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]


def _dockerfile_command(port: int) -> list[str]:
    cmd = re.search(r"^CMD (\[.*\])$", (ROOT / "Dockerfile").read_text(), re.M).group(1)
    args = json.loads(cmd)
    assert args[:2] == ["gunicorn", "portal.wsgi:application"]
    args[1] = "tests.security.scheme_app:application"
    args[args.index("--bind") + 1] = f"127.0.0.1:{port}"
    args += ["--workers", "1"]  # the image's count comes from gunicorn.conf.py
    return [sys.executable, "-m", *args]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def serve():
    servers = []

    def start(forwarded_allow_ips: str) -> int:
        port = _free_port()
        env = {**os.environ, "FORWARDED_ALLOW_IPS": forwarded_allow_ips, "PORTAL_TESTING": "1"}
        server = subprocess.Popen(
            _dockerfile_command(port),
            cwd=ROOT,
            env=env,
            start_new_session=True,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        servers.append(server)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            assert server.poll() is None, "gunicorn exited"
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                return port
            except OSError:
                time.sleep(0.2)
        raise AssertionError("gunicorn did not start")

    yield start
    for server in servers:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=20)


def _get(port: int, headers: dict[str, str]) -> http.client.HTTPResponse:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    conn.request("GET", "/", headers={"Host": "127.0.0.1", **headers})
    response = conn.getresponse()
    response.body = response.read().decode()
    return response


def test_a_forged_forwarded_proto_from_outside_the_proxy_is_ignored(serve):
    port = serve("10.20.30.40")  # the proxy is elsewhere: this client is not it
    assert _get(port, {"X-Forwarded-Proto": "https"}).body == "http"


def test_the_proxy_is_believed(serve):
    port = serve("127.0.0.1")  # the documented default: a proxy on the same host
    assert _get(port, {"X-Forwarded-Proto": "https"}).body == "https"
    assert _get(port, {}).body == "http"


def test_no_server_banner(serve):
    response = _get(serve("127.0.0.1"), {})
    assert response.getheader("Server") is None


def test_compose_passes_the_proxy_address_with_the_documented_default():
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    environment = compose["services"]["web"]["environment"]
    assert environment["FORWARDED_ALLOW_IPS"] == "${FORWARDED_ALLOW_IPS:-127.0.0.1}"
    assert "FORWARDED_ALLOW_IPS" in (ROOT / "README.md").read_text()


def test_compose_passes_the_trusted_proxies_and_the_scanner_to_every_container():
    """Compose hands a container only the variables its `environment` names (a `.env`
    file merely fills `${...}`): without these lines, TRUSTED_PROXIES set as the README
    says never reached the web tier, and every client behind the TLS proxy shared the
    proxy's address for the sign-in and guest limits (issue 14, item 2)."""
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    for service in ("web", "worker"):
        environment = compose["services"][service]["environment"]
        assert environment["TRUSTED_PROXIES"] == "${TRUSTED_PROXIES:-}", service
        assert environment["CLAMD_URL"] == "${CLAMD_URL:-}", service
    readme = (ROOT / "README.md").read_text()
    assert "TRUSTED_PROXIES" in readme and "CLAMD_URL" in readme
