"""Local PostgreSQL and Milvus Lite servers for development and tests (`policy-assistant services`).

Production runs PostgreSQL and Milvus as managed services; these start the same engines on
127.0.0.1 from what this machine has: a throwaway PostgreSQL cluster from Debian's
`postgresql-15` binaries (`initdb` + `pg_ctl`; run as `nobody` when we are root, because
PostgreSQL refuses to run as root), and a `milvus-lite` server process speaking the same gRPC
API as a Milvus standalone or cluster endpoint. Each can be stopped, killed (to test faults)
and started again on the same data and port.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import time
from pathlib import Path

from corpus.errors import PolicyAssistantError

_PG_BIN_DIRS = ("/usr/lib/postgresql/15/bin", "/usr/lib/postgresql/16/bin",
                "/usr/lib/postgresql/17/bin")


class EngineError(PolicyAssistantError):
    """A local engine could not be started (missing binaries, a port in use, a crash)."""


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _wait_for_port(port: int, seconds: float, process: subprocess.Popen | None = None) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise EngineError(f"the server exited with code {process.returncode} at start")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.1)
    raise EngineError(f"nothing listens on 127.0.0.1:{port} after {seconds:.0f} s")


def _pg_bin(name: str) -> str:
    for folder in _PG_BIN_DIRS:
        if (Path(folder) / name).exists():
            return str(Path(folder) / name)
    found = shutil.which(name)
    if found:
        return found
    raise EngineError(f"PostgreSQL's {name} was not found; install Debian's postgresql-15 "
                      "(`make engines` does)")


class PostgresCluster:
    """A PostgreSQL cluster in `folder`, listening on 127.0.0.1:`port`, database `policy`."""

    def __init__(self, folder: Path, port: int | None = None):
        self.folder = Path(folder)
        self.data = self.folder / "data"
        self.port = port or free_port()
        self._as_nobody = os.geteuid() == 0

    @property
    def url(self) -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/policy"

    def _run(self, *command: str, check: bool = True) -> subprocess.CompletedProcess:
        if self._as_nobody:
            command = ("runuser", "-u", "nobody", "--", *command)
        return subprocess.run(command, capture_output=True, text=True, check=check, timeout=60)

    def start(self) -> PostgresCluster:
        self.folder.mkdir(parents=True, exist_ok=True)
        if self._as_nobody:  # the postgres process, as nobody, must reach and own its folder
            for folder in (self.folder, *self.folder.parents):
                if folder.stat().st_mode & 0o005 != 0o005 and folder != Path("/"):
                    os.chmod(folder, folder.stat().st_mode | 0o005)
            shutil.chown(self.folder, "nobody")
        if not (self.data / "PG_VERSION").exists():
            self._run(_pg_bin("initdb"), "-D", str(self.data), "-U", "postgres", "-A", "trust",
                      "-E", "UTF8", "--locale=C.UTF-8", "--no-sync")
        started = self._run(_pg_bin("pg_ctl"), "-D", str(self.data), "-l",
                            str(self.folder / "server.log"), "-w", "-t", "30", "-o",
                            f"-c listen_addresses=127.0.0.1 -p {self.port} "
                            f"-c unix_socket_directories={self.folder}", "start", check=False)
        if started.returncode != 0:
            raise EngineError(f"PostgreSQL did not start: {started.stderr or started.stdout}; "
                              f"see {self.folder / 'server.log'}")
        created = self._run(_pg_bin("psql"), "-h", "127.0.0.1", "-p", str(self.port),
                            "-U", "postgres", "-tAc",
                            "SELECT 1 FROM pg_database WHERE datname = 'policy'")
        if created.stdout.strip() != "1":
            self._run(_pg_bin("createdb"), "-h", "127.0.0.1", "-p", str(self.port),
                      "-U", "postgres", "policy")
        return self

    def stop(self) -> None:
        if (self.data / "postmaster.pid").exists():
            self._run(_pg_bin("pg_ctl"), "-D", str(self.data), "-m", "fast", "-w", "stop",
                      check=False)

    def kill(self) -> None:
        """SIGKILL the postmaster (and so every backend): a crash, not a shutdown."""
        pid_file = self.data / "postmaster.pid"
        if pid_file.exists():
            pid = int(pid_file.read_text().split()[0])
            os.kill(pid, signal.SIGKILL)
            for _ in range(100):
                try:
                    os.kill(pid, 0)
                except ProcessLookupError:
                    break
                time.sleep(0.05)


def _milvus_binary() -> Path:
    try:
        import milvus_lite
    except ImportError as exc:
        raise EngineError("milvus-lite is not installed; pip install -e '.[scale]'") from exc
    return Path(milvus_lite.__file__).parent / "lib" / "milvus"


class MilvusLiteServer:
    """A milvus-lite server on 127.0.0.1:`port`, its data in `folder`."""

    def __init__(self, folder: Path, port: int | None = None):
        self.folder = Path(folder)
        self.port = port or free_port()
        self.process: subprocess.Popen | None = None

    @property
    def uri(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, wait_seconds: float = 60.0) -> MilvusLiteServer:
        self.folder.mkdir(parents=True, exist_ok=True)
        binary = _milvus_binary()
        environment = {**os.environ, "LD_LIBRARY_PATH": str(binary.parent)}
        log = open(self.folder / "server.log", "ab")
        # The binary's arguments (as milvus_lite.server.Server passes them for a TCP address):
        # the data file, the address, the log level.
        self.process = subprocess.Popen(
            [str(binary), str(self.folder / "milvus.db"), f"127.0.0.1:{self.port}", "ERROR"],
            cwd=self.folder, env=environment, stdout=log, stderr=subprocess.STDOUT,
            start_new_session=True)
        log.close()
        _wait_for_port(self.port, wait_seconds, self.process)
        return self

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(10)
        self.process = None

    def kill(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait(10)
        self.process = None


__all__ = ["EngineError", "MilvusLiteServer", "PostgresCluster", "free_port"]
