"""The FastAPI application: the HTTP contract of `../shared/API.md`, the widget and document pages.

`create_app(settings)` builds the app; the index loads once in the lifespan (rebuilt there only
when it is missing or no longer matches corpus and encoder), never inside a request. Errors are
translated once, here: `NotFoundError` becomes 404, `InputError` and bad JSON 422 with the
reason. The contract forbids a 500, so an unexpected failure is logged and answered with a 503
and a plain message; conversation writes are transactional, so nothing stored is lost.
"""

from __future__ import annotations

import logging
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import FileResponse, HTMLResponse, JSONResponse
from fastapi.staticfiles import StaticFiles

from api import schemas
from api.deps import get_settings, open_assistant
from api.pages import render_document_page, render_not_found_page
from api.settings import Settings
from assistant.records import Answer
from assistant.service import PolicyAssistant
from corpus.errors import InputError, NotFoundError, PolicyAssistantError

log = logging.getLogger("policy_assistant.api")
STATIC = Path(__file__).parent / "static"


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
        ctx = error.get("ctx")
        if ctx:  # exceptions inside ctx are not JSON serialisable
            error["ctx"] = {key: str(value) for key, value in ctx.items()}
        detail.append(error)
    return detail


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or get_settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        assistant, rebuilt = open_assistant(settings)
        if rebuilt:
            log.warning("index built at start-up: %s", rebuilt)
        app.state.assistant = assistant
        yield

    app = FastAPI(title="Policy assistant", version="0.1.0", lifespan=lifespan,
                  description="Clause-level answers over Chinese policy texts, citing document "
                              "and section number. Contract: API.md.")
    if settings.cors_origin_list:
        app.add_middleware(CORSMiddleware, allow_origins=settings.cors_origin_list,
                           allow_methods=["GET", "POST"], allow_headers=["Content-Type"])

    def service(request: Request) -> PolicyAssistant:
        return request.app.state.assistant

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError):
        return JSONResponse(status_code=422, content={"detail": _validation_detail(exc)})

    @app.exception_handler(NotFoundError)
    async def _not_found(request: Request, exc: NotFoundError):
        if _wants_html(request) and request.method == "GET":
            return HTMLResponse(render_not_found_page(str(exc)), status_code=404)
        return JSONResponse(status_code=404, content={"detail": str(exc)})

    @app.exception_handler(InputError)
    async def _bad_input(request: Request, exc: InputError):
        return JSONResponse(status_code=422, content={"detail": str(exc)})

    @app.exception_handler(PolicyAssistantError)
    async def _service_error(request: Request, exc: PolicyAssistantError):
        log.error("service error on %s: %s", request.url.path, exc)
        return JSONResponse(status_code=503, content={"detail": str(exc)})

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception):
        # Never a bare 500: log the trace, say plainly what failed. Storage writes are
        # transactional, so nothing stored is lost by a failed request.
        log.exception("unexpected failure on %s", request.url.path)
        return JSONResponse(status_code=503, content={
            "detail": f"the service failed to handle this request ({type(exc).__name__}); "
                      "nothing stored was changed, please retry or report it"})

    @app.post("/ask", response_model=schemas.AskResponse)
    def ask(body: schemas.AskRequest, request: Request) -> dict:
        assistant = service(request)
        if body.conversation_id is not None:
            assistant.conversations.require(body.conversation_id)
        conversation_id, answer = assistant.ask(
            body.question, conversation_id=body.conversation_id, region=body.region,
            top_k=body.top_k, to_citations=_citations)
        return {"conversation_id": conversation_id, "status": answer.status,
                "answer": answer.text, "resolved_question": answer.resolved_question,
                "citations": _citations(answer)}

    @app.post("/search", response_model=schemas.SearchResponse)
    def search(body: schemas.SearchRequest, request: Request) -> dict:
        hits = service(request).search(body.query, region=body.region, top_k=body.top_k)
        return {"hits": [schemas.citation_for(hit, n) for n, hit in enumerate(hits, 1)]}

    @app.get("/documents", response_model=schemas.DocumentsResponse)
    def documents(request: Request) -> dict:
        return {"documents": [schemas.document_summary(d) for d in service(request).documents]}

    @app.get("/documents/{doc_id}", response_model=schemas.DocumentOut,
             responses={200: {"content": {"text/html": {}}}})
    def document(doc_id: str, request: Request, highlight: str | None = None):
        found = service(request).document(doc_id)
        if _wants_html(request):
            return HTMLResponse(render_document_page(found, highlight))
        return schemas.document_out(found)

    @app.get("/documents/{doc_id}/page", response_class=HTMLResponse)
    def document_page(doc_id: str, request: Request, highlight: str | None = None):
        return HTMLResponse(render_document_page(service(request).document(doc_id), highlight))

    @app.get("/clauses/{clause_id:path}", response_model=schemas.ClauseOut)
    def clause(clause_id: str, request: Request):
        found, document = service(request).clause(clause_id)
        return schemas.clause_for(found, document)

    @app.get("/conversations/{conversation_id}", response_model=schemas.ConversationOut)
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

    @app.get("/health", response_model=schemas.Health)
    def health(request: Request) -> dict:
        index = service(request).index
        return {"status": "ok", "documents": len(index.documents), "clauses": len(index.clauses),
                "encoder": index.params.encoder_id, "index_built_at": index.params.built_at}

    @app.get("/", include_in_schema=False)
    def widget() -> FileResponse:
        return FileResponse(STATIC / "index.html")

    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    return app
