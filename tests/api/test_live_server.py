"""The live-server helper the benchmarks and live tests share fails early and says why."""

from __future__ import annotations

import subprocess
import sys

import pytest

from bench.live_server import ServerDidNotStart, free_port, stop, wait_until_ready


def test_a_process_that_exits_is_reported_with_its_log(tmp_path):
    log_path = tmp_path / "server.log"
    with open(log_path, "wb") as log:
        process = subprocess.Popen([sys.executable, "-c", "print('port already in use')"],
                                   stdout=log, stderr=subprocess.STDOUT)
    with pytest.raises(ServerDidNotStart, match=r"exited with 0[\s\S]*port already in use"):
        wait_until_ready(process, f"http://127.0.0.1:{free_port()}/health", timeout=30,
                         log=log_path, poll=0.05)


def test_a_silent_process_times_out_and_is_stopped():
    process = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    with pytest.raises(ServerDidNotStart, match="not ready after 1 s"):
        wait_until_ready(process, f"http://127.0.0.1:{free_port()}/health", timeout=1)
    assert process.poll() is not None  # not left running
    stop(process)  # stopping a stopped process is a no-op
