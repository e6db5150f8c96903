"""A small cluster on loopback: gunicorn web nodes, Celery workers, beat, an S3 server.

Every process runs the portal in production shape (DEBUG and PORTAL_TESTING off, one
SECRET_KEY, the test database on PostgreSQL, Redis `CLUSTER_REDIS_DB` (default 6) as
cache and broker, files in a bucket of moto's S3 server through django-storages) in a
process group of its own, so that stopping the cluster ends every child too, whatever
failed. A node's MEDIA_ROOT and var directory start empty and are checked to stay so.

The static files are collected once (as the image build does) into a directory keyed by
the sources' digest, reused by later runs.
"""

import hashlib
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import requests

ROOT = Path(__file__).resolve().parents[2]
HOST = "portal.test"  # what the load balancer in front of the nodes is called
ORIGIN = f"https://{HOST}"
BIN = Path(sys.executable).parent


def _die_with_parent() -> None:
    """In the child before exec: killed if the test process dies (no orphan left)."""
    import ctypes

    ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def redis_url() -> str:
    """REDIS_URL's server (default 127.0.0.1:6379) on the cluster's own db."""
    base = os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/0"
    parts = urlsplit(base)
    db = os.environ.get("CLUSTER_REDIS_DB", "6")
    return urlunsplit((parts.scheme, parts.netloc, f"/{db}", "", ""))


def database_url(settings_dict: dict) -> str:
    host = settings_dict.get("HOST") or "127.0.0.1"
    port = settings_dict.get("PORT") or 5432
    password = f":{settings_dict['PASSWORD']}" if settings_dict.get("PASSWORD") else ""
    return f"postgres://{settings_dict['USER']}{password}@{host}:{port}/{settings_dict['NAME']}"


def files_in(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*") if p.is_file())


def _static_digest() -> str:
    digest = hashlib.sha256()
    sources = [ROOT / "static", *ROOT.glob("*/static")]
    for base in sources:
        for path in sorted(base.rglob("*")):
            if path.is_file():
                stat = path.stat()
                digest.update(
                    f"{path.relative_to(ROOT)}|{stat.st_size}|{stat.st_mtime_ns}".encode()
                )
    digest.update((ROOT / "portal" / "static_files.py").read_bytes())
    return digest.hexdigest()[:16]


def collected_static(env: dict[str, str]) -> Path:
    """A var directory whose static/ holds the collected, hashed files (the image's)."""
    image = ROOT / "var" / "cluster-image" / _static_digest()
    if (image / "static" / "staticfiles.json").exists():
        return image
    building = image.with_name(image.name + f".{os.getpid()}")
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
        cwd=ROOT,
        env={**env, "PORTAL_VAR_DIR": str(building)},
        check=True,
        timeout=600,
    )
    try:
        building.rename(image)
    except OSError:  # another run collected them meanwhile
        subprocess.run(["rm", "-rf", str(building)], check=False)
    return image


@dataclass
class Process:
    name: str
    popen: subprocess.Popen
    log: Path
    port: int | None = None
    dirs: list[Path] = field(default_factory=list)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def alive(self) -> bool:
        return self.popen.poll() is None

    def signal_group(self, sig: int) -> None:
        try:
            os.killpg(self.popen.pid, sig)
        except ProcessLookupError:
            pass

    def stop(self, timeout: float = 20) -> None:
        if self.alive():
            self.signal_group(signal.SIGTERM)
            try:
                self.popen.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.signal_group(signal.SIGKILL)
                self.popen.wait()
        self.signal_group(signal.SIGKILL)  # children left behind by the parent

    def kill(self) -> None:
        self.signal_group(signal.SIGKILL)
        self.popen.wait(10)

    def tail(self, chars: int = 3000) -> str:
        try:
            return self.log.read_text(errors="replace")[-chars:]
        except OSError:
            return ""


def stop_all(processes: list[Process], timeout: float = 15) -> None:
    """SIGTERM to every process group at once, SIGKILL to what is left after `timeout`."""
    for process in processes:
        if process.alive():
            process.signal_group(signal.SIGTERM)
    deadline = time.monotonic() + timeout
    for process in processes:
        try:
            process.popen.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            pass
        process.signal_group(signal.SIGKILL)  # the group's stragglers too
        process.popen.wait()


