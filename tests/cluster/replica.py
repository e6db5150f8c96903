"""A PostgreSQL streaming replica of the test server, on loopback, for the router tests.

`pg_basebackup` copies the running primary (127.0.0.1:5432 or DATABASE_URL's) into a
temporary directory as the `postgres` OS user, and `pg_ctl` starts it as a hot standby
on a free port. The primary must accept replication connections from 127.0.0.1: when
it does not (a pg_hba.conf without a `replication` line), one line trusting the
`postgres` role from 127.0.0.1 for replication is added at the top of pg_hba.conf and
the configuration reloaded; the line is removed and the configuration reloaded again at
the end. What cannot be changed without a restart (wal_level, max_wal_senders) is not
touched: the tests are skipped with the reason.
"""

import os
import pwd
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

import psycopg

HBA_LINE = (
    "host replication postgres 127.0.0.1/32 trust  # tests/cluster replica, removed after the run"
)


# A hot standby refuses to start with less of these than its primary has.
AT_LEAST_PRIMARY = (
    "max_connections",
    "max_worker_processes",
    "max_wal_senders",
    "max_prepared_transactions",
    "max_locks_per_transaction",
)


class ReplicaUnavailable(Exception):
    """Why no replica can be started here (the tests say it when they skip)."""


def _bin(name: str, version: str) -> str:
    path = Path(f"/usr/lib/postgresql/{version}/bin/{name}")
    if path.exists():
        return str(path)
    found = shutil.which(name)
    if not found:
        raise ReplicaUnavailable(f"{name} (PostgreSQL {version}) is not installed")
    return found


