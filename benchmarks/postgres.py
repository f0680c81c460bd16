"""A throwaway PostgreSQL server for benchmarks/load.py: Debian's package, loopback, removed after.

`postgres_server(folder)` installs the `postgresql` package when its binaries are missing (as
root, with apt-get), creates a cluster in `folder` owned by the unprivileged `postgres` user
(PostgreSQL refuses to run as root), starts it on a free port of 127.0.0.1 only, with trust
authentication for that address (nothing else can reach it), and stops and deletes it afterwards.
`server.create_database(name)` returns the SQLAlchemy URL Home Assistant's recorder takes.
"""

from __future__ import annotations

import contextlib
import os
import pwd
import shutil
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from devtools.processes import LOCALHOST, HarnessError, free_port, port_open, wait_until

PG_ROOT = Path("/usr/lib/postgresql")
RUN_AS = "postgres"
SUPERUSER = "bench"


def postgres_bin() -> Path:
    """The newest installed PostgreSQL's bin folder, installing the Debian package if needed."""
    versions = sorted(PG_ROOT.glob("*/bin/initdb"), key=lambda p: int(p.parts[-3]))
    if not versions:
        if os.geteuid() != 0:
            raise HarnessError("PostgreSQL is missing: run 'apt-get install postgresql' as root")
        print("installing Debian's postgresql package …", flush=True)
        subprocess.run(["apt-get", "update", "-qq"], check=True)
        subprocess.run(
            ["apt-get", "install", "-y", "-qq", "--no-install-recommends", "postgresql"],
            check=True,
            env=os.environ | {"DEBIAN_FRONTEND": "noninteractive"},
        )
        versions = sorted(PG_ROOT.glob("*/bin/initdb"), key=lambda p: int(p.parts[-3]))
    return versions[-1].parent


@dataclass
class PostgresServer:
    """A running cluster: its port and how to make databases in it."""

    bin_dir: Path
    data_dir: Path
    port: int

    def _as_owner(self, *argv: str) -> list[str]:
        return ["runuser", "-u", RUN_AS, "--", *argv] if os.geteuid() == 0 else list(argv)

    def create_database(self, name: str) -> str:
        """Create an empty database; return its SQLAlchemy URL (psycopg2 driver)."""
        subprocess.run(
            self._as_owner(
                str(self.bin_dir / "createdb"), "-h", LOCALHOST, "-p", str(self.port),
                "-U", SUPERUSER, name,
            ),
            check=True,
        )  # fmt: skip
        return f"postgresql://{SUPERUSER}@{LOCALHOST}:{self.port}/{name}"


@contextlib.contextmanager
def postgres_server(folder: Path) -> Iterator[PostgresServer]:
    """Start a fresh cluster in `folder` (deleted afterwards) and stop it whatever happens."""
    bin_dir = postgres_bin()
    folder.mkdir(parents=True, exist_ok=True)
    data_dir = folder / "data"
    log = folder / "postgres.log"
    if os.geteuid() == 0:
        owner = pwd.getpwnam(RUN_AS)
        os.chown(folder, owner.pw_uid, owner.pw_gid)
    server = PostgresServer(bin_dir=bin_dir, data_dir=data_dir, port=free_port())
    run = server._as_owner
    subprocess.run(
        run(str(bin_dir / "initdb"), "-D", str(data_dir), "-U", SUPERUSER, "--auth=trust",
            "-E", "UTF8", "--no-sync"),
        check=True, stdout=subprocess.DEVNULL,
    )  # fmt: skip
    options = f"-c listen_addresses={LOCALHOST} -p {server.port} -k {folder}"
    subprocess.run(
        run(str(bin_dir / "pg_ctl"), "-D", str(data_dir), "-l", str(log), "-o", options, "start"),
        check=True, stdout=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        wait_until(
            lambda: port_open(server.port),
            what=f"PostgreSQL on {LOCALHOST}:{server.port}",
            timeout_s=30,
            details=lambda: log.read_text() if log.exists() else "",
        )
        yield server
    finally:
        subprocess.run(
            run(str(bin_dir / "pg_ctl"), "-D", str(data_dir), "-m", "fast", "stop"),
            check=False, stdout=subprocess.DEVNULL,
        )  # fmt: skip
        shutil.rmtree(folder, ignore_errors=True)
