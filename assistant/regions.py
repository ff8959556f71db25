"""Inferring which documents a question is about from the regions it names.

A question about one region ("三门峡…", "Sanmenxia …", "河南…") is answered from that region's
documents only; a region without documents ("北京市…") is reported as unknown so the answer can
say plainly that the corpus has nothing for it.
"""

from __future__ import annotations

import re

from corpus import Document, Region
from corpus.errors import InputError
from corpus.gazetteer import Gazetteer, default_gazetteer

from assistant.records import RegionScope


# A county-level unit written right after a region name: 枣庄市薛城区, 重庆渝中区.
_SUB_REGION = re.compile(r"[\u4e00-\u9fff]{1,3}?[区县旗]")
# Words ending in 区/县 that are not place names.
_NOT_PLACES = {"市区", "城区", "辖区", "园区", "社区", "地区", "全区", "各区", "本区", "郊区", "库区",
               "景区", "新区", "全县", "各县", "本县", "区县", "各区县", "全市区"}


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

    def docs_for(self, region: Region) -> tuple[str, ...]:
        return tuple(d.doc_id for d in self.documents
                     if covers(region, d.region) or _encloses(d.region, region))

    def infer(self, question: str) -> RegionScope:
        """The scope implied by the regions a question names (all documents if none)."""
        named: list[Region] = []
        unknown: list[Region] = []
        doc_ids: list[str] = []
        for mention in self.gazetteer.mentions(question):
            region = self._sub_region(question, mention) or mention.region
            if region in named or region in unknown:
                continue
            found = self.docs_for(region)
            if found:
                named.append(region)
                doc_ids.extend(d for d in found if d not in doc_ids)
            else:
                unknown.append(region)
        return RegionScope(tuple(doc_ids), tuple(named), tuple(unknown))

    def _sub_region(self, question: str, mention) -> Region | None:
        """A county-level place named under a region whose documents are all more specific.

        "枣庄市薛城区" must not be answered from the 台儿庄区 document just because both are in
        枣庄市; a district under 天津市 (whose document covers the whole city) stays in scope.
        """
        region = mention.region
        if region.district:
            return None
        found = _SUB_REGION.match(question, mention.start + len(mention.alias))
        if found is None or found.group(0) in _NOT_PLACES or \
                self.gazetteer.by_name(found.group(0)) is not None:
            return None
        documents = [d for d in self.documents if covers(region, d.region)]
        if not documents or not all(d.region.district for d in documents):
            return None
        return Region(name=region.name + found.group(0), province=region.province,
                      city=region.city, district=found.group(0), aliases=(found.group(0),))

    def explicit(self, name: str) -> RegionScope:
        """The scope for a `region` request field: a region name or alias."""
        region = self.gazetteer.by_name(name.strip())
        if region is None:
            region = next((d.region for d in self.documents
                           if name.strip() in (d.region.name, *d.region.aliases)), None)
        known = sorted({d.region.name for d in self.documents})
        if region is None or not self.docs_for(region):
            raise InputError(f"unknown region {name!r}: the corpus has documents for "
                             f"{', '.join(known)}")
        return RegionScope(self.docs_for(region), (region,), ())
