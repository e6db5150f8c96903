"""Platform test fixtures: test-only templates, a private storage root, an SMTP server.

The templates under tests/portal/templates use only strings Django itself
translates ("Yes" → "Oui", month and day names), so the language tests depend
on no app's catalogue.
"""

import socket
import threading
from pathlib import Path

import pytest

TEMPLATES_DIR = Path(__file__).parent / "templates"


@pytest.fixture
def test_templates(settings):
    """Add tests/portal/templates in front of the project's template folders."""
    engines = [dict(engine) for engine in settings.TEMPLATES]
    engines[0]["DIRS"] = [TEMPLATES_DIR, *engines[0]["DIRS"]]
    settings.TEMPLATES = engines
    return TEMPLATES_DIR


@pytest.fixture
def storage_root(settings, tmp_path):
    """The default storage on a fresh folder, so a test can list what was written."""
    root = tmp_path / "files"
    root.mkdir()
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(root)},
        },
    }
    settings.AWS_STORAGE_BUCKET_NAME = ""
    return root


def stored_paths(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*") if p.is_file())


def closed_port() -> int:
    """A TCP port on 127.0.0.1 where nothing listens (connection refused)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class SmtpServer:
    """A real SMTP server (aiosmtpd) on loopback; `reply` decides the answer to DATA."""

    def __init__(self) -> None:
        from aiosmtpd.controller import Controller

        self.messages: list[bytes] = []
        self.reply = "250 OK"
        server = self

        class Handler:
            async def handle_DATA(self, smtp, session, envelope):  # noqa: N802 - aiosmtpd API
                if server.reply.startswith("250"):
                    server.messages.append(envelope.content)
                return server.reply

        self.port = closed_port()
        self.controller = Controller(Handler(), hostname="127.0.0.1", port=self.port)

    def start(self) -> "SmtpServer":
        self.controller.start()
        return self

    def stop(self) -> None:
        self.controller.stop()


@pytest.fixture
def smtp_server(settings):
    server = SmtpServer().start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = server.port
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_HOST_USER = ""
    settings.EMAIL_HOST_PASSWORD = ""
    yield server
    server.stop()


@pytest.fixture
def hung_smtp_server(settings):
    """Accepts connections and never says a word: a hung mail server."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(8)
    accepted: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        listener.settimeout(0.2)
        while not stop.is_set():
            try:
                conn, _addr = listener.accept()
                accepted.append(conn)
            except OSError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = listener.getsockname()[1]
    yield listener
    stop.set()
    thread.join(2)
    for conn in accepted:
        conn.close()
    listener.close()