class Cluster:
    def __init__(self, work: Path, database: str, smtp_port: int, bucket: str = "portal-files"):
        self.work = work
        self.bucket = bucket
        self.redis_url = redis_url()
        self.s3_port = free_port()
        self.processes: list[Process] = []
        self.tally: Counter = Counter()  # what crossed the nodes, for the run's summary
        self.nodes: list[Process] = []
        self.workers: list[Process] = []
        self.env = {
            **{k: v for k, v in os.environ.items() if not k.startswith("PYTEST")},
            "DATABASE_URL": database,
            "REDIS_URL": self.redis_url,
            "SECRET_KEY": secrets.token_urlsafe(50),  # one key for every node
            "DEBUG": "0",
            "PORTAL_TESTING": "0",
            "ALLOWED_HOSTS": f"{HOST},127.0.0.1",
            "CSRF_TRUSTED_ORIGINS": ORIGIN,
            "PORTAL_BASE_URL": ORIGIN,
            "EMAIL_URL": f"smtp://127.0.0.1:{smtp_port}",
            "S3_BUCKET": bucket,
            "S3_ENDPOINT_URL": f"http://127.0.0.1:{self.s3_port}",
            "S3_ACCESS_KEY_ID": "cluster-test",
            "S3_SECRET_ACCESS_KEY": "cluster-test-secret",
            "S3_REGION": "us-east-1",
            "AWS_EC2_METADATA_DISABLED": "true",
            "INVOICE_ZIP_DIRECT_MAX": "2",
            "LOG_LEVEL": "WARNING",
            "CONN_MAX_AGE": "0",
            "PYTHONUNBUFFERED": "1",
        }
        self.env.pop("S3_BUCKET_NAME", None)

    # --- starting -------------------------------------------------------------------
    def _spawn(self, name: str, command: list[str], env: dict[str, str], **extra) -> Process:
        log = self.work / f"{name}.log"
        with open(log, "ab") as out:
            popen = subprocess.Popen(
                command,
                cwd=ROOT,
                env=env,
                stdout=out,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                start_new_session=True,  # a process group of its own
                preexec_fn=_die_with_parent,  # noqa: PLW1509 - no threads touch the fork
            )
        process = Process(name, popen, log, **extra)
        self.processes.append(process)
        return process

    def start_s3(self) -> None:
        import boto3

        self._spawn(
            "s3",
            [str(BIN / "moto_server"), "-H", "127.0.0.1", "-p", str(self.s3_port)],
            {**self.env, "MOTO_PORT": str(self.s3_port)},
        )
        self.s3 = boto3.client(
            "s3",
            endpoint_url=self.env["S3_ENDPOINT_URL"],
            aws_access_key_id=self.env["S3_ACCESS_KEY_ID"],
            aws_secret_access_key=self.env["S3_SECRET_ACCESS_KEY"],
            region_name="us-east-1",
        )
        deadline = time.monotonic() + 60
        while True:
            try:
                self.s3.create_bucket(Bucket=self.bucket)
                return
            except Exception:
                if time.monotonic() > deadline:
                    raise RuntimeError(
                        "the S3 server did not start:\n" + self.processes[-1].tail()
                    ) from None
                time.sleep(0.3)

    def node_env(self, name: str) -> tuple[dict[str, str], list[Path]]:
        base = self.work / name
        media, var, tmp = base / "media", base / "var", base / "tmp"
        for path in (media, var, tmp):
            path.mkdir(parents=True, exist_ok=True)
        env = {**self.env, "MEDIA_ROOT": str(media), "TMPDIR": str(tmp)}
        return env, [media, var]

    def start_node(self, name: str | None = None, extra_env: dict | None = None) -> Process:
        name = name or f"web{len(self.nodes) + 1}"
        env, dirs = self.node_env(name)
        env.update(extra_env or {})
        env["PORTAL_VAR_DIR"] = str(self.image)  # the image's collected static files
        port = free_port()
        command = [
            str(BIN / "gunicorn"),
            "-c",
            "gunicorn.conf.py",
            "portal.wsgi",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "2",
            "--timeout",
            "60",
            "--graceful-timeout",
            "5",
            "--preload",  # the portal is imported once per node, then forked
        ]
        node = self._spawn(name, command, env, port=port, dirs=dirs)
        self.nodes.append(node)
        return node

    def start_worker(self, name: str | None = None) -> Process:
        name = name or f"worker{len(self.workers) + 1}"
        env, dirs = self.node_env(name)
        env["PORTAL_VAR_DIR"] = str(dirs[1])
        command = [
            str(BIN / "celery"),
            "-A",
            "portal",
            "worker",
            "-n",
            f"{name}@%h",
            "--concurrency",
            "2",
            "-l",
            "info",
            "--without-mingle",
            "--without-gossip",
        ]
        worker = self._spawn(name, command, env, dirs=dirs)
        self.workers.append(worker)
        return worker

    def start_beat(self, name: str = "beat", app: str = "portal") -> Process:
        env, dirs = self.node_env(name)
        env["PORTAL_VAR_DIR"] = str(dirs[1])
        command = [str(BIN / "celery"), "-A", app, "beat", "-l", "info"]
        return self._spawn(name, command, env, dirs=dirs)

    def wait_ready(self, node: Process, timeout: float = 120) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if not node.alive():
                raise RuntimeError(f"{node.name} exited:\n{node.tail()}")
            try:
                answer = requests.get(
                    node.url + "/healthz", headers={"Host": HOST}, timeout=5, allow_redirects=False
                )
                if answer.status_code == 200:
                    return
            except requests.RequestException:
                pass
            time.sleep(0.5)
        raise RuntimeError(f"{node.name} never became ready:\n{node.tail()}")

    def wait_worker(self, worker: Process, timeout: float = 120) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if not worker.alive():
                raise RuntimeError(f"{worker.name} exited:\n{worker.tail()}")
            if " ready." in worker.tail(20000):
                return
            time.sleep(0.5)
        raise RuntimeError(f"{worker.name} never became ready:\n{worker.tail()}")

    def start(self, *, nodes: int = 2, workers: int = 2) -> "Cluster":
        import redis

        redis.Redis.from_url(self.redis_url).flushdb()  # the cluster's own db
        self.image = collected_static(self.env)
        self.start_s3()
        for _ in range(nodes):
            self.start_node()
        for _ in range(workers):
            self.start_worker()
        self.beat = self.start_beat()
        for node in self.nodes:
            self.wait_ready(node)
        for worker in self.workers:
            self.wait_worker(worker)
        return self

    def summary(self) -> str:
        lines = [f"  {key}: {value}" for key, value in sorted(self.tally.items())]
        return "multi-node run:\n" + "\n".join(lines)

    def stop(self, timeout: float = 15) -> None:
        stop_all(self.processes, timeout)

    # --- looking -------------------------------------------------------------------
    def objects(self, prefix: str = "") -> dict[str, dict]:
        """The bucket's objects under `prefix`: {key: {"size", "etag", "modified"}}."""
        found = {}
        paginator = self.s3.get_paginator("list_objects_v2")
        for page in paginator.paginate(Bucket=self.bucket, Prefix=prefix):
            for item in page.get("Contents", []):
                found[item["Key"]] = {
                    "size": item["Size"],
                    "etag": item["ETag"],
                    "modified": item["LastModified"],
                }
        return found

    def local_files(self) -> dict[str, list[str]]:
        """Files any web node or worker wrote under its MEDIA_ROOT or var directory."""
        return {
            process.name: [str(p) for d in process.dirs for p in files_in(d)]
            for process in self.processes
            if process.dirs
        }

    def celery(self):
        """A Celery app publishing to the cluster's broker (the workers' default queue)."""
        from celery import Celery

        import portal.tasks  # noqa: F401 - the shared tasks

        app = Celery("cluster-test", set_as_current=False)
        app.config_from_object("django.conf:settings", namespace="CELERY")
        app.conf.update(broker_url=self.redis_url, task_always_eager=False)
        return app


