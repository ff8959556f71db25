"""Reading question and conversation files, and resolving their gold entries to clause ids.

Files are JSON Lines (see `eval/questions/README.md`). Reading is split from resolving on
purpose: a malformed file is rejected at once, before a 50-second index build or an HTTP
round trip, and resolution needs a clause catalog that comes either from the parsed corpus
(in-process) or from `GET /documents/{id}` (a remote service, whose corpus is what counts).
Every problem is an `InputError` that names the file, the line and the question.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Iterable
from pathlib import Path

from corpus import Document
from corpus.errors import InputError

from eval.records import (
    ClauseRef,
    Conversation,
    ConversationSpec,
    GoldRef,
    Question,
    QuestionSpec,
)

QUESTIONS_DIR = Path(__file__).parent / "questions"
DEFAULT_QUESTIONS = QUESTIONS_DIR / "dev.jsonl"
DEFAULT_CONVERSATIONS = QUESTIONS_DIR / "conversations.jsonl"
MAX_QUESTION_CHARS = 1000  # the API's limit; a longer question could never be asked over HTTP
FALLBACK_EVIDENCE_CHARS = 30

__all__ = [
    "ClauseCatalog", "DEFAULT_CONVERSATIONS", "DEFAULT_QUESTIONS", "load_conversations",
    "load_questions", "normalise_section", "read_conversations", "read_questions",
]


# -- reading ---------------------------------------------------------------------------------
def question_lines(path: Path, *, encoding: str = "utf-8") -> list[str]:
    """The lines of a question file; InputError when it is missing or not UTF-8 text."""
    try:
        return Path(path).read_text(encoding=encoding).splitlines()
    except FileNotFoundError as exc:
        raise InputError(f"question file {path} does not exist") from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"cannot read question file {path} as UTF-8 text: {exc}") from exc


def _records(path: Path) -> Iterable[tuple[int, dict]]:
    path = Path(path)
    lines = question_lines(path)
    found = False
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue  # blank lines are harmless in hand-edited files
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            raise InputError(f"{path.name}:{number}: not valid JSON ({exc.msg} at column "
                             f"{exc.colno}); each line must be one JSON object") from exc
        if not isinstance(record, dict):
            raise InputError(f"{path.name}:{number}: expected a JSON object, "
                             f"got {type(record).__name__}")
        found = True
        yield number, record
    if not found:
        raise InputError(f"{path} holds no questions (one JSON object per line expected)")


def _gold_ref(entry: object, where: str) -> GoldRef:
    if isinstance(entry, str) and entry.strip():
        return GoldRef(clause_id=entry.strip())
    if isinstance(entry, dict):
        quote = entry.get("quote")
        if isinstance(quote, str) and quote.strip():
            return GoldRef(quote=quote)
        doc_id, section = entry.get("doc_id"), entry.get("section")
        if isinstance(doc_id, str) and isinstance(section, str) and doc_id and section.strip():
            return GoldRef(doc_id=doc_id, section=section)
    raise InputError(f"{where}: gold entry {entry!r} is not a clause id, "
                     "a {\"doc_id\", \"section\"} pair or a {\"quote\"}")


def _spec(record: dict, where: str, *, qid: str | None = None, category: str | None = None,
          turn: int = 0) -> QuestionSpec:
    """Validate one question (or turn) object; `where` prefixes every message."""
    if qid is None:
        qid = record.get("id")
        if not isinstance(qid, str) or not qid.strip():
            raise InputError(f"{where}: missing required field 'id' (a non-empty string)")
        where = f"{where}: question {qid}"
    for name in ("question", "answerable", "gold"):
        if name not in record:
            raise InputError(f"{where}: missing required field {name!r}")
    question = record["question"]
    if not isinstance(question, str) or not question.strip():
        raise InputError(f"{where}: 'question' must be a non-empty string")
    if len(question.strip()) > MAX_QUESTION_CHARS:
        raise InputError(f"{where}: 'question' has {len(question.strip())} characters; "
                         f"the service accepts at most {MAX_QUESTION_CHARS}")
    answerable = record["answerable"]
    if not isinstance(answerable, bool):
        raise InputError(f"{where}: 'answerable' must be true or false, got {answerable!r}")
    gold = record["gold"]
    if not isinstance(gold, list):
        raise InputError(f"{where}: 'gold' must be a list, got {type(gold).__name__}")
    if answerable and not gold:
        raise InputError(f"{where}: answerable question with an empty 'gold'; list the "
                         "clauses that answer it, or set answerable to false")
    if not answerable and gold:
        raise InputError(f"{where}: unanswerable question with gold clauses; "
                         "gold must be [] when answerable is false")
    evidence = record.get("evidence") or []
    if not isinstance(evidence, list) or not all(isinstance(e, str) and e.strip()
                                                 for e in evidence):
        raise InputError(f"{where}: 'evidence' must be a list of non-empty strings")
    if evidence and len(evidence) != len(gold):
        raise InputError(f"{where}: 'evidence' has {len(evidence)} entries but 'gold' has "
                         f"{len(gold)}; they are aligned one to one")
    if category is None:
        category = record.get("category", "uncategorised")
        if not isinstance(category, str) or not category.strip():
            raise InputError(f"{where}: 'category' must be a non-empty string")
    region = record.get("region")
    if region is not None and not isinstance(region, str):
        raise InputError(f"{where}: 'region' must be a doc_id string or null")
    reference = record.get("resolved_question")
    return QuestionSpec(
        qid=qid, question=question.strip(), category=category, answerable=answerable,
        gold=tuple(_gold_ref(entry, where) for entry in gold), evidence=tuple(evidence),
        region=region, source=where.split(": ")[0],
        reference_resolved=reference if isinstance(reference, str) else None, turn=turn)


def read_questions(path: Path) -> list[QuestionSpec]:
    """Parse and validate a single-turn question file (gold not yet resolved)."""
    path = Path(path)
    specs: list[QuestionSpec] = []
    seen: dict[str, str] = {}
    for number, record in _records(path):
        spec = _spec(record, f"{path.name}:{number}")
        if spec.qid in seen:
            raise InputError(f"{path.name}:{number}: question id {spec.qid!r} already used "
                             f"at {seen[spec.qid]}")
        seen[spec.qid] = spec.source
        specs.append(spec)
    return specs


def read_conversations(path: Path) -> list[ConversationSpec]:
    """Parse and validate a conversation file (gold not yet resolved)."""
    path = Path(path)
    conversations: list[ConversationSpec] = []
    seen: dict[str, str] = {}
    for number, record in _records(path):
        where = f"{path.name}:{number}"
        cid = record.get("id")
        if not isinstance(cid, str) or not cid.strip():
            raise InputError(f"{where}: missing required field 'id' (a non-empty string)")
        if cid in seen:
            raise InputError(f"{where}: conversation id {cid!r} already used at {seen[cid]}")
        seen[cid] = where
        turns = record.get("turns")
        if not isinstance(turns, list) or not turns:
            raise InputError(f"{where}: conversation {cid}: 'turns' must be a non-empty list")
        kind = record.get("kind") if isinstance(record.get("kind"), str) else "conversation"
        specs = []
        for n, turn in enumerate(turns, 1):
            turn_where = f"{where}: conversation {cid} turn {n}"
            if not isinstance(turn, dict):
                raise InputError(f"{turn_where}: expected a JSON object")
            specs.append(_spec(turn, turn_where, qid=f"{cid}#{n}", category=kind, turn=n))
        conversations.append(ConversationSpec(cid=cid, kind=kind, turns=tuple(specs)))
    return conversations


# -- resolving -------------------------------------------------------------------------------
def _fold(text: str) -> str:
    # NFKC folds the full-/half-width mix of the sources ("(三)" vs "（三）", "1．" vs "1.");
    # whitespace is dropped because the sources break lines inside Chinese sentences.
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))


def normalise_section(section: str) -> str:
    """A printed section number in a comparable form: "二、（三）1." == "二(三)1"."""
    folded = _fold(section).replace("、", "")
    # A dot ends a number ("1.") unless it sits between digits ("1.5" would be a decimal).
    return re.sub(r"\.(?!\d)|(?<!\d)\.", "", folded)


class ClauseCatalog:
    """Every clause of the evaluated corpus, for resolving gold and checking evidence."""

    def __init__(self, clauses: Iterable[ClauseRef]):
        self.clauses = {clause.clause_id: clause for clause in clauses}
        self._folded = {cid: _fold(clause.text) for cid, clause in self.clauses.items()}

    @classmethod
    def from_documents(cls, documents: Iterable[Document]) -> "ClauseCatalog":
        return cls(ClauseRef(c.clause_id, c.doc_id, c.section, c.text)
                   for d in documents for c in d.clauses)

    def __contains__(self, clause_id: str) -> bool:
        return clause_id in self.clauses

    def text(self, clause_id: str) -> str:
        return self.clauses[clause_id].text

    def resolve(self, ref: GoldRef, where: str) -> str:
        if ref.clause_id is not None:
            if ref.clause_id not in self.clauses:
                raise InputError(f"{where}: gold clause {ref.clause_id!r} does not exist in the "
                                 "corpus (ids look like sanmenxia-2019/2.3.1; "
                                 "`policy-assistant clauses` lists them)")
            return ref.clause_id
        if ref.quote is not None:
            needle = _fold(ref.quote)
            found = [cid for cid, text in self._folded.items() if needle in text]
            if len(found) != 1:
                problem = ("occurs in no clause" if not found else
                           f"occurs in {len(found)} clauses ({', '.join(found[:5])}); "
                           "quote a longer passage")
                raise InputError(f"{where}: gold {ref.describe()} {problem}")
            return found[0]
        wanted = normalise_section(ref.section or "")
        in_doc = [c for c in self.clauses.values() if c.doc_id == ref.doc_id]
        if not in_doc:
            raise InputError(f"{where}: gold {ref.describe()}: no document {ref.doc_id!r}")
        found = [c.clause_id for c in in_doc if normalise_section(c.section) == wanted]
        if len(found) != 1:
            problem = ("matches no clause" if not found else
                       f"matches {len(found)} clauses ({', '.join(found)})")
            raise InputError(f"{where}: gold {ref.describe()} {problem}; sections are printed "
                             "like 二、（三）1. (Baicheng paragraphs and table rows need a "
                             "clause id or a quote)")
        return found[0]

    def resolve_spec(self, spec: QuestionSpec) -> Question:
        where = f"{spec.source}: question {spec.qid}"
        gold = tuple(self.resolve(ref, where) for ref in spec.gold)
        if len(set(gold)) != len(gold):
            raise InputError(f"{where}: gold names the same clause twice ({', '.join(gold)})")
        # Naive RAG decides hits by evidence; without it the clause's opening stands in.
        # Verbatim (whitespace aside), since chunks are matched against the raw clause text.
        evidence = spec.evidence or tuple(
            re.sub(r"\s+", "", self.text(cid))[:FALLBACK_EVIDENCE_CHARS] for cid in gold)
        return Question(qid=spec.qid, question=spec.question, category=spec.category,
                        answerable=spec.answerable, gold=gold, evidence=evidence,
                        region=spec.region, source=spec.source,
                        reference_resolved=spec.reference_resolved, turn=spec.turn)


def load_questions(path: Path, catalog: ClauseCatalog) -> list[Question]:
    return [catalog.resolve_spec(spec) for spec in read_questions(path)]


def load_conversations(path: Path, catalog: ClauseCatalog) -> list[Conversation]:
    return [Conversation(c.cid, c.kind, tuple(catalog.resolve_spec(t) for t in c.turns))
            for c in read_conversations(path)]
