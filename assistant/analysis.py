"""A question analysed once, before anything is retrieved.

The regions it names (one pass of the gazetteer), the documents it names by title, the scope
those give, its key terms and the clauses it names by section number: every later stage (the
search, the answer decision, the answer text, the context a follow-up inherits) reads this
record instead of working any of it out again from the text.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Callable, Sequence

from corpus import Clause, Document, Region
from corpus.gazetteer import Gazetteer, Mention

from assistant.answer import key_terms
from assistant.abbreviations import Abbreviations
from assistant.documents import DocumentResolver
from assistant.english import EnglishGlossary, EnglishReading
from assistant.lead import asked_for
from assistant.plan_years import calendar_years, document_period, mentions_plan_year
from assistant.followups import Resolution, TurnContext, without_places
from assistant.records import QueryAnalysis, RegionScope
from assistant.references import clauses_for_labels, reference_labels
from assistant.regions import RegionResolver
from assistant.synonyms import Thesaurus
from index.lexical import Tokenizer


# Scopes whose lookups of "does a document of it use this word" are remembered at once.
_SCOPES_KEPT = 256


class QuestionAnalyser:
    def __init__(self, documents: list[Document], tokenizer: Tokenizer, gazetteer: Gazetteer,
                 thesaurus: Thesaurus | None = None, glossary: EnglishGlossary | None = None,
                 abbreviations: Abbreviations | None = None,
                 mentioned: Callable[..., bool] = lambda text, doc_ids=(): True):
        self.documents = documents
        self.mentioned = mentioned  # whether some clause of the corpus holds a string
        # …or of some documents: remembered per index version, as questions about one place
        # ask after the same everyday words (~14 lookups a question).
        self._mentioned_in = lru_cache(maxsize=65536)(mentioned)
        self._scopes: dict[tuple[str, ...], tuple[str, ...]] = {}
        self.thesaurus = thesaurus
        self.glossary = glossary
        self.abbreviations = abbreviations
        self.tokenizer = tokenizer
        self.gazetteer = gazetteer
        self.regions = RegionResolver(documents, gazetteer)
        self.named_documents = DocumentResolver(documents)
        self._doc_ids = frozenset(d.doc_id for d in documents)  # fixed per index version
        self._region_of = {d.doc_id: d.region.name for d in documents}
        self._by_id = {d.doc_id: d for d in documents}
        self._periods: dict[str, tuple[int, int] | None] = {}

    def analyse(self, question: str, region: str | None = None, *,
                with_terms: bool = True, focus: Clause | None = None,
                inherited: RegionScope | None = None,
                shown: frozenset[str] = frozenset(),
                resolution: Resolution | None = None) -> QueryAnalysis:
        """`region` is the request's explicit region field; it wins over the regions named.
        Without `with_terms` the key terms are left empty, for a caller that reads the scope
        only (`PolicyAssistant.scope_for`; cutting them with jieba is ~0.25 ms a Legal-DC
        question); a search reads them (`answer_forms`). `focus`
        is the clause a follow-up points at (`followups.clause_in_focus`); it is kept only
        when it lies in the question's scope. `inherited` is the scope a follow-up carries from
        the turn before (`inherited_scope`); it replaces the one read off the text. With a
        thesaurus, the key terms are cut anyway, for the synonyms every search adds. `shown`:
        clauses already cited, which a "more" follow-up leaves out. The
        Chinese words of an English question (`english`) join both the key terms and the
        synonyms. A follow-up's `resolution` gives the places its scope is read from (its
        search text may hold carried places only) and the previous turn's key terms it carries,
        which stay key terms; a question that stands alone is read as typed."""
        read_as_typed = resolution is None or resolution.standalone
        # A follow-up read as typed reads its shared place names (和平区) against the places
        # the conversation was about, as its resolution read them.
        mentions = self.gazetteer.mentions(question, anchors=resolution.anchors
                                           if resolution is not None else ()) \
            if read_as_typed else \
            self.gazetteer.mentions("、".join(resolution.places), anchors=resolution.anchors)
        region_words = tuple(m.alias for m in mentions)
        scope = inherited or self._scope(question, region, mentions)
        english = self._english(question, region_words)
        # 头一年 of a plan running 2019—2021 is read as 2019年, as the texts write it; the
        # vectors read the question as typed.
        read = self.with_calendar_years(question, scope.doc_ids)
        # What it asks about a place is the same question (天津两后生定义 asks what 两后生 means).
        asked = asked_for(without_places(read, region_words))
        # The documents it names are its scope; the rest of it says which clause. Unless it
        # asks about the document itself (when it applies, who made it): the title line says.
        by_title = bool(scope.documents) and not asked.about_the_document
        # The rest of it also holds its key terms (《食品生产许可管理办法》规定的许可证有效期: not
        # 食品生产, 办法, which every clause of the document is credited with through its title),
        # unless it asks what the document as a whole is for or applies to: its title is then
        # the subject.
        own_terms = by_title and not asked.document_as_a_whole
        terms: tuple[str, ...] = ()
        if with_terms or self.thesaurus is not None:
            terms = tuple(key_terms(self.named_documents.without_names(read) if own_terms
                                    else read, self.tokenizer,
                                    extra=" ".join(english.words + english.missing),
                                    region_words=region_words, mentioned=self._in_corpus))
            if resolution is not None:  # carried terms the text's own do not already hold
                terms += tuple(t for t in resolution.carried
                               if not any(t in own for own in terms))
        used = self.used_in(scope)
        place_names = self._chinese_place_names(mentions, scope)
        synonyms = english.words + place_names + (
            self.thesaurus.expansions(terms, used) if self.thesaurus is not None else ())
        if self.abbreviations is not None:
            synonyms += tuple(form for form in self.abbreviations.expansions(question, used)
                              if form not in synonyms)
        unknown_share = (sum(not self._in_corpus(term) for term in terms) / len(terms)
                         if terms else 0.0)
        if not with_terms:
            terms = ()
        # Titles written without book-title marks are read off the question as typed only: a
        # follow-up's mentions are of the places it carries, not of its own text.
        unknown = self.named_documents.unknown_titles(question,
                                                      mentions if read_as_typed else ())
        # "《刑法》第二十条…" with no criminal law loaded: its article 20 is not another
        # document's (二十), so section numbers are read only in documents it may mean.
        referenced = () if unknown and not scope.documents else self._referenced(question, scope)
        if focus is not None and scope.restricted and focus.doc_id not in scope.doc_ids:
            focus = None
        searched = (self.named_documents.as_self_reference(read) if by_title else "") or read
        return QueryAnalysis(question=question, scope=scope, region_words=region_words,
                             terms=terms, referenced=referenced, focus=focus,
                             asked=asked, synonyms=synonyms, place_names=place_names,
                             unknown_share=unknown_share, unknown_documents=unknown, shown=shown,
                             search_text=searched if searched != question else "")

    def inherited_scope(self, followup: str, region: str | None, previous: TurnContext | None,
                        mentions: Sequence[Mention]) -> RegionScope | None:
        """The previous turn's scope, for a follow-up (as typed, before resolution; `mentions`
        the places it names) that sets none of its own: no region field, no place and no
        document named. None otherwise, and when the previous turn searched everything or its
        documents are gone."""
        if previous is None or region or not previous.scope_doc_ids:
            return None
        if mentions or self.named_documents.named(followup):
            return None
        doc_ids = tuple(d for d in previous.scope_doc_ids if d in self._doc_ids)
        if not doc_ids:
            return None
        named = self.regions_named(previous.scope_regions)
        documents = tuple(d for d in previous.scope_documents if d in self._doc_ids)
        return RegionScope(doc_ids=doc_ids, named=named, documents=documents)

    def regions_named(self, names: Sequence[str]) -> tuple[Region, ...]:
        """The regions of a turn's stored scope names (`TurnContext.scope_regions`)."""
        return tuple(r for r in map(self.gazetteer.by_name, names) if r is not None)

    def anchors(self, names: Sequence[str]) -> tuple[Region, ...]:
        """The regions of a turn's stored scope names and those enclosing them: the places a
        follow-up's shared place name is read against (after 和平区, Jizhou District is
        Tianjin's 蓟州区, a district of the same city)."""
        return tuple(dict.fromkeys(enclosing for region in self.regions_named(names)
                                   for enclosing in self.gazetteer.with_enclosing(region)))

    def terms(self, text: str) -> list[str]:
        """Key terms of any text (a follow-up's own words), region names left in."""
        english = self._english(text, ())
        return key_terms(text, self.tokenizer, extra=" ".join(english.words + english.missing),
                         mentioned=self._in_corpus)

    def _in_corpus(self, text: str) -> bool:
        return self._mentioned_in(text, ())

    def used_in(self, scope: RegionScope) -> Callable[[str], bool]:
        """Whether the documents a question searches hold a string: its scope's, or the
        corpus's when it searches everything; remembered either way (`_mentioned_in`). The
        thesaurus asks it here, the answer decision (`PolicyAssistant.weigh`) after the search."""
        doc_ids: tuple[str, ...] = ()
        if scope.restricted:
            # Every question builds its scope's id tuple anew (~2,000 ids for a LawRefBook
            # province): one kept copy per scope, so that the remembered lookups do not each
            # hold their own; past `_SCOPES_KEPT` scopes both are forgotten.
            if len(self._scopes) >= _SCOPES_KEPT and scope.doc_ids not in self._scopes:
                self._scopes.clear()
                self._mentioned_in.cache_clear()
            doc_ids = self._scopes.setdefault(scope.doc_ids, scope.doc_ids)
        return lambda text: self._mentioned_in(text, doc_ids)

    def _english(self, text: str, region_words: tuple[str, ...]) -> EnglishReading:
        """The dictionary's reading of the English words of `text`, place names left out (the
        gazetteer has read them: "Sanmenxia", "Tianjin")."""
        if self.glossary is None:
            return EnglishReading()
        for word in sorted(region_words, key=len, reverse=True):
            text = text.replace(word, " ")
        return self.glossary.translate(text)

    def _scope(self, question: str, region: str | None,
               mentions: list[Mention]) -> RegionScope:
        """Documents the question names win; otherwise the region asked or named."""
        named = self.named_documents.named(question)
        if named:
            return RegionScope(doc_ids=named, documents=named)
        return self.regions.explicit(region) if region else self.regions.scope_of(mentions)

    def _chinese_place_names(self, mentions: Sequence[Mention],
                             scope: RegionScope) -> tuple[str, ...]:
        """The Chinese names of the places a question writes in pinyin ("Dongli District" →
        东丽区) below the regions of the documents it searches: a Chinese question holds them
        in the text its lexical channels score, so that a district picks out its row of a city's
        table; an English one would hold only the pinyin, which no clause contains. The place
        a document is about, and those enclosing it, are left out: they scope the search, and
        inside the document they only favour the clauses that happen to repeat them (measured:
        "How many training sessions does Tianjin plan…" lost its gold clause from 3rd to 7th
        with 天津市 added). Full names hold their levels (天津市东丽区), so a place below a
        document's region is one whose name extends the region's."""
        in_pinyin = [m for m in mentions if m.alias.isascii()]
        if not in_pinyin:  # every Chinese question: its scope's documents are not read
            return ()
        own = {self._region_of[d] for d in scope.doc_ids}
        return tuple(dict.fromkeys(
            m.region.short_name for m in in_pinyin if any(
                m.region.name != region and m.region.name.startswith(region) for region in own)))

    def with_calendar_years(self, question: str, doc_ids: Sequence[str]) -> str:
        """The question with a year of a plan (头一年, 最后一年) written as the calendar year, when
        the documents it searches (`doc_ids`; every one when empty) run over one period
        (`plan_years`)."""
        if not mentions_plan_year(question):
            return question
        searched = [d for d in doc_ids if d in self._by_id] or list(self._by_id)
        return calendar_years(question, [self._period(doc_id) for doc_id in searched])

    def _period(self, doc_id: str) -> tuple[int, int] | None:
        if doc_id not in self._periods:  # read once per document, on the first question asking
            self._periods[doc_id] = document_period(self._by_id[doc_id])
        return self._periods[doc_id]

    def _referenced(self, question: str, scope: RegionScope) -> tuple[Clause, ...]:
        labels = reference_labels(question)
        if not labels:  # most questions: the documents are not even listed
            return ()
        documents = [d for d in self.documents
                     if not scope.restricted or d.doc_id in scope.doc_ids]
        return tuple(clauses_for_labels(labels, documents))


__all__ = ["QuestionAnalyser"]