class Browser:
    """One user's cookies; each request names the node that answers it."""

    def __init__(self, cluster: Cluster):
        self.cluster = cluster
        self.session = requests.Session()
        self.answered_by: list[str] = []

    def _node(self, node: int | Process) -> Process:
        return node if isinstance(node, Process) else self.cluster.nodes[node]

    def _cookie_header(self) -> str:
        """The nodes sit behind a TLS proxy (X-Forwarded-Proto: https) that this client
        plays: every cookie they set for portal.test, Secure ones too, goes back to
        whichever node answers next (requests would match them against 127.0.0.1)."""
        jar = self.session.cookies
        jar.clear_expired_cookies()
        return "; ".join(f"{cookie.name}={cookie.value}" for cookie in jar)

    def _headers(self, path: str, extra: dict | None = None) -> dict[str, str]:
        return {
            "Host": HOST,
            "Cookie": self._cookie_header(),
            "X-Forwarded-Proto": "https",
            "Accept-Language": "en",
            **(extra or {}),
        }

    def get(self, node: int | Process, path: str, **kwargs) -> requests.Response:
        target = self._node(node)
        self.answered_by.append(target.name)
        self.cluster.tally[f"requests to {target.name}"] += 1
        return self.session.get(
            target.url + path,
            headers=self._headers(path, kwargs.pop("headers", None)),
            allow_redirects=False,
            timeout=kwargs.pop("timeout", 60),
            **kwargs,
        )

    def csrf_token(self) -> str:
        return self.session.cookies.get("csrftoken", "")

    def post(
        self, node: int | Process, path: str, data: dict | list | None = None, **kwargs
    ) -> requests.Response:
        target = self._node(node)
        self.answered_by.append(target.name)
        self.cluster.tally[f"requests to {target.name}"] += 1
        payload = list(data.items()) if isinstance(data, dict) else list(data or [])
        payload.append(("csrfmiddlewaretoken", self.csrf_token()))
        headers = self._headers(
            path, {"Origin": ORIGIN, "Referer": ORIGIN + path, **kwargs.pop("headers", {})}
        )
        return self.session.post(
            target.url + path,
            data=payload,
            headers=headers,
            allow_redirects=False,
            timeout=kwargs.pop("timeout", 60),
            **kwargs,
        )
