"""Request and response models of the HTTP API, exactly as `../shared/API.md` describes them.

These pydantic models are the API's edge only: internal stages hand each other frozen
dataclasses (`Clause`, `Hit`, `Answer`), converted here by `citation_for` and `clause_for`.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from assistant.records import Hit
from corpus import Clause, Document

MAX_QUESTION_CHARS = 1000


def _trimmed(value: str, field: str) -> str:
    # The raw length is checked before trimming so that the schema's maxLength is the rule.
    if len(value) > MAX_QUESTION_CHARS:
        raise ValueError(f"{field} has {len(value)} characters; the limit is "
                         f"{MAX_QUESTION_CHARS}")
    value = value.strip()
    if not value:
        raise ValueError(f"{field} is empty (after trimming whitespace); ask a question")
    return value


def _region_filter(value: str | None) -> str | None:
    if value is None:
        return None
    if not value.strip():
        raise ValueError("region is blank; send null (or leave it out) for no region filter")
    return value.strip()


# Stated in the OpenAPI schema as well as checked: at least one character that Python's
# str.strip keeps. ECMA-262's \s (the schema's regex dialect) lacks NEL (U+0085) and the
# information separators U+001C–U+001F that str.strip removes, so they are named: a question of
# only "\u0085" is rejected, and the schema says so (schemathesis found the mismatch).
_TEXT_SCHEMA = {"minLength": 1, "maxLength": MAX_QUESTION_CHARS,
                "pattern": r"[^\s\u0085\u001c-\u001f]"}
_REGION_DESCRIPTION = ("a region name as listed by GET /documents (the schema lists the names "
                       "of the regions that have documents); null: inferred from the question")


class AskRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    question: str = Field(description=f"1–{MAX_QUESTION_CHARS} characters, not only spaces",
                          json_schema_extra=_TEXT_SCHEMA)
    conversation_id: str | None = Field(None, max_length=200,
                                        description="null starts a new conversation")
    region: str | None = Field(None, max_length=100, description=_REGION_DESCRIPTION)
    top_k: int = Field(5, ge=1, le=20, description="how many citations at most")

    @field_validator("question", mode="after")
    @classmethod
    def _question(cls, value: str) -> str:
        return _trimmed(value, "question")

    @field_validator("region", mode="after")
    @classmethod
    def _region(cls, value: str | None) -> str | None:
        return _region_filter(value)


class SearchRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    query: str = Field(description=f"1–{MAX_QUESTION_CHARS} characters, not only spaces",
                       json_schema_extra=_TEXT_SCHEMA)
    top_k: int = Field(10, ge=1, le=50)
    region: str | None = Field(None, max_length=100, description=_REGION_DESCRIPTION)

    @field_validator("query", mode="after")
    @classmethod
    def _query(cls, value: str) -> str:
        return _trimmed(value, "query")

    @field_validator("region", mode="after")
    @classmethod
    def _region(cls, value: str | None) -> str | None:
        return _region_filter(value)


class Message(BaseModel):
    """Every error other than a 422: what went wrong and what to do."""

    detail: str


class Problem(BaseModel):
    """One entry of a 422 (FastAPI's validation shape): where, what kind, why."""

    type: str
    loc: list[str | int]
    msg: str


class UploadInvalid(BaseModel):
    """422 of an upload: the same shape as every other 422."""

    detail: list[Problem]


class ClauseOut(BaseModel):
    clause_id: str
    doc_id: str
    doc_title: str
    doc_number: str | None
    region: str
    section: str
    section_path: list[str]
    text: str
    url: str
    kind: str
    # The document's standing: final (in force), draft, superseded or repealed, with the label
    # a reader is shown (送审稿, 已被新版本替代, 已废止).
    doc_status: str = "final"
    doc_status_label: str | None = None


class Citation(ClauseOut):
    n: int
    score: float


class AskResponse(BaseModel):
    conversation_id: str
    status: Literal["answered", "not_found"]
    answer: str
    resolved_question: str
    citations: list[Citation]
    stored: bool = Field(True, description="false when the conversation store could not be "
                                           "written: the answer stands, follow-ups cannot use it")
    notice: str | None = Field(None, description="why the turn was not stored")


class SearchResponse(BaseModel):
    hits: list[Citation]


class DocumentSummary(BaseModel):
    doc_id: str
    title: str
    doc_number: str | None
    issuer: str | None
    region: str
    date: str | None
    status: str
    status_label: str | None = None
    clause_count: int
    source_file: str


class DocumentOut(DocumentSummary):
    region_levels: list[str]
    url: str
    clauses: list[ClauseOut]


class FailedFile(BaseModel):
    """A file of the corpus that could not be read or parsed; the rest of the corpus serves."""

    file: str
    reason: str


class DocumentsResponse(BaseModel):
    documents: list[DocumentSummary]
    failed: list[FailedFile] = []


class UploadResult(DocumentSummary):
    """POST /documents: the added document's metadata; `replaced` when it was there before."""

    replaced: bool
    url: str


class Turn(BaseModel):
    n: int
    question: str
    resolved_question: str
    status: str
    answer: str
    citations: list[Citation]
    created_at: str


class ConversationOut(BaseModel):
    conversation_id: str
    created_at: str
    turns: list[Turn]


class Health(BaseModel):
    status: str
    documents: int
    clauses: int
    encoder: str
    index_built_at: str
    failed: int = 0  # files of the corpus that could not be read or parsed
    index_version: str = ""


class Ready(BaseModel):
    status: Literal["ready", "not_ready"]
    reason: str | None = None
    index_version: str | None = None
    conversations: Literal["ok", "read_only", "unavailable"] | None = None


def clause_url(clause: Clause) -> str:
    return f"/documents/{clause.doc_id}#{clause.key}"


def clause_for(clause: Clause, document: Document) -> ClauseOut:
    return ClauseOut(
        clause_id=clause.clause_id, doc_id=document.doc_id, doc_title=document.title,
        doc_number=document.doc_number, region=document.region.name, section=clause.section,
        section_path=list(clause.section_path), text=clause.text, url=clause_url(clause),
        kind=clause.kind, doc_status=document.status, doc_status_label=document.status_label)


def citation_for(hit: Hit, n: int) -> Citation:
    return Citation(**clause_for(hit.clause, hit.document).model_dump(), n=n,
                    score=round(float(hit.score), 4))


def document_summary(document: Document) -> DocumentSummary:
    return DocumentSummary(
        doc_id=document.doc_id, title=document.title, doc_number=document.doc_number,
        issuer=document.issuer, region=document.region.name, date=document.date,
        status=document.status, status_label=document.status_label,
        clause_count=len(document.clauses), source_file=document.source_file)


def failed_file(failure) -> FailedFile:
    return FailedFile(file=failure.file, reason=failure.reason)


def document_out(document: Document) -> DocumentOut:
    return DocumentOut(
        **document_summary(document).model_dump(), region_levels=[level for level in (document.region.province, document.region.city,
                                          document.region.district) if level],
        url=f"/documents/{document.doc_id}",
        clauses=[clause_for(clause, document) for clause in document.clauses])
