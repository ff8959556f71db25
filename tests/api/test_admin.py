"""Adding, replacing and removing documents against a LIVE server, without restarting it.

A real uvicorn process serves a copy of the shipped corpus (plus one unreadable file) with the
hash encoder, its own index, library and database in a temporary folder. Every change is made
over HTTP or by the `policy-assistant` CLI in another process, and `/search` before and after
shows the change served by the next request. One test SIGKILLs a CLI `add` in the middle of
writing a version and checks that the previous version keeps serving and stays loadable.
"""

from __future__ import annotations

import json
import os
import signal
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from bench.live_server import ServerDidNotStart, free_port, stop, wait_until_ready
from corpus import SHIPPED_CORPUS
from index import versions
from index.store import load_index

REPO = Path(__file__).resolve().parents[2]
TOKEN = "test-admin-token-8f2c"
UPLOAD_LIMIT = 300_000
CLI = [sys.executable, "-c", "from api.cli import app; app()"]
STARTUP_SECONDS = 90


@dataclass
class Server:
    url: str
    env: dict
    root: Path
    process: subprocess.Popen

    @property
    def index_dir(self) -> Path:
        return self.root / "var" / "index"

    @property
    def library_dir(self) -> Path:
        return self.root / "var" / "library"


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    root = tmp_path_factory.mktemp("live")
    corpus = root / "corpus"
    shutil.copytree(SHIPPED_CORPUS / "seeds", corpus / "seeds")
    shutil.copy(SHIPPED_CORPUS / "manifest.json", corpus / "manifest.json")
    (corpus / "seeds" / "broken.txt").write_bytes(b"\x00\x01\x02 binary, not a text")
    env = {**os.environ, "POLICY_ASSISTANT_ENCODER": "hash",
           "POLICY_ASSISTANT_CORPUS_DIR": str(corpus),
           "POLICY_ASSISTANT_INDEX_DIR": str(root / "var" / "index"),
           "POLICY_ASSISTANT_DB_PATH": str(root / "var" / "conversations.sqlite3"),
           "POLICY_ASSISTANT_ADMIN_TOKEN": TOKEN,
           "POLICY_ASSISTANT_MAX_UPLOAD_BYTES": str(UPLOAD_LIMIT)}
    env.pop("POLICY_ASSISTANT_LIBRARY_DIR", None)
    port = free_port()
    log = open(root / "server.log", "wb")
    process = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "--factory", "api.app:create_app",
         "--host", "127.0.0.1", "--port", str(port)],
        cwd=REPO, env=env, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        wait_until_ready(process, f"{url}/ready", timeout=STARTUP_SECONDS,
                         log=root / "server.log")
    except ServerDidNotStart as exc:
        log.close()
        pytest.fail(str(exc))
    yield Server(url, env, root, process)
    stop(process, timeout=10)
    log.close()


def _auth(token: str = TOKEN) -> dict:
    return {"Authorization": f"Bearer {token}"}


def _search(server: Server, query: str) -> list[dict]:
    response = httpx.post(f"{server.url}/search", json={"query": query, "top_k": 10}, timeout=30)
    assert response.status_code == 200, response.text
    return response.json()["hits"]


def _upload(server: Server, name: str, data: bytes, token: str = TOKEN) -> httpx.Response:
    return httpx.post(f"{server.url}/documents", files={"file": (name, data)},
                      headers=_auth(token), timeout=60)


def _version(server: Server) -> str:
    return httpx.get(f"{server.url}/health").json()["index_version"]


def _seed(name: str) -> str:
    return (SHIPPED_CORPUS / "seeds" / name).read_text(encoding="utf-8")


def test_ready_health_and_failed_files(server):
    assert httpx.get(f"{server.url}/ready").json()["status"] == "ready"
    health = httpx.get(f"{server.url}/health").json()
    assert health["failed"] == 1 and health["documents"] == 5
    body = httpx.get(f"{server.url}/documents").json()
    assert body["failed"][0]["file"] == "seeds/broken.txt"
    assert "binary" in body["failed"][0]["reason"]
    assert "tianjin-2019" in {d["doc_id"] for d in body["documents"]}


