"""deploy/kubernetes: every manifest validates against the Kubernetes 1.37 schemas that
kubernetes-validate carries (offline: no cluster, no download), and keeps what the
README promises: readiness on /healthz, an autoscaled web tier, workers, one beat, a
migrate Job, disruption budgets, and the README's variables in the ConfigMap/Secret."""

import re
import socket
from pathlib import Path

import kubernetes_validate
import pytest
import yaml
from django.conf import settings

ROOT = Path(settings.BASE_DIR)
MANIFESTS = sorted((ROOT / "deploy" / "kubernetes").glob("*.yaml"))
VERSION = "1.37.0"


def resources() -> list[dict]:
    found = []
    for path in MANIFESTS:
        found += [doc for doc in yaml.safe_load_all(path.read_text()) if doc]
    return found


def one(kind: str, name: str) -> dict:
    matches = [r for r in resources() if r["kind"] == kind and r["metadata"]["name"] == name]
    assert len(matches) == 1, (kind, name)
    return matches[0]


@pytest.fixture
def offline(monkeypatch):
    """Any attempt to open a network connection fails the test."""

    def refuse(*args, **kwargs):
        raise AssertionError(f"network access during validation: {args!r}")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)


@pytest.mark.parametrize("path", MANIFESTS, ids=lambda p: p.name)
def test_each_manifest_validates_offline_against_the_kubernetes_schemas(path, offline):
    docs = [doc for doc in yaml.safe_load_all(path.read_text()) if doc]
    assert docs
    for doc in docs:
        kubernetes_validate.validate(doc, VERSION, strict=True)  # raises on any error


def test_a_broken_manifest_is_refused(offline):
    web = one("Deployment", "portal-web")
    broken = {**web, "spec": {**web["spec"], "replicas": "two"}}
    with pytest.raises(kubernetes_validate.ValidationError):
        kubernetes_validate.validate(broken, VERSION, strict=True)


def _container(deployment: dict) -> dict:
    (container,) = deployment["spec"]["template"]["spec"]["containers"]
    return container


def test_the_web_tier_is_ready_on_healthz_autoscaled_and_kept_up_during_disruptions():
    web = one("Deployment", "portal-web")
    probe = _container(web)["readinessProbe"]["httpGet"]
    assert probe["path"] == "/healthz"
    hosts = one("ConfigMap", "portal-config")["data"]["ALLOWED_HOSTS"].split(",")
    assert {"name": "Host", "value": hosts[0]} in probe["httpHeaders"]
    hpa = one("HorizontalPodAutoscaler", "portal-web")
    assert hpa["spec"]["scaleTargetRef"] == {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "name": "portal-web",
    }
    assert hpa["spec"]["minReplicas"] >= 2
    pod_labels = web["spec"]["template"]["metadata"]["labels"]
    for name in ("portal-web", "portal-worker"):
        budget = one("PodDisruptionBudget", name)
        labels = one("Deployment", name)["spec"]["template"]["metadata"]["labels"]
        assert budget["spec"]["selector"]["matchLabels"].items() <= labels.items()
    service = one("Service", "portal-web")
    assert service["spec"]["selector"].items() <= pod_labels.items()


def test_one_beat_workers_and_a_migrate_job_on_the_same_image():
    beat = one("Deployment", "portal-beat")
    assert beat["spec"]["replicas"] == 1
    assert beat["spec"]["strategy"]["type"] == "Recreate"  # never two during a rollout
    assert _container(beat)["args"][:4] == ["celery", "-A", "portal", "beat"]
    worker = one("Deployment", "portal-worker")
    assert _container(worker)["args"][:4] == ["celery", "-A", "portal", "worker"]
    job = one("Job", "portal-migrate")
    (migrate,) = job["spec"]["template"]["spec"]["containers"]
    assert migrate["command"] == ["python", "manage.py", "migrate", "--noinput"]
    images = {
        _container(one("Deployment", name))["image"]
        for name in ("portal-web", "portal-worker", "portal-beat")
    } | {migrate["image"]}
    assert len(images) == 1
    for container in [
        _container(one("Deployment", n)) for n in ("portal-web", "portal-worker", "portal-beat")
    ] + [migrate]:
        refs = {next(iter(ref.values()))["name"] for ref in container["envFrom"]}
        assert refs == {"portal-config", "portal-secrets"}


def test_the_config_map_and_secret_hold_only_variables_the_readme_documents():
    readme = (ROOT / "README.md").read_text()
    rows = re.findall(r"^\| (`[A-Z0-9_]+`(?:, `[A-Z0-9_]+`)*) \|", readme, re.M)
    documented = {name for row in rows for name in re.findall(r"`([A-Z0-9_]+)`", row)}
    config = one("ConfigMap", "portal-config")["data"]
    secret = one("Secret", "portal-secrets")["stringData"]
    assert set(config) | set(secret) <= documented | {"FORWARDED_ALLOW_IPS"}
    assert {"SECRET_KEY", "DATABASE_URL", "REDIS_URL", "S3_SECRET_ACCESS_KEY"} <= set(secret)
    assert not {"SECRET_KEY", "DATABASE_URL", "REDIS_URL"} & set(config)  # secrets stay secret
