"""docker-compose.yml is what our users deploy: it must validate with Compose and keep
the services, health checks and volumes the README promises.

Compose validates the file without a Docker engine (`docker compose config`, or the
standalone `docker-compose config` that `.ci/run` installs). Where neither is installed
the test says so and skips, except in CI (`CI` set), where a missing Compose fails.
"""

import os
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml
from django.conf import settings

ROOT = Path(settings.BASE_DIR)


def _compose_command() -> list[str] | None:
    docker = shutil.which("docker")
    if (
        docker
        and subprocess.run([docker, "compose", "version"], capture_output=True).returncode == 0
    ):
        return [docker, "compose"]
    standalone = shutil.which("docker-compose")
    return [standalone] if standalone else None


def _config(**env: str) -> subprocess.CompletedProcess:
    command = _compose_command()
    if command is None:
        if os.environ.get("CI"):
            pytest.fail("Compose is not installed: .ci/run must install it")
        pytest.skip("Compose (docker compose / docker-compose) is not installed")
    clean = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": "/tmp", **env}
    return subprocess.run(
        [
            *command,
            "--project-directory",
            str(ROOT),
            "-f",
            str(ROOT / "docker-compose.yml"),
            "config",
        ],
        cwd=ROOT,
        env=clean,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_compose_file_validates_with_the_services_the_readme_lists():
    result = _config(SECRET_KEY="k" * 60)
    assert result.returncode == 0, result.stderr
    config = yaml.safe_load(result.stdout)
    services = config["services"]
    assert {"migrate", "web", "worker", "beat", "postgres", "redis"} <= set(services)
    for name in ("web", "postgres", "redis"):
        assert "healthcheck" in services[name], name
    assert "/healthz" in " ".join(services["web"]["healthcheck"]["test"])
    assert 'CMD ["gunicorn"' in (ROOT / "Dockerfile").read_text()  # the web default command
    assert {"files", "postgres", "redis"} <= set(config["volumes"])


def test_compose_refuses_to_start_without_a_secret_key():
    result = _config()
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr
