"""`policy-assistant services` (what `make services` runs) starts both engines and stops them."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psycopg

from api.engines import free_port

REPO = Path(__file__).resolve().parents[2]


def test_services_start_both_engines_print_the_settings_and_stop_on_sigterm():
    folder = Path(tempfile.mkdtemp(prefix="policy-services-"))  # PostgreSQL runs as nobody
    pg_port, milvus_port = free_port(), free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "api.cli", "services", "--folder", str(folder),
         "--postgres-port", str(pg_port), "--milvus-port", str(milvus_port)],
        cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    settings: dict[str, str] = {}
    deadline = time.monotonic() + 120
    while len(settings) < 3 and time.monotonic() < deadline:
        line = process.stdout.readline()
        if not line and process.poll() is not None:
            break
        if line.startswith("export "):
            key, value = line[len("export "):].strip().split("=", 1)
            settings[key] = value
    try:
        assert settings["POLICY_ASSISTANT_CLAUSE_STORE"] == "milvus"
        assert settings["POLICY_ASSISTANT_MILVUS_URI"] == f"http://127.0.0.1:{milvus_port}"
        with psycopg.connect(settings["POLICY_ASSISTANT_CONVERSATIONS_URL"]) as connection:
            assert connection.execute("SELECT 1").fetchone() == (1,)
        from pymilvus import MilvusClient

        assert isinstance(MilvusClient(uri=settings["POLICY_ASSISTANT_MILVUS_URI"])
                          .list_collections(), list)
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(60)
    assert not (folder / "postgres" / "data" / "postmaster.pid").exists()  # shut down cleanly
    assert os.path.exists(folder / "milvus" / "milvus.db")  # data kept for the next run
