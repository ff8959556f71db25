"""The service as a separate process on a free loopback port: for benchmarks and live tests.

Each caller starts its own command (uvicorn or `policy-assistant serve`, its own environment);
what they share is finding a port, waiting until a probe route answers 200 — failing early, with
the server's log, when the process exits — and stopping it without leaving it behind.
"""

from __future__ import annotations

import subprocess
import time
from pathlib import Path

import httpx

from api.engines import free_port


class ServerDidNotStart(RuntimeError):
    """The process exited, or its probe route never answered 200 in time."""


def wait_until_ready(process: subprocess.Popen, url: str, *, timeout: float,
                     log: Path | None = None, poll: float = 0.2) -> None:
    """Return once GET `url` answers 200; otherwise stop the process and raise with its log."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            if httpx.get(url, timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        exited = process.poll() is not None
        if exited or time.monotonic() > deadline:
            stop(process)
            why = f"exited with {process.returncode}" if exited else \
                f"not ready after {timeout:.0f} s"
            tail = log.read_text(errors="replace")[-3000:] if log and log.exists() else ""
            raise ServerDidNotStart(f"the server {why} ({url})" + (f":\n{tail}" if tail else ""))
        time.sleep(poll)


def stop(process: subprocess.Popen, timeout: float = 15) -> None:
    """Terminate, and kill when it does not exit within `timeout` seconds."""
    if process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def git(*arguments: str) -> str:
    """Output of a git command in the repository ("" when git or the repository is absent)."""
    try:
        done = subprocess.run(["git", *arguments], cwd=Path(__file__).resolve().parent.parent,
                              capture_output=True, text=True, timeout=10, check=False)
    except (OSError, subprocess.SubprocessError):
        return ""
    return done.stdout.strip() if done.returncode == 0 else ""


def provenance() -> dict:
    """The commit a benchmark measured, and whether the working tree had uncommitted changes
    (figures from such a tree are not the commit's)."""
    return {"git_commit": git("rev-parse", "--short", "HEAD") or "unknown",
            "git_dirty": bool(git("status", "--porcelain", "--untracked-files=no"))}


__all__ = ["ServerDidNotStart", "free_port", "git", "provenance", "stop", "wait_until_ready"]