def test_upload_replace_delete_are_served_without_restart(server):
    first = _seed("sanmenxia-2019.txt").replace("职业技能提升", "星际航行技能提升")
    assert not any("星际航行" in hit["text"] for hit in _search(server, "星际航行技能"))
    before = _version(server)

    created = _upload(server, "星际方案.txt", first.encode("utf-8"))
    assert created.status_code == 201, created.text
    body = created.json()
    doc_id = body["doc_id"]
    assert body["replaced"] is False and body["clause_count"] > 10
    assert created.headers["location"] == f"/documents/{doc_id}"
    hits = _search(server, "星际航行技能")
    assert hits[0]["doc_id"] == doc_id
    assert _version(server) != before

    second = first.replace("星际航行", "深海潜航")
    replaced = _upload(server, "星际方案.txt", second.encode("utf-8"))
    assert replaced.status_code == 201 and replaced.json()["replaced"] is True
    assert replaced.json()["doc_id"] == doc_id  # same file name, same id: citations survive
    assert _search(server, "深海潜航技能")[0]["doc_id"] == doc_id
    assert not any("星际航行" in hit["text"] for hit in _search(server, "星际航行技能"))
    assert httpx.get(f"{server.url}/documents/{doc_id}").status_code == 200

    deleted = httpx.delete(f"{server.url}/documents/{doc_id}", headers=_auth())
    assert deleted.status_code == 204
    assert all(hit["doc_id"] != doc_id for hit in _search(server, "深海潜航技能"))
    assert httpx.get(f"{server.url}/documents/{doc_id}").status_code == 404
    again = httpx.delete(f"{server.url}/documents/{doc_id}", headers=_auth())
    assert again.status_code == 404 and doc_id in again.json()["detail"]
    assert not (server.library_dir / "files" / "星际方案.txt").exists()


def test_deleting_a_corpus_folder_document_excludes_it(server):
    assert any(h["doc_id"] == "qijiang-2019" for h in _search(server, "綦江 新型学徒制"))
    assert httpx.delete(f"{server.url}/documents/qijiang-2019",
                        headers=_auth()).status_code == 204
    assert all(h["doc_id"] != "qijiang-2019" for h in _search(server, "綦江 新型学徒制"))
    removed = json.loads((server.library_dir / "removed.json").read_text(encoding="utf-8"))
    assert [e["doc_id"] for e in removed["removed"]] == ["qijiang-2019"]
    assert (server.root / "corpus" / "seeds" / "qijiang-2019.txt").exists()  # never deleted
    documents = {d["doc_id"] for d in httpx.get(f"{server.url}/documents").json()["documents"]}
    assert "qijiang-2019" not in documents


