"""Load benchmark: the live service under concurrent closed-loop clients (not a test).

Starts `policy-assistant serve` as a separate process (or, with --url, uses a running service)
and, for each concurrency level, runs that many simulated users for a short warm-up and then
a measured window. Each user is a closed loop without think time over one keep-alive
connection, mixing 40% new questions (POST /ask), 30% follow-ups in the user's conversation
(POST /ask with its conversation_id) and 30% POST /search. A separate probe calls GET /health
every 100 ms. Questions come from the development set and the scripted conversations of
eval/questions, shuffled with a seeded generator; they are load only, answers are not judged.

Per level and route kind (ask-new, ask-followup, search, health) it reports requests, errors
(non-2xx answers and transport errors, by status code or exception), p50/p95/p99 latency of
the answered (2xx) requests and answered requests per second. A table is printed per level,
one JSON line per (level, route) is appended to bench/results/load.jsonl, and the targets of
the load issue are checked (printed as met / not met, never asserted).

    python -m bench.bench_load [--clients 1,8,32] [--seconds 60] [--workers 2] [--encoder use]
    python -m bench.bench_load --encoder hash --clients 1,4 --seconds 5 --warmup-seconds 1

The load generator shares the machine with the server (two cores here), so it uses asyncio
with one httpx.AsyncClient per user rather than a thread per user, and the health probe runs
in its own thread so that its latency is not queued behind the users' callbacks.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import httpx
from rich.console import Console
from rich.table import Column, Table

from bench.live_server import free_port, provenance, stop, wait_until_ready

REPO = Path(__file__).resolve().parent.parent
DEV_QUESTIONS = REPO / "eval" / "questions" / "dev.jsonl"
CONVERSATIONS = REPO / "eval" / "questions" / "conversations.jsonl"
DEFAULT_OUT = REPO / "bench" / "results" / "load.jsonl"
# On the real disk, beside the other results: /tmp may be tmpfs, which would flatter SQLite.
DEFAULT_DB_PARENT = REPO / "bench" / "results"
# Reused between runs: building the USE index takes far longer than a short benchmark.
DEFAULT_INDEX_DIR = REPO / "var" / "bench-load-index"

ROUTES = ("ask-new", "ask-followup", "search", "health")
SHARE_ASK_NEW = 0.4
SHARE_ASK_FOLLOWUP = 0.3  # the remaining 0.3 is /search
SEARCH_TOP_K = 10
HEALTH_INTERVAL_S = 0.1
# Long enough that a slow answer under load is measured as slow, not as an error.
REQUEST_TIMEOUT_S = 30.0
# The first run with the USE encoder builds the index before /ready answers.
START_TIMEOUT_S = 900.0

# The targets.
TARGET_ASK_P95_MS_AT_32 = 300.0
TARGET_HEALTH_P99_MS_AT_32 = 50.0
TARGET_ASK_P50_MS_AT_1 = 25.0

ANSWERED_LINE = re.compile(r'HTTP/1\.[01]" 2\d\d')

console = Console()


# --- load material ---------------------------------------------------------------------------

@dataclass(frozen=True)
class Material:
    questions: list[str]
    conversations: list[list[str]]  # each a list of turn questions, in order


def read_jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text("utf-8").splitlines() if line.strip()]


def load_material(seed: int) -> Material:
    questions = [row["question"] for row in read_jsonl(DEV_QUESTIONS)]
    conversations = [[turn["question"] for turn in row["turns"]]
                     for row in read_jsonl(CONVERSATIONS) if row.get("turns")]
    rng = random.Random(seed)
    rng.shuffle(questions)
    rng.shuffle(conversations)
    return Material(questions, conversations)


# --- one simulated user ----------------------------------------------------------------------

@dataclass
class Sample:
    route: str
    start: float  # time.perf_counter() when the request was sent
    latency_ms: float
    status: str  # "200", "503", … or the transport error's class name, e.g. "ReadTimeout"

    @property
    def ok(self) -> bool:
        return self.status.isdigit() and 200 <= int(self.status) < 300


@dataclass
class User:
    """What one simulated user asks next: its own generator, question cursor and conversation."""

    rng: random.Random
    material: Material
    question_at: int
    conversation_at: int
    conversation_id: str | None = None
    script: list[str] | None = None  # the scripted conversation its follow-ups walk through
    turn: int = 0

    def _question(self) -> str:
        questions = self.material.questions
        self.question_at += 1
        return questions[self.question_at % len(questions)]

    def _next_turn(self) -> str:
        if self.script is None or self.turn >= len(self.script):
            conversations = self.material.conversations
            self.conversation_at += 1
            self.script, self.turn = conversations[self.conversation_at % len(conversations)], 0
        self.turn += 1
        return self.script[self.turn - 1]

    def next_request(self) -> tuple[str, str, dict]:
        """(route kind, path, JSON body)."""
        draw = self.rng.random()
        if draw < SHARE_ASK_NEW:
            # A new topic: the scripted conversation starts over with the next follow-up, whose
            # first turn is a standalone question (a topic switch inside this conversation).
            self.script = None
            return "ask-new", "/ask", {"question": self._question(), "conversation_id": None}
        if draw < SHARE_ASK_NEW + SHARE_ASK_FOLLOWUP:
            question = self._next_turn()
            # Nothing to follow up yet (the user's first /ask): start the conversation. It is
            # labelled by what is sent, so the ask-new row holds every conversation_id=null.
            kind = "ask-followup" if self.conversation_id else "ask-new"
            return kind, "/ask", {"question": question, "conversation_id": self.conversation_id}
        return "search", "/search", {"query": self._question(), "top_k": SEARCH_TOP_K}


async def run_user(base: str, user: User, stop_at: float, samples: list[Sample]) -> None:
    # One client per user: one keep-alive connection, as one browser tab would hold.
    async with httpx.AsyncClient(base_url=base, timeout=REQUEST_TIMEOUT_S) as client:
        while time.perf_counter() < stop_at:
            kind, path, body = user.next_request()
            start = time.perf_counter()
            response = None
            try:
                response = await client.post(path, json=body)
                status = str(response.status_code)
            except httpx.HTTPError as error:
                status = type(error).__name__
            sample = Sample(kind, start, (time.perf_counter() - start) * 1000, status)
            samples.append(sample)
            if sample.ok and response is not None and path == "/ask":
                user.conversation_id = response.json().get("conversation_id")


def probe_health(base: str, halt: threading.Event, samples: list[Sample]) -> None:
    """GET /health every HEALTH_INTERVAL_S until `halt` is set (runs in its own thread)."""
    with httpx.Client(base_url=base, timeout=REQUEST_TIMEOUT_S) as client:
        next_at = time.perf_counter()
        while not halt.is_set():
            start = time.perf_counter()
            try:
                status = str(client.get("/health").status_code)
            except httpx.HTTPError as error:
                status = type(error).__name__
            samples.append(Sample("health", start, (time.perf_counter() - start) * 1000, status))
            # A slow answer delays the next probe instead of firing a burst to catch up.
            next_at = max(next_at + HEALTH_INTERVAL_S, time.perf_counter())
            halt.wait(next_at - time.perf_counter())


# --- one concurrency level -------------------------------------------------------------------

@dataclass
class Level:
    clients: int
    window_start: float
    window_end: float
    samples: list[Sample] = field(default_factory=list)
    client_cpu_percent: float = 0.0

    def measured(self, routes: tuple[str, ...]) -> list[Sample]:
        """Requests sent inside the window (those still running at its end are waited for)."""
        return [s for s in self.samples
                if s.route in routes and self.window_start <= s.start < self.window_end]

    @property
    def elapsed(self) -> float:
        ends = [s.start + s.latency_ms / 1000 for s in self.measured(ROUTES)]
        return max([self.window_end, *ends]) - self.window_start


async def drive_users(base: str, clients: int, material: Material, seed: int,
                      stop_at: float, samples: list[Sample]) -> None:
    users = []
    for n in range(clients):
        # Spread users over the question list so that they do not ask the same thing in step.
        users.append(User(rng=random.Random(f"{seed}-{clients}-{n}"), material=material,
                          question_at=n * len(material.questions) // clients,
                          conversation_at=n))
    await asyncio.gather(*(run_user(base, user, stop_at, samples) for user in users))


def run_level(base: str, clients: int, *, seconds: float, warmup: float, material: Material,
              seed: int) -> Level:
    samples: list[Sample] = []
    halt = threading.Event()
    start = time.perf_counter()
    level = Level(clients, window_start=start + warmup, window_end=start + warmup + seconds,
                  samples=samples)
    prober = threading.Thread(target=probe_health, args=(base, halt, samples), daemon=True)
    cpu_before = time.process_time()
    prober.start()
    try:
        asyncio.run(drive_users(base, clients, material, seed, level.window_end, samples))
    finally:
        halt.set()
        prober.join(timeout=REQUEST_TIMEOUT_S + 5)
    wall = time.perf_counter() - start
    level.client_cpu_percent = 100 * (time.process_time() - cpu_before) / wall
    return level


# --- figures ---------------------------------------------------------------------------------

def percentiles(latencies_ms: list[float]) -> tuple[float | None, float | None, float | None]:
    """p50, p95, p99; None without data, the one value for a single request."""
    if not latencies_ms:
        return None, None, None
    if len(latencies_ms) == 1:
        return latencies_ms[0], latencies_ms[0], latencies_ms[0]
    cuts = statistics.quantiles(latencies_ms, n=100, method="inclusive")
    return cuts[49], cuts[94], cuts[98]


def route_figures(level: Level, routes: tuple[str, ...]) -> dict:
    samples = level.measured(routes)
    answered = [s.latency_ms for s in samples if s.ok]
    p50, p95, p99 = percentiles(answered)
    return {"count": len(samples), "errors": len(samples) - len(answered),
            "status_counts": dict(sorted(Counter(s.status for s in samples).items())),
            "p50_ms": rounded(p50), "p95_ms": rounded(p95), "p99_ms": rounded(p99),
            "rps": round(len(answered) / level.elapsed, 2)}


def rounded(value: float | None) -> float | None:
    return None if value is None else round(value, 2)


def print_level(level: Level, figures: dict[str, dict], context: dict) -> None:
    # Short headers and unwrapped cells: the table fits 80 columns (a log file, a pipe).
    table = Table(Column("route", no_wrap=True), "requests", "errors",
                  Column("status", no_wrap=True), "p50 ms", "p95 ms", "p99 ms", "req/s",
                  title=f"{level.clients} client{'s' if level.clients > 1 else ''}, "
                  f"{context['seconds']:g} s measured (+{context['warmup_seconds']:g} s warm-up)",
                  caption=f"encoder {context['encoder']}, workers "
                          f"{context['workers'] or 'default'}, load generator CPU "
                          f"{level.client_cpu_percent:.0f}% of one core")
    for route in ROUTES:
        row = figures[route]
        codes = ", ".join(f"{code}×{n}" for code, n in row["status_counts"].items())
        table.add_row(route, str(row["count"]),
                      f"[red]{row['errors']}[/red]" if row["errors"] else "0", codes,
                      *(fmt(row[key]) for key in ("p50_ms", "p95_ms", "p99_ms")),
                      f"{row['rps']:.1f}")
    console.print(table)


def fmt(value: float | None) -> str:
    return "—" if value is None else f"{value:.1f}"


def append_results(out: Path, levels: list[Level], context: dict) -> None:
    out.parent.mkdir(parents=True, exist_ok=True)
    with out.open("a", encoding="utf-8") as handle:
        for level in levels:
            for route in ROUTES:
                row = {**context, "clients": level.clients, "route": route,
                       **route_figures(level, (route,)),
                       "client_cpu_percent": round(level.client_cpu_percent, 1)}
                handle.write(json.dumps(row, ensure_ascii=False) + "\n")


def verdict(ok: bool) -> str:
    return "[green]met[/green]" if ok else "[red]not met[/red]"


def print_targets(levels: list[Level]) -> None:
    by_clients = {level.clients: level for level in levels}
    ask = ("ask-new", "ask-followup")
    console.print("[bold]targets[/bold]")
    at32 = by_clients.get(32)
    if at32 is None:
        console.print("  32 clients: not measured (no 32-client level in --clients)")
    else:
        errors = sum(route_figures(at32, (route,))["errors"] for route in ROUTES)
        ask_p95 = route_figures(at32, ask)["p95_ms"]
        health_p99 = route_figures(at32, ("health",))["p99_ms"]
        health_ok = health_p99 is not None and health_p99 <= TARGET_HEALTH_P99_MS_AT_32
        console.print(f"  32 clients, 0 errors: {verdict(errors == 0)} ({errors} errors)")
        console.print(f"  32 clients, /ask p95 ≤ {TARGET_ASK_P95_MS_AT_32:g} ms: "
                      f"{verdict(ask_p95 is not None and ask_p95 <= TARGET_ASK_P95_MS_AT_32)}"
                      f" ({fmt(ask_p95)} ms)")
        console.print(f"  32 clients, /health p99 ≤ {TARGET_HEALTH_P99_MS_AT_32:g} ms: "
                      f"{verdict(health_ok)} ({fmt(health_p99)} ms)")
    at1 = by_clients.get(1)
    if at1 is None:
        console.print("  1 client: not measured (no 1-client level in --clients)")
    else:
        ask_p50 = route_figures(at1, ask)["p50_ms"]
        console.print(f"  1 client, /ask p50 ≤ {TARGET_ASK_P50_MS_AT_1:g} ms: "
                      f"{verdict(ask_p50 is not None and ask_p50 <= TARGET_ASK_P50_MS_AT_1)}"
                      f" ({fmt(ask_p50)} ms)")


# --- the server ------------------------------------------------------------------------------

def serve_command(port: int, workers: int | None) -> list[str]:
    # api/cli.py defines the typer app without a `__main__` block, so `python -m api.cli` would
    # import it and exit without serving; the console script beside this interpreter runs it.
    script = Path(sys.executable).parent / "policy-assistant"
    command = [str(script)] if script.exists() else \
        [sys.executable, "-c", "from api.cli import app; app()"]
    command += ["serve", "--host", "127.0.0.1", "--port", str(port)]
    if workers is not None:  # only when asked: older `serve` commands have no --workers
        command += ["--workers", str(workers)]
    return command


def start_server(args: argparse.Namespace, folder: Path) -> tuple[subprocess.Popen, str]:
    port = free_port()
    env = {**os.environ, "POLICY_ASSISTANT_ENCODER": args.encoder,
           "POLICY_ASSISTANT_INDEX_DIR": str(args.index_dir),
           "POLICY_ASSISTANT_DB_PATH": str(folder / "conversations.sqlite3"),
           "PYTHONUNBUFFERED": "1"}  # the log is shown when the server fails to start
    # By default the library sits beside the index folder (var/library for the default index,
    # /tmp/library for /tmp/x): documents added there would change the benchmarked corpus.
    env.setdefault("POLICY_ASSISTANT_LIBRARY_DIR", str(folder / "library"))
    log = folder / "server.log"
    with log.open("wb") as out:
        process = subprocess.Popen(serve_command(port, args.workers), cwd=REPO, env=env,
                                   stdout=out, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    console.print(f"starting the server ({args.encoder} encoder, index {args.index_dir}, "
                  f"log {log})", highlight=False)
    wait_until_ready(process, base + "/ready", timeout=START_TIMEOUT_S, log=log, poll=0.5)
    return process, base


def log_without_answered(log: Path) -> str:
    # `serve` keeps uvicorn's access log on: one line per request, which would bury the
    # tracebacks and the 4xx/5xx lines that explain the errors.
    lines = log.read_text(errors="replace").splitlines()
    return "\n".join(line for line in lines if not ANSWERED_LINE.search(line))


def service_encoder(base: str) -> str:
    """The encoder a running service reports (for --url, where we did not choose it)."""
    try:
        return httpx.get(base + "/health", timeout=10).json().get("encoder", "unknown")
    except (httpx.HTTPError, ValueError):
        return "unknown"


# --- main ------------------------------------------------------------------------------------

def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", default="1,8,32",
                        help="comma-separated concurrency levels (default 1,8,32)")
    parser.add_argument("--seconds", type=float, default=60.0,
                        help="measured seconds per level (the issue's target run uses 180)")
    parser.add_argument("--warmup-seconds", type=float, default=5.0,
                        help="unmeasured seconds of the same load before each level")
    parser.add_argument("--workers", type=int, default=None,
                        help="passed to `serve --workers` (not passed when omitted)")
    parser.add_argument("--encoder", default="use", help="use (default) | hash for a smoke run")
    parser.add_argument("--index-dir", type=Path, default=DEFAULT_INDEX_DIR,
                        help="index folder, reused between runs (default var/bench-load-index)")
    parser.add_argument("--db-dir", type=Path, default=DEFAULT_DB_PARENT,
                        help="a fresh load-db-<timestamp> folder for the conversation database "
                             "is made here (default bench/results, on the real disk)")
    parser.add_argument("--keep-db", action="store_true",
                        help="keep the database folder (and the server log) afterwards")
    parser.add_argument("--seed", type=int, default=20240601)
    parser.add_argument("--url", default=None,
                        help="benchmark the service running at this URL; start none")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    args = parser.parse_args()
    try:
        args.levels = [int(part) for part in args.clients.split(",") if part.strip()]
    except ValueError:
        parser.error(f"--clients must be comma-separated integers, not {args.clients!r}")
    if not args.levels or min(args.levels) < 1:
        parser.error("--clients needs at least one level of 1 or more clients")
    if args.seconds <= 0 or args.warmup_seconds < 0:
        parser.error("--seconds must be positive and --warmup-seconds not negative")
    return args


def main() -> None:
    args = parse_args()
    material = load_material(args.seed)
    stamp = datetime.now(UTC)
    folder: Path | None = None
    process: subprocess.Popen | None = None
    levels: list[Level] = []
    try:
        if args.url:
            base = args.url.rstrip("/")
            encoder = service_encoder(base)
        else:
            args.db_dir.mkdir(parents=True, exist_ok=True)
            folder = Path(tempfile.mkdtemp(prefix=f"load-db-{stamp:%Y%m%d-%H%M%S}-",
                                           dir=args.db_dir))
            process, base = start_server(args, folder)
            encoder = args.encoder
        context = {"timestamp": stamp.isoformat(timespec="seconds"),
                   **provenance(),
                   "encoder": encoder, "workers": args.workers, "seconds": args.seconds,
                   "warmup_seconds": args.warmup_seconds,
                   "db_dir": str(folder) if folder else None, "url": args.url}
        for clients in args.levels:
            console.print(f"{clients} client(s): {args.warmup_seconds:g} s warm-up, "
                          f"{args.seconds:g} s measured …", highlight=False)
            level = run_level(base, clients, seconds=args.seconds, warmup=args.warmup_seconds,
                              material=material, seed=args.seed)
            levels.append(level)
            print_level(level, {route: route_figures(level, (route,)) for route in ROUTES},
                        context)
        append_results(args.out, levels, context)
        console.print(f"appended {len(levels) * len(ROUTES)} lines to {args.out}",
                      highlight=False)
        print_targets(levels)
    finally:
        if process is not None:
            stop(process, timeout=30)
        if folder is not None:
            log = folder / "server.log"
            failed = any(route_figures(level, (route,))["errors"]
                         for level in levels for route in ROUTES)
            if failed and log.exists():  # the reason for the errors is in the server's log
                console.print("[yellow]server log, without the answered requests (end):"
                              "[/yellow]")
                console.print(log_without_answered(log)[-3000:], markup=False,
                              highlight=False)
            if args.keep_db:
                console.print(f"kept {folder}", highlight=False)
            else:
                shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
