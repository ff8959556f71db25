"""The FastAPI application: the HTTP contract of `../shared/API.md`, the widget and document pages.

`create_app(settings)` builds the app; the index loads once in the lifespan (synced there only
when it is missing or no longer matches corpus and encoder). Each request takes its assistant
from `LiveAssistant`, which swaps in a newly published index version between requests (see
`api/deps.py`); `POST /documents` and `DELETE /documents/{doc_id}` — on only when an admin
token is configured — write new versions. Errors are translated once, here: `NotFoundError`
becomes 404, `InputError` and bad JSON 422 with the reason, an unreadable upload 415/422, a
too-large one 413. The contract forbids a 500, so an unexpected failure is logged and answered
with a 503 and a plain message; conversation writes are transactional and index versions are
switched atomically, so nothing stored is lost.

In front of the routes, outermost first: security headers (`api/hygiene.py`), the last-resort
503 (`CatchFailures`), CORS when configured, then from `api/admission.py` the optional
per-client rate limit, keep-alive recycling (several workers only) and the bounded queue, and
last the body checks (`api/guards.py`). The OpenAPI schema states every
limit and every status a route can answer; the `region` fields list the corpus's regions and are
refreshed when a new index version is served.
"""

from __future__ import annotations

import copy
import hmac
import logging
from contextlib import asynccontextmanager
from pathlib import Path, PurePosixPath
from typing import AsyncGenerator

from fastapi import FastAPI, HTTPException, Request, Response
from fastapi import Path as FastAPIPath
from fastapi.concurrency import run_in_threadpool
from fastapi.exceptions import RequestValidationError
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import FileResponse, HTMLResponse, JSONResponse
from fastapi.openapi.utils import get_openapi
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import Match

from api import schemas
from api.admission import Admission, CatchFailures, RateLimit, RecycleConnections
from api.deps import LiveAssistant, get_settings
from api.guards import BodyGuard, excerpt, validation_error
from api.hygiene import SecurityHeaders, redact_access_log, show_service_logs
from api.pages import render_document_page, render_not_found_page
from api.settings import Settings
from assistant.records import Answer
from assistant.service import PolicyAssistant
from corpus.errors import CorpusError, InputError, NotFoundError, PolicyAssistantError
from corpus.loader import DOCUMENT_EXTENSIONS
from index.versions import clean_stale_builds

log = logging.getLogger("policy_assistant.api")
STATIC = Path(__file__).parent / "static"
# Multipart framing (boundaries, part headers, a file name) around the file itself.
MULTIPART_OVERHEAD_BYTES = 64 * 1024
RETRY_AFTER_SECONDS = "5"
UPLOAD_ROUTE = ("POST", "/documents")

# What each route can answer besides its success, for the OpenAPI schema (Schemathesis checks
# that every status a route gives is documented, with the body the schema says).
_MESSAGE = {"model": schemas.Message}
_ANY_ROUTE = {429: {**_MESSAGE, "description": "Rate limit exceeded (Retry-After says when)"},
              503: {**_MESSAGE, "description": "Overloaded, not ready, or failed (Retry-After)"}}
_JSON_BODY = {404: {**_MESSAGE, "description": "Unknown conversation"},
              413: {**_MESSAGE, "description": "Body larger than the limit"},
              415: {**_MESSAGE, "description": "Body not sent as application/json"}}
_LOOKUP = {404: {**_MESSAGE, "description": "Unknown id"}}
_ADMIN = {401: {**_MESSAGE, "description": "No or malformed admin token"},
          403: {**_MESSAGE, "description": "Wrong admin token"},
          404: {**_MESSAGE, "description": "Admin routes off (no token configured), or unknown id"}}


def _upload_error(message: str) -> JSONResponse:
    """422 in FastAPI's validation shape, naming the `file` field (the contract's one shape)."""
    return JSONResponse(status_code=422, content={"detail": [
        {"type": "value_error", "loc": ["body", "file"], "msg": message}]})


async def _once(data: bytes) -> AsyncGenerator[bytes, None]:
    yield data