class Replica:
    def __init__(self, primary: dict, port: int):
        self.primary = primary  # connection settings of the primary (Django's dict)
        self.work: Path = Path("/nonexistent")
        self.port = port
        self.data = self.work / "data"
        self.hba_file: Path | None = None
        self.added_hba_line = False

    # --- the primary ------------------------------------------------------------------
    def _primary(self, **extra) -> psycopg.Connection:
        return psycopg.connect(
            host=self.primary.get("HOST") or "127.0.0.1",
            port=self.primary.get("PORT") or 5432,
            user=self.primary["USER"],
            password=self.primary.get("PASSWORD") or None,
            dbname="postgres",
            autocommit=True,
            connect_timeout=5,
            **extra,
        )

    def _can_replicate(self) -> bool:
        try:
            with self._primary(replication="true") as conn:
                conn.execute("IDENTIFY_SYSTEM")
        except psycopg.Error:
            return False
        return True

    def check_primary(self) -> None:
        if os.geteuid() != 0:
            raise ReplicaUnavailable(
                "starting a replica needs root (to run it as the postgres user)"
            )
        try:
            pwd.getpwnam("postgres")
        except KeyError:
            raise ReplicaUnavailable("no postgres OS user to run the replica as") from None
        with self._primary() as conn:
            settings = dict(
                conn.execute(
                    "SELECT name, setting FROM pg_settings WHERE name = ANY(%s)",
                    [["wal_level", "hba_file", "server_version_num", *AT_LEAST_PRIMARY]],
                ).fetchall()
            )
            senders = conn.execute("SELECT count(*) FROM pg_stat_replication").fetchone()[0]
        if settings["wal_level"] == "minimal" or int(settings["max_wal_senders"]) <= senders:
            raise ReplicaUnavailable(
                f"the primary cannot stream (wal_level={settings['wal_level']}, "
                f"max_wal_senders={settings['max_wal_senders']}); changing that needs a restart"
            )
        self.version = str(int(settings["server_version_num"]) // 10000)
        self.at_least = {name: settings[name] for name in AT_LEAST_PRIMARY}
        self.hba_file = Path(settings["hba_file"])
        if not self._can_replicate():
            self._allow_replication()

    def _allow_replication(self) -> None:
        if not self.hba_file or not os.access(self.hba_file, os.W_OK):
            raise ReplicaUnavailable(
                f"the primary refuses replication from 127.0.0.1 and {self.hba_file} is not writable"
            )
        text = self.hba_file.read_text()
        self.hba_file.write_text(HBA_LINE + "\n" + text)
        self.added_hba_line = True
        self._reload()
        deadline = time.monotonic() + 10
        while not self._can_replicate():
            if time.monotonic() > deadline:
                raise ReplicaUnavailable("the primary still refuses replication after a reload")
            time.sleep(0.2)

    def _reload(self) -> None:
        with self._primary() as conn:
            conn.execute("SELECT pg_reload_conf()")

    def restore_primary(self) -> None:
        if self.added_hba_line and self.hba_file:
            lines = self.hba_file.read_text().splitlines(keepends=True)
            self.hba_file.write_text(
                "".join(line for line in lines if line.rstrip("\n") != HBA_LINE)
            )
            self.added_hba_line = False
            self._reload()

    # --- the replica ------------------------------------------------------------------
    def _as_postgres(self, command: list[str], **kwargs) -> subprocess.CompletedProcess:
        return subprocess.run(
            ["runuser", "-u", "postgres", "--", *command],
            capture_output=True,
            text=True,
            timeout=kwargs.pop("timeout", 300),
            **kwargs,
        )

    def start(self) -> None:
        self.check_primary()
        # Not under pytest's root-only temporary directory: the postgres user owns this one.
        self.work = Path(tempfile.mkdtemp(prefix="portal-replica-"))
        shutil.chown(self.work, "postgres", "postgres")
        self.data = self.work / "data"
        self._as_postgres(["mkdir", "-m", "700", str(self.data)])
        host = self.primary.get("HOST") or "127.0.0.1"
        port = str(self.primary.get("PORT") or 5432)
        done = self._as_postgres(
            [
                _bin("pg_basebackup", self.version),
                "-h",
                host,
                "-p",
                port,
                "-U",
                "postgres",
                "-D",
                str(self.data),
                "-R",
                "-X",
                "stream",
                "-c",
                "fast",
            ]
        )
        if done.returncode != 0:
            raise RuntimeError(f"pg_basebackup failed: {done.stderr}")
        (self.data / "postgresql.conf").write_text(
            "\n".join(
                [
                    "listen_addresses = '127.0.0.1'",
                    f"port = {self.port}",
                    f"unix_socket_directories = '{self.data}'",
                    f"hba_file = '{self.data / 'pg_hba.conf'}'",
                    f"ident_file = '{self.data / 'pg_ident.conf'}'",
                    "hot_standby = on",
                    *(f"{name} = {value}" for name, value in self.at_least.items()),
                    "shared_buffers = 32MB",
                    "fsync = off",
                    "hot_standby_feedback = on",
                    "wal_receiver_status_interval = 1",
                    "",
                ]
            )
        )
        (self.data / "pg_hba.conf").write_text(
            "local all all trust\nhost all all 127.0.0.1/32 trust\n"
        )
        (self.data / "pg_ident.conf").write_text("")
        for path in ("postgresql.conf", "pg_hba.conf", "pg_ident.conf"):
            shutil.chown(self.data / path, "postgres", "postgres")
        started = self._as_postgres(
            [
                _bin("pg_ctl", self.version),
                "-D",
                str(self.data),
                "-l",
                str(self.work / "replica.log"),
                "-w",
                "-t",
                "120",
                "start",
            ]
        )
        if started.returncode != 0:
            raise RuntimeError(f"the replica did not start: {started.stderr}\n{self.log()}")

    def log(self) -> str:
        try:
            return (self.work / "replica.log").read_text(errors="replace")[-3000:]
        except OSError:
            return ""

    def stop(self) -> None:
        if (self.data / "postmaster.pid").exists():
            self._as_postgres(
                [
                    _bin("pg_ctl", self.version),
                    "-D",
                    str(self.data),
                    "-m",
                    "immediate",
                    "-w",
                    "stop",
                ]
            )

    def start_again(self) -> None:
        self._as_postgres(
            [
                _bin("pg_ctl", self.version),
                "-D",
                str(self.data),
                "-l",
                str(self.work / "replica.log"),
                "-w",
                "-t",
                "120",
                "start",
            ]
        )

    def remove(self) -> None:
        self.stop()
        if self.work.name.startswith("portal-replica-"):
            shutil.rmtree(self.work, ignore_errors=True)

    def connect(self, dbname: str) -> psycopg.Connection:
        return psycopg.connect(
            host="127.0.0.1",
            port=self.port,
            user="postgres",
            dbname=dbname,
            autocommit=True,
            connect_timeout=5,
        )

    def url(self, dbname: str) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{dbname}"
