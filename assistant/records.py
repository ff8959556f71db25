"""Typed records of the assistant stage: the analysed question, retrieval hits, the region scope
and the answer.

`Hit` carries the clause, its document and every score that went into its rank, so that the
answer decision and the evaluation can explain themselves. `Answer` is what the API turns into
JSON; the API's own pydantic models live in `api/schemas.py`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from corpus import Clause, Document, Region


@dataclass(frozen=True)
class Hit:
    clause: Clause
    document: Document
    score: float  # fused score in [0, 1] (1.0 for a direct section reference)
    lexical: float = 0.0  # min-max normalised BM25 within the searched scope
    dense: float = 0.0  # cosine of the question's and the clause's (or its best sentence's) vectors
    clause_dense: float = 0.0  # cosine with the clause's own vector (the sentences' left out)
    lexical_raw: float = 0.0
    # hybrid | section_reference | followup_focus | followup_more | followup_neighbour
    via: str = "hybrid"


@dataclass(frozen=True)
class RegionScope:
    """Which documents a question is about, as inferred from the regions it names."""

    doc_ids: tuple[str, ...] = ()  # empty: every document
    named: tuple[Region, ...] = ()  # regions named in the question that have documents
    unknown: tuple[Region, ...] = ()  # regions named that no document covers (e.g. 北京)
    documents: tuple[str, ...] = ()  # documents the question names by title (《个人所得税法》)

    @property
    def restricted(self) -> bool:
        return bool(self.doc_ids)


@dataclass(frozen=True)
class Asked:
    """What a question asks for, read off its wording once (`assistant.lead.asked_for`)."""

    amount: bool = False
    period: bool = False
    # How often (多久…一次, 按月…还是按季…, 频率): answered by 季报, 每年, 定期 as well as by a period.
    frequency: bool = False
    # Asks in so many words for a number (多少, 几个, 多久, how many), not only for a standard,
    # a ratio or a limit (按什么标准, 期限), which a rule can answer (按规定给予, 由各县确定): a
    # clause stating no number does not answer it (`decision`, `figure_missing`).
    number: bool = False
    # The measure word the figure is asked in (`figures.asked_unit`: 人次; 元 for 钱, 次 for
    # 回), "" when the question names none; read once for the lead and the decision.
    unit: str = ""
    # A limit asked for: "upper" (最高, 最多, 封顶), "lower" (至少, 最少, 不少于) or "" (`lead`).
    bound: str = ""
    # A question asking two figures or more in parts of its own (政府补多大比例，最多补多少？):
    # each part as written with what it asks, for a lead that answers every one; empty when
    # one part asks.
    parts: tuple["AskedPart", ...] = ()
    body: bool = False
    who: bool = False  # who is eligible, on what condition (哪些人, 对象, 条件, 谁可以)
    penalty: bool = False  # what sanction a conduct draws (受到什么处罚, `penalties`)
    listing: bool = False  # which ones (哪些, 哪几项, 包括什么): a list is quoted whole
    # The kinds of clause a question asks for by its form, which retrieval prefers
    # (`retriever.wanted_clause`): a statement of purpose (立法目的, `purpose`), the meaning of
    # a term (什么是X: the term, `definitions`), the date it takes effect (`entry_into_force`).
    purpose: bool = False
    # What the document applies to as a whole (适用范围, 适用于哪些: `purpose.asks_application`).
    application: bool = False
    defined: str = ""
    entry_into_force: bool = False
    # Who made the document or when (《X》是由哪个机构颁布的, `entry_into_force.asks_enactment`).
    enactment: bool = False
    # Asks across the rows of a table of figures (`row_comparisons.asks_across_rows`): "most"
    # or "least" (哪些区…最多), "sum" (A和B加起来), "difference" (A比B多多少), else "".
    across_rows: str = ""
    # Asks for the document's number (文号, `document_record`), which its record holds.
    document_number: bool = False
    # Asks whether the document is still in force, or for how long (`document_status`).
    document_status: bool = False

    @property
    def about_the_document(self) -> bool:
        """Asks a fact about the document itself, which its title line or record states."""
        return self.entry_into_force or self.enactment or self.document_status

    @property
    def of_the_document(self) -> bool:
        """Asks a fact of the document itself, its title line's or its record's (文号 too)."""
        return self.about_the_document or self.document_number

    @property
    def document_as_a_whole(self) -> bool:
        """Asks something of the document as a whole — a fact of its record, what it was made
        for, what it applies to — rather than of a subject inside it: its title is the subject."""
        return self.of_the_document or self.purpose or self.application

    @property
    def figure(self) -> bool:
        return self.amount or self.period


@dataclass(frozen=True)
class AskedPart:
    """One part of a question asking several figures: its text and what it asks."""

    text: str
    asked: Asked


@dataclass(frozen=True)
class QueryAnalysis:
    """One question, analysed once (`assistant.analysis`), read by every later stage."""

    question: str  # the standalone question (a follow-up already resolved)
    scope: RegionScope
    region_words: tuple[str, ...] = ()  # region names as written in the question
    terms: tuple[str, ...] = ()  # key terms: content words, region names and question words out
    referenced: tuple[Clause, ...] = ()  # clauses named by section number, within the scope
    # The clause a follow-up points at ("这条…"), inherited from the turn before (`followups`).
    focus: Clause | None = None
    asked: Asked = field(default_factory=Asked)  # the amount, period or body it asks for
    # Words the corpus uses for words of the question it never uses, added to the lexical query
    # of every search of this question: the Chinese words for its English phrases (`english`),
    # the Chinese names of its places in pinyin (`place_names`), then synonyms of key terms no
    # clause mentions (`synonyms`).
    synonyms: tuple[str, ...] = ()
    # Places the question writes in pinyin below the regions of the documents it searches,
    # by their Chinese names ("Dongli District" → 东丽区): they name rows of a city's table as
    # the Chinese names in a Chinese question do.
    place_names: tuple[str, ...] = ()
    # The share of the key terms that no clause of the corpus mentions (腿脚, 网店: words the
    # texts never use), on which the lexical channels find nothing; fusion leans on the
    # vectors as it grows (`FusionWeights.dense_per_unknown`).
    unknown_share: float = 0.0
    # Document titles quoted in book-title marks that no loaded document has (`documents`).
    unknown_documents: tuple[str, ...] = ()
    # Clauses the conversation has already cited for this question: a follow-up asking for
    # more ("还有别的吗？", `followups.asks_for_more`) is answered from the others.
    shown: frozenset[str] = frozenset()
    # What the lexical channels read: the question with the loaded documents it names written
    # as their texts name themselves (《计量比对管理办法》的适用范围 → 本办法的适用范围,
    # `DocumentResolver.as_self_reference`); empty when that is the question itself. The
    # vectors read the question as typed.
    search_text: str = ""

    @property
    def searched(self) -> str:
        return self.search_text or self.question

    @property
    def names_only_unknown_documents(self) -> bool:
        """The question quotes documents that are not loaded and names none that is: it asks
        about a text the corpus does not hold."""
        return bool(self.unknown_documents) and not self.scope.documents


@dataclass(frozen=True)
class Answer:
    status: str  # answered | not_found
    text: str
    resolved_question: str
    hits: tuple[Hit, ...]  # the cited hits, citations[n-1] == hits[n-1]
    scope: RegionScope = field(default_factory=RegionScope)
    confidence: float = 0.0
    analysis: QueryAnalysis | None = None  # what the question was analysed into
    # The body the lead named for a question asking which body (区退役军人事务局): what a
    # follow-up's 他们 / 该部门 points at (`followups.TurnContext.focus_body`).
    named_body: str = ""


@dataclass(frozen=True)
class TurnOutcome:
    """One conversation turn: the answer, and whether the turn was stored (and if not, why)."""

    conversation_id: str
    answer: Answer
    citations: tuple[dict, ...] = ()  # as stored with the turn (`to_citations` of the answer)
    stored: bool = True
    not_stored_reason: str | None = None