def _citations(answer: Answer) -> list[dict]:
    return [schemas.citation_for(hit, n).model_dump() for n, hit in enumerate(answer.hits, 1)]


def _wants_html(request: Request) -> bool:
    """Browsers navigating to a document get the readable page; API clients get JSON."""
    accept = request.headers.get("accept", "")
    return "text/html" in accept and "application/json" not in accept


def _validation_detail(exc: RequestValidationError) -> list[dict]:
    detail = []
    for error in exc.errors():
        error = dict(error)
        if error.get("type") == "json_invalid":
            error["msg"] = ("the request body is not valid JSON: "
                            + str(error.get("ctx", {}).get("error", "parse error")))
        elif error.get("type") == "model_attributes_type" or (
                error.get("loc") == ("body",) and error.get("type") in {"dict_type", "model_type"}):
            error["msg"] = "the request body must be a JSON object, e.g. {\"question\": \"…\"}"
        error.pop("url", None)
        # The contract: never more than a short excerpt of the input (and always valid JSON).
        if "input" in error:
            error["input"] = excerpt(error["input"])
        ctx = error.get("ctx")
        if ctx:  # exceptions inside ctx are not JSON serialisable
            error["ctx"] = {key: excerpt(str(value)) for key, value in ctx.items()}
        error["loc"] = [part if isinstance(part, int) else excerpt(str(part))
                        for part in error.get("loc", ())]
        detail.append(error)
    return detail


def _allowed_methods(request: Request) -> list[str]:
    """Every method some route serves at this path (Starlette names only the first route's)."""
    methods: set[str] = set()
    for route in request.app.router.routes:
        match, _ = route.matches({**request.scope, "method": "__none__"})
        if match != Match.NONE:
            methods |= set(getattr(route, "methods", None) or ())
    return sorted(methods)


def _json_routes(app: FastAPI) -> set[tuple[str, str]]:
    """(method, path) of the routes whose body is a JSON model (the upload route reads its own)."""
    return {(method, route.path) for route in app.routes
            if getattr(route, "body_field", None) is not None
            for method in getattr(route, "methods", ())}


