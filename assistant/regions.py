"""Inferring which documents a question is about from the regions it names.

A question about one region ("三门峡…", "Sanmenxia …", "河南…") is answered from that region's
documents only; a region without documents ("北京市…") is reported as unknown so the answer can
say plainly that the corpus has nothing for it.
"""

from __future__ import annotations


from corpus import Document, Region
from corpus.errors import InputError
from corpus.gazetteer import Gazetteer, Mention, default_gazetteer

from assistant.records import RegionScope


def covers(named: Region, document_region: Region) -> bool:
    """Whether a document of `document_region` belongs to the region a question names."""
    if named.district:
        return document_region.district == named.district
    if named.city:
        return document_region.city == named.city
    return document_region.province == named.province


def _encloses(document_region: Region, named: Region) -> bool:
    """Whether a document for a whole larger region applies to `named` inside it: a 天津市
    document answers for 滨海新区, now that the gazetteer knows every district by name."""
    if document_region.district or document_region.is_national:
        return False
    if document_region.city:
        return named.city == document_region.city and named.province == document_region.province
    return named.province == document_region.province and (named.city or named.district) is not None


class RegionResolver:
    def __init__(self, documents: list[Document], gazetteer: Gazetteer | None = None):
        self.documents = documents
        self.gazetteer = gazetteer or default_gazetteer()
        # Region -> its documents. The documents are fixed for a resolver (one per index
        # version), and testing every document per request cost ~15 ms at LawRefBook's 3,471
        # documents — most of a region-scoped /search. Concurrent requests may both fill an
        # entry; they write the same value.
        self._docs_for: dict[Region, tuple[str, ...]] = {}

    def docs_for(self, region: Region) -> tuple[str, ...]:
        """The region's own documents, those of regions enclosing it, and national ones (全国
        documents apply everywhere)."""
        found = self._docs_for.get(region)
        if found is None:
            found = self._docs_for[region] = tuple(
                d.doc_id for d in self.documents
                if covers(region, d.region) or _encloses(d.region, region)
                or d.region.is_national)
        return found

    def infer(self, question: str) -> RegionScope:
        """The scope implied by the regions a question names (all documents if none)."""
        return self.scope_of(self.gazetteer.mentions(question))

    def scope_of(self, mentions: list[Mention]) -> RegionScope:
        """The scope of the regions the gazetteer found in a question."""
        named: list[Region] = []
        unknown: list[Region] = []
        doc_ids: list[str] = []
        for mention in mentions:
            # The gazetteer knows every county, so a district without documents (a sibling of
            # one that has them) is named as itself and reported unknown, never widened.
            region = mention.region
            if region in named or region in unknown:
                continue
            found = self.docs_for(region)
            if found:
                named.append(region)
                doc_ids.extend(d for d in found if d not in doc_ids)
            else:
                unknown.append(region)
        return RegionScope(tuple(doc_ids), tuple(named), tuple(unknown))

    def names(self) -> list[str]:
        """The names and aliases of the regions that have documents, each one `explicit`
        accepts (what the API schema lists for its `region` field)."""
        candidates = dict.fromkeys(name for d in self.documents
                                   for name in (d.region.name, *d.region.aliases) if name)
        accepted = []
        for name in candidates:
            try:
                self.explicit(name)
            except InputError:
                continue
            accepted.append(name)
        return sorted(accepted)

    def explicit(self, name: str) -> RegionScope:
        """The scope for a `region` request field: a region name or alias."""
        region = self.gazetteer.by_name(name.strip())
        if region is None:
            region = next((d.region for d in self.documents
                           if name.strip() in (d.region.name, *d.region.aliases)), None)
        if region is None or not self.docs_for(region):
            known = sorted({d.region.name for d in self.documents})
            raise InputError(f"unknown region {name!r}: the corpus has documents for "
                             f"{', '.join(known)}", field="region")
        return RegionScope(self.docs_for(region), (region,), ())