def test_cli_add_in_another_process_is_served_by_the_next_request(server, tmp_path):
    path = tmp_path / "火星方案.txt"
    path.write_text(_seed("tianjin-2019.txt").replace("职业技能提升", "火星基地技能提升"),
                    encoding="utf-8")
    assert not any("火星基地" in hit["text"] for hit in _search(server, "火星基地技能"))
    done = subprocess.run([*CLI, "add", str(path)], cwd=REPO, env=server.env,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr
    hits = _search(server, "火星基地技能")
    assert "火星基地" in hits[0]["doc_title"]
    assert hits[0]["doc_id"].startswith("hxfa-")  # 火星方案: pinyin initials + path hash


def test_admin_routes_need_the_token(server):
    missing = httpx.post(f"{server.url}/documents", files={"file": ("a.txt", b"x")})
    assert missing.status_code == 401
    assert missing.headers["www-authenticate"] == "Bearer"
    assert "Authorization" in missing.json()["detail"]
    assert _upload(server, "a.txt", b"x", token="wrong").status_code == 403
    assert httpx.delete(f"{server.url}/documents/tianjin-2019",
                        headers=_auth("wrong")).status_code == 403
    assert httpx.delete(f"{server.url}/documents/tianjin-2019",
                        headers={"Authorization": "Basic abc"}).status_code == 401


def test_bad_uploads_are_4xx_with_the_reason(server):
    before = _version(server)
    legacy = _upload(server, "旧文件.doc", b"\xd0\xcf\x11\xe0 legacy word")
    assert legacy.status_code == 415 and ".docx" in legacy.json()["detail"]
    binary = _upload(server, "坏文件.txt", b"\x00\x01\x02\x03")
    assert binary.status_code == 422
    assert "binary" in binary.json()["detail"][0]["msg"]
    assert binary.json()["detail"][0]["loc"] == ["body", "file"]
    assert _upload(server, "空.txt", b"").status_code == 422
    assert _upload(server, "README.md", "# 说明".encode()).status_code == 422
    too_big = _upload(server, "大.txt", "政".encode() * (UPLOAD_LIMIT // 2))
    assert too_big.status_code == 413
    no_field = httpx.post(f"{server.url}/documents", files={"other": ("a.txt", b"x")},
                          headers=_auth())
    assert no_field.status_code == 422 and "file" in no_field.json()["detail"][0]["msg"]
    not_form = httpx.post(f"{server.url}/documents", json={"file": "x"}, headers=_auth())
    assert not_form.status_code == 415
    assert _version(server) == before  # nothing was written
    assert httpx.get(f"{server.url}/ready").status_code == 200


def test_kill_mid_update_leaves_the_previous_version_serving(server, tmp_path):
    big = tmp_path / "big"
    big.mkdir()
    seeds = sorted((SHIPPED_CORPUS / "seeds").glob("*.txt"))
    for n in range(60):  # distinct texts, so every clause must be encoded and tokenized
        text = seeds[n % len(seeds)].read_text(encoding="utf-8").replace("。", f"。第{n}批")
        (big / f"batch-{n:03d}.txt").write_text(text, encoding="utf-8")
    before = versions.current_name(server.index_dir)
    served = _version(server)
    hits_before = _search(server, "以工代训补贴")
    process = subprocess.Popen([*CLI, "add", str(big)], cwd=REPO, env=server.env,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    staging = None
    while staging is None and time.monotonic() < deadline and process.poll() is None:
        found = [p for p in versions.versions_dir(server.index_dir).iterdir()
                 if p.name.startswith(versions.STAGING_PREFIX)]
        staging = found[0] if found else None
        time.sleep(0.005)
    assert staging is not None, "the add finished before it could be killed"
    os.kill(process.pid, signal.SIGKILL)
    process.wait(timeout=10)

    assert versions.current_name(server.index_dir) == before
    assert _version(server) == served
    assert [h["clause_id"] for h in _search(server, "以工代训补贴")] == \
        [h["clause_id"] for h in hits_before]
    assert load_index(server.index_dir).version == before

    # The lock died with the process: the next writer proceeds, clears the abandoned
    # staging folder and syncs the library files the killed add had already stored.
    small = tmp_path / "小方案.txt"
    small.write_text(_seed("baicheng-2019.txt").replace("职业技能提升", "极地科考技能提升"),
                     encoding="utf-8")
    done = subprocess.run([*CLI, "add", str(small)], cwd=REPO, env=server.env,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "极地科考" in _search(server, "极地科考技能")[0]["doc_title"]
    assert not staging.exists()


def test_routes_are_off_without_a_token(client):
    # The session's in-process app has no admin token configured.
    assert client.post("/documents", files={"file": ("a.txt", b"x")},
                       headers=_auth()).status_code == 404
    assert client.delete("/documents/tianjin-2019", headers=_auth()).status_code == 404
    assert client.get("/documents/tianjin-2019").status_code == 200