def _with_region_names(schema: dict, names: list[str]) -> dict:
    """The `region` request fields list the corpus's region names (a copy of the schema)."""
    schema = copy.deepcopy(schema)
    for model in ("AskRequest", "SearchRequest"):
        field = schema["components"]["schemas"][model]["properties"]["region"]
        field["anyOf"] = [{"type": "string", "enum": names}, {"type": "null"}]
    return schema


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or get_settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        show_service_logs()
        redact_access_log()
        removed = clean_stale_builds(settings.index_dir)
        if removed:
            log.warning("removed what an interrupted index build left: %s", ", ".join(removed))
        live, rebuilt = LiveAssistant.open(settings)
        if rebuilt:
            log.warning("index built at start-up: %s", rebuilt)
        try:
            live.warm_up()
        except Exception as exc:  # /ready says why; questions fail with the encoder's message
            live.last_error = f"the encoder could not be loaded: {exc}"
            log.error("%s", live.last_error)
        app.state.live = live
        yield

    app = FastAPI(title="Policy assistant", version="0.1.0", lifespan=lifespan,
                  responses=_ANY_ROUTE,
                  description="Clause-level answers over Chinese policy texts, citing document "
                              f"and section number. Contract: API.md. JSON bodies are limited "
                              f"to {settings.max_body_bytes} bytes, uploads to "
                              f"{settings.max_upload_bytes}.")
    # add_middleware wraps: the last added runs first.
    app.add_middleware(BodyGuard, json_routes=lambda: json_routes,
                       max_body_bytes=settings.max_body_bytes, skip={UPLOAD_ROUTE})
    app.add_middleware(Admission, max_active=settings.max_active,
                       max_waiting=settings.max_waiting, wait_seconds=settings.wait_seconds)
    if settings.workers > 1 and settings.recycle_connections_every:
        app.add_middleware(RecycleConnections, every=settings.recycle_connections_every)
    if settings.rate_limit_per_minute:
        app.add_middleware(RateLimit, per_minute=settings.rate_limit_per_minute)
    if settings.cors_origin_list:
        app.add_middleware(CORSMiddleware, allow_origins=settings.cors_origin_list,
                           allow_methods=["GET", "POST"], allow_headers=["Content-Type"])
    app.add_middleware(CatchFailures)
    # A site allowed to call the API may also show the widget in a frame (embed.js does).
    ancestors = " ".join(dict.fromkeys([settings.frame_ancestors, *settings.cors_origin_list]))
    app.add_middleware(SecurityHeaders, frame_ancestors=ancestors)

    def live(request: Request) -> LiveAssistant:
        return request.app.state.live

    def service(request: Request) -> PolicyAssistant:
        return live(request).get()

    def require_admin(request: Request) -> None:
        token = settings.admin_token_value
        if token is None:  # the routes are off: answer as for any unknown route
            raise HTTPException(status_code=404, detail="Not Found")
        header = request.headers.get("authorization", "")
        scheme, _, given = header.partition(" ")
        if not header:
            raise HTTPException(status_code=401, headers={"WWW-Authenticate": "Bearer"},
                                detail="this route needs the header "
                                       "'Authorization: Bearer <admin token>'")
        if scheme.lower() != "bearer" or not given.strip():
            raise HTTPException(status_code=401, headers={"WWW-Authenticate": "Bearer"},
                                detail="the Authorization header must read "
                                       "'Bearer <admin token>'")
        if not hmac.compare_digest(given.strip().encode("utf-8"), token.encode("utf-8")):
            raise HTTPException(status_code=403, detail="the admin token is not the one "
                                                        "configured for this service")

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError):
        return JSONResponse(status_code=422, content={"detail": _validation_detail(exc)})

    @app.exception_handler(StarletteHTTPException)
    async def _http_error(request: Request, exc: StarletteHTTPException):
        headers = dict(exc.headers or {})
        if exc.status_code == 405:
            headers["Allow"] = ", ".join(_allowed_methods(request))
        return JSONResponse(status_code=exc.status_code, content={"detail": exc.detail},
                            headers=headers)

    @app.exception_handler(NotFoundError)
    async def _not_found(request: Request, exc: NotFoundError):
        route = request.scope.get("route")
        page_route = getattr(route, "response_class", None) is HTMLResponse
        if request.method == "GET" and (page_route or _wants_html(request)):
            return HTMLResponse(render_not_found_page(str(exc)), status_code=404)
        return JSONResponse(status_code=404, content={"detail": str(exc)})

    @app.exception_handler(InputError)
    async def _bad_input(request: Request, exc: InputError):
        loc = ("body", exc.field) if exc.field else ("body",)
        return JSONResponse(status_code=422, content={"detail": [
            validation_error(str(exc), loc, kind="value_error")]})

    @app.exception_handler(PolicyAssistantError)
    async def _service_error(request: Request, exc: PolicyAssistantError):
        log.error("service error on %s: %s", request.url.path, exc)
        return JSONResponse(status_code=503, content={"detail": str(exc)},
                            headers={"Retry-After": RETRY_AFTER_SECONDS})

    @app.post("/ask", response_model=schemas.AskResponse, responses=_JSON_BODY)
    def ask(body: schemas.AskRequest, request: Request) -> dict:
        assistant = service(request)
        outcome = assistant.ask(
            body.question, conversation_id=body.conversation_id, region=body.region,
            top_k=body.top_k, to_citations=_citations)
        answer = outcome.answer
        return {"conversation_id": outcome.conversation_id, "status": answer.status,
                "answer": answer.text, "resolved_question": answer.resolved_question,
                "citations": list(outcome.citations), "stored": outcome.stored,
                "notice": None if outcome.stored else
                "这一轮问答未能保存，后续追问无法引用它（" + (outcome.not_stored_reason or "") + "）"}

    @app.post("/search", response_model=schemas.SearchResponse,
              responses={key: _JSON_BODY[key] for key in (413, 415)})
    def search(body: schemas.SearchRequest, request: Request) -> dict:
        hits = service(request).search(body.query, region=body.region, top_k=body.top_k)
        return {"hits": [schemas.citation_for(hit, n) for n, hit in enumerate(hits, 1)]}

    @app.get("/documents", response_model=schemas.DocumentsResponse)
    def documents(request: Request) -> dict:
        assistant = service(request)
        return {"documents": [schemas.document_summary(d) for d in assistant.documents],
                "failed": [schemas.failed_file(f) for f in assistant.index.failures]}

    @app.post("/documents", status_code=201, response_model=schemas.UploadResult,
              responses={**_ADMIN, 413: {**_MESSAGE, "description": "File larger than the "
                                                                    "upload limit"},
                         415: {**_MESSAGE, "description": "Not multipart, or not a supported "
                                                          "format"},
                         422: {"model": schemas.UploadInvalid,
                               "description": "No file field, or a file that cannot be read"}},
              openapi_extra={"requestBody": {"required": True, "content": {
                  "multipart/form-data": {"schema": {
                      "type": "object", "required": ["file"],
                      "properties": {"file": {"type": "string", "format": "binary",
                                              "description": ".txt .md .docx .pdf .html"}}}}}}})
    async def upload_document(request: Request):
        """Add a document (multipart form, field `file`); the same file name replaces it."""
        require_admin(request)
        limit = settings.max_upload_bytes
        too_large = JSONResponse(status_code=413, content={
            "detail": f"the upload is larger than the limit of {limit} bytes"})
        if not request.headers.get("content-type", "").startswith("multipart/form-data"):
            return JSONResponse(status_code=415, content={
                "detail": "send the document as multipart/form-data with a field named file"})
        declared = request.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > limit + MULTIPART_OVERHEAD_BYTES:
            return too_large
        body = bytearray()
        async for chunk in request.stream():
            body.extend(chunk)
            if len(body) > limit + MULTIPART_OVERHEAD_BYTES:
                return too_large
        from starlette.datastructures import UploadFile
        from starlette.formparsers import MultiPartException, MultiPartParser

        try:
            form = await MultiPartParser(request.headers, _once(bytes(body)), max_files=1,
                                         max_fields=10, max_part_size=limit).parse()
        except MultiPartException as exc:
            return _upload_error(f"the multipart body cannot be read: {exc.message}")
        upload = form.get("file")
        if not isinstance(upload, UploadFile):
            await form.close()
            return _upload_error("field required: send the document in a field named file")
        data = await upload.read()
        await form.close()
        name = (upload.filename or "").strip()
        if len(data) > limit:
            return too_large
        if not name:
            return _upload_error("the file has no name; send it with its file name, "
                                 "e.g. 某某办法.docx")
        suffix = PurePosixPath(name.replace("\\", "/")).suffix.lower()
        if suffix not in DOCUMENT_EXTENSIONS:
            return JSONResponse(status_code=415, content={
                "detail": f"{name}: {suffix or 'a file without extension'} is not a supported "
                          f"format; send one of {', '.join(sorted(DOCUMENT_EXTENSIONS))} "
                          "(save a Word .doc as .docx, a scanned PDF needs a text layer)"})
        try:
            outcome = await run_in_threadpool(live(request).add_upload, name, data)
        except CorpusError as exc:
            return _upload_error(str(exc))
        document = (outcome.added or outcome.replaced)[0]
        result = schemas.UploadResult(**schemas.document_summary(document).model_dump(),
                                      replaced=bool(outcome.replaced),
                                      url=f"/documents/{document.doc_id}")
        return JSONResponse(status_code=201, content=result.model_dump(),
                            headers={"Location": result.url})

    @app.delete("/documents/{doc_id}", status_code=204, responses=_ADMIN)
    def delete_document(doc_id: str, request: Request) -> Response:
        """Remove a document; the next request is answered without it."""
        require_admin(request)
        live(request).remove(doc_id)
        return Response(status_code=204)

    @app.get("/documents/{doc_id}", response_model=schemas.DocumentOut,
             responses={200: {"content": {"text/html": {}}}, **_LOOKUP})
    def document(doc_id: str, request: Request, highlight: str | None = None):
        found = service(request).document(doc_id)
        if _wants_html(request):
            return HTMLResponse(render_document_page(found, highlight))
        return schemas.document_out(found)

    @app.get("/documents/{doc_id}/page", response_class=HTMLResponse,
             responses={404: {"content": {"text/html": {}}, "description": "Unknown id"}})
    def document_page(doc_id: str, request: Request, highlight: str | None = None):
        return HTMLResponse(render_document_page(service(request).document(doc_id), highlight))

    @app.get("/clauses/{clause_id:path}", response_model=schemas.ClauseOut, responses=_LOOKUP)
    def clause(request: Request, clause_id: str = FastAPIPath(
            description="document id / section key, as citations give it",
            examples=["sanmenxia-2019/2.3.1"])):
        found, document = service(request).clause(clause_id)
        return schemas.clause_for(found, document)

    @app.get("/conversations/{conversation_id}", response_model=schemas.ConversationOut,
             responses=_LOOKUP)
    def conversation(conversation_id: str, request: Request) -> dict:
        store = service(request).conversations
        store.require(conversation_id)
        return {"conversation_id": conversation_id,
                "created_at": store.created_at(conversation_id),
                "turns": [{"n": turn.turn, "question": turn.question,
                           "resolved_question": turn.resolved_question, "status": turn.status,
                           "answer": turn.answer, "citations": turn.citations,
                           "created_at": turn.created_at}
                          for turn in store.turns(conversation_id)]}

    # async: liveness never waits for the thread pool the answering routes use.
    @app.get("/health", response_model=schemas.Health)
    async def health(request: Request) -> dict:
        index = service(request).index
        return {"status": "ok", "documents": len(index.documents), "clauses": len(index.clauses),
                "encoder": index.params.encoder_id, "index_built_at": index.params.built_at,
                "failed": len(index.failures), "index_version": index.version}

    @app.get("/ready", response_model=schemas.Ready, responses={503: {"model": schemas.Ready}})
    def ready(request: Request):
        current = getattr(request.app.state, "live", None)
        reason = None
        conversations = None
        if current is None:
            reason = "the index is still loading"
        elif not current.encoder_ready:
            reason = current.last_error or "the encoder is still loading"
        else:
            current.get()  # a newly published version first, so that it is the one checked
            try:
                conversations = current.check_stores()
            except Exception as exc:  # a store answered before and fails now
                reason = f"a store does not answer ({type(exc).__name__}: {exc})"
        if reason:
            return JSONResponse(status_code=503, headers={"Retry-After": RETRY_AFTER_SECONDS},
                                content={"status": "not_ready", "reason": reason})
        # A store that cannot be written degrades /ask (answers are not stored) but every
        # route still answers, so the worker stays in rotation and says why.
        return {"status": "ready", "index_version": current.get().index.version,
                "conversations": conversations.mode, "reason": conversations.reason}

    @app.get("/", include_in_schema=False)
    def widget() -> FileResponse:
        return FileResponse(STATIC / "index.html")

    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    json_routes = _json_routes(app)

    plain_schema: dict | None = None
    served_schema: tuple[str, dict] | None = None

    def openapi() -> dict:
        nonlocal plain_schema, served_schema
        if plain_schema is None:
            plain_schema = get_openapi(title=app.title, version=app.version,
                                       description=app.description, routes=app.routes)
        current = getattr(app.state, "live", None)
        if current is None:
            return plain_schema
        assistant = current.get()
        if served_schema is None or served_schema[0] != assistant.index.version:
            served_schema = (assistant.index.version,
                             _with_region_names(plain_schema, assistant.regions.names()))
        return served_schema[1]

    app.openapi = openapi
    return app
