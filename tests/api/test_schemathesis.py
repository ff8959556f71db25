"""Schemathesis, all checks, against the real service over HTTP: no 5xx, no contract violation.

`policy-assistant serve` runs in its own process (hash encoder, the shipped corpus, an admin
token so the upload routes answer 401 as documented) and the pinned Schemathesis CLI generates
requests from the service's own OpenAPI schema — positive and negative, every phase — with a
fixed seed, so a failure reproduces. The run must generate at least 1,000 cases and pass them
all: every status documented, every body matching its schema, every invalid input rejected.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from bench.live_server import ServerDidNotStart, free_port, stop, wait_until_ready

REPO = Path(__file__).resolve().parents[2]
SEED = 20261126
MIN_CASES = 1000


@pytest.fixture(scope="module")
def live_url(tmp_path_factory):
    root = tmp_path_factory.mktemp("schemathesis")
    env = {**os.environ, "POLICY_ASSISTANT_ENCODER": "hash",
           "POLICY_ASSISTANT_INDEX_DIR": str(root / "index"),
           "POLICY_ASSISTANT_LIBRARY_DIR": str(root / "library"),
           "POLICY_ASSISTANT_DB_PATH": str(root / "conversations.sqlite3"),
           "POLICY_ASSISTANT_ADMIN_TOKEN": "schemathesis-admin-token"}
    env.pop("POLICY_ASSISTANT_CORPUS_DIR", None)
    port = free_port()
    log_path = root / "server.log"
    with open(log_path, "wb") as log:
        process = subprocess.Popen(
            [sys.executable, "-c", "from api.cli import app; app()", "serve", "--host",
             "127.0.0.1", "--port", str(port), "--workers", "1"],
            cwd=REPO, env=env, stdout=log, stderr=subprocess.STDOUT)
        url = f"http://127.0.0.1:{port}"
        try:
            wait_until_ready(process, f"{url}/ready", timeout=120, log=log_path)
        except ServerDidNotStart as exc:
            pytest.fail(str(exc))
        yield url
        stop(process)


def test_schemathesis_all_checks_pass(live_url, tmp_path):
    binary = shutil.which("schemathesis", path=str(Path(sys.executable).parent))
    assert binary, "schemathesis is a test dependency (pyproject.toml [test])"
    run = subprocess.run(
        [binary, "run", f"{live_url}/openapi.json", "--checks", "all", "--max-examples", "100",
         "--seed", str(SEED), "--generation-database", "none", "--no-color", "--workers", "1"],
        cwd=tmp_path, capture_output=True, text=True, timeout=900)
    output = run.stdout + run.stderr
    cases = re.search(r"(\d+) generated, (\d+) passed", output)
    assert run.returncode == 0, output[-6000:]
    assert cases, output[-3000:]
    generated, passed = int(cases.group(1)), int(cases.group(2))
    assert generated >= MIN_CASES and passed == generated, output[-3000:]
    assert "Server error" not in output
