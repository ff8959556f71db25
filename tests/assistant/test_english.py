"""English questions get the corpus's Chinese words for their phrases from CC-CEDICT."""

from __future__ import annotations

from assistant.english import EnglishGlossary, english_index, english_words
from assistant.service import AssistantConfig, PolicyAssistant


def test_the_dictionary_is_cc_cedict_indexed_by_stemmed_english_glosses():
    index = english_index()
    assert len(index) > 50_000  # CC-CEDICT's glosses of words of two or more characters
    key = " ".join(["subsidi"])  # "subsidy" and "subsidies" share the Snowball stem
    assert "补贴" in index[key]
    # A gloss of several words is a phrase of its own, and glosses that point elsewhere
    # ("variant of", measure words "CL:") are not meanings.
    assert any(key.count(" ") == 3 for key in index)
    assert not any(key.startswith(("cl ", "variant of")) for key in index)


def test_english_words_split_hyphens_and_possessives():
    assert english_words("Qijiang's work-for-training subsidy?") == [
        "qijiang", "work", "for", "training", "subsidy"]


def test_the_corpus_word_used_most_is_taken_for_a_phrase(hash_assistant):
    glossary = EnglishGlossary(hash_assistant.index.mention_count, per_phrase=1)
    reading = glossary.translate("Do apprentices get subsidies?")
    # "subsidies" glosses 补贴, 补助, 资助…; the training plans say 补贴 most.
    counts = {w: hash_assistant.index.mention_count(w) for w in ("补贴", "补助", "资助")}
    assert max(counts, key=counts.get) == "补贴"
    assert reading.words == ("学徒", "补贴")
    assert reading.missing == ()


def test_a_phrase_no_clause_uses_is_a_missing_key_term(hash_assistant):
    """"driver's licence" has Chinese words in the dictionary, none in the training plans: the
    question then has a key term the corpus lacks, as 驾照 would be in a Chinese question."""
    glossary = EnglishGlossary(hash_assistant.index.mention_count, per_phrase=1)
    reading = glossary.translate("How do I renew a driver's licence?")
    assert reading.missing, reading
    assert not any(hash_assistant.mentioned(word) for word in reading.missing)
    analysis = hash_assistant.analyse("How do I renew a driver's licence?")
    assert any(not hash_assistant.mentioned(term) for term in analysis.terms), analysis.terms
    assert not set(reading.missing) & set(analysis.synonyms)


def test_a_missing_phrase_reads_as_its_commonest_chinese_word():
    """No clause of a corpus without words for "private" uses any of its glosses; the key term
    the corpus lacks is the commonest of them in general Chinese (私人), not whichever the
    dictionary lists first (列兵, a private soldier)."""
    glossary = EnglishGlossary(lambda word: 0, per_phrase=1)
    reading = glossary.translate("Is this school private?")
    assert "私人" in reading.missing and "列兵" not in reading.missing


def test_a_chinese_question_never_loads_or_reads_the_dictionary(hash_assistant):
    glossary = EnglishGlossary(lambda word: 1 / 0)  # would fail if it were asked anything
    assert glossary.translate("三门峡以工代训补贴标准是多少？").words == ()


def test_the_words_join_the_lexical_query_and_bring_up_the_clause(hash_assistant):
    """With the hash encoder only the lexical channels read meaning: the clause on new-style
    apprentices ranks first for an English question only through the dictionary's words."""
    question = "How many apprentices will Baicheng train?"
    analysis = hash_assistant.analyse(question)
    assert "学徒" in analysis.synonyms and "学徒" in analysis.terms
    query = hash_assistant.retriever.lexical_query(question, analysis.synonyms)
    assert "学徒" in query
    without = PolicyAssistant(hash_assistant.index, hash_assistant.retriever.encoder,
                              config=AssistantConfig(english_words_per_phrase=0))
    assert without.analyse(question).synonyms == ()
    top = hash_assistant.search(question, top_k=1)[0].clause
    assert top.doc_id == "baicheng-2019" and "学徒" in top.text
    assert "学徒" not in without.search(question, top_k=1)[0].clause.text


def test_a_deployment_can_switch_the_dictionary_off(hash_settings):
    from api.deps import assistant_config

    assert assistant_config(hash_settings).english_words_per_phrase > 0
    off = hash_settings.model_copy(update={"english_dictionary": False})
    assert assistant_config(off).english_words_per_phrase == 0
    assert assistant_config(off).synonyms_per_term > 0


def test_british_spellings_meet_the_dictionary_s_american_ones():
    index = english_index()
    from assistant.english import _phrase_key

    for british, american in [("driver's licence", "driver's license"), ("labour", "labor"),
                              ("organisation", "organization"), ("favourable", "favorable")]:
        assert _phrase_key(english_words(british)) == _phrase_key(english_words(american))
    assert "驾照" in index[_phrase_key(english_words("driver's licence"))]


def test_a_district_in_pinyin_is_searched_by_its_chinese_name(hash_assistant):
    """Tianjin's plan lists its districts' quotas as rows of one table. A Chinese question
    holds 东丽区 in the text the lexical channels score; the English one holds "Dongli
    District", which no clause contains, so its Chinese name joins the lexical query and the
    district's row comes first. The city the plan is about is not added: it scopes the search
    and says nothing about which of its clauses answers."""
    question = "How many subsidized training places were allocated to Dongli District in 2019?"
    analysis = hash_assistant.analyse(question)
    assert analysis.scope.doc_ids == ("tianjin-2019",)
    assert "东丽区" in analysis.synonyms
    top = hash_assistant.search(question, top_k=1)[0].clause
    assert top.doc_id == "tianjin-2019" and "东丽区" in top.text, top.text
    # The row is quoted: the question picks it out, as 东丽区 would in Chinese (`tables`).
    answer = hash_assistant.answer(question)
    assert answer.status == "answered" and answer.hits[0].clause == top
    assert "[1]" in answer.text and "11000" in answer.text, answer.text
    city = hash_assistant.analyse("How many training sessions does Tianjin plan in total?")
    assert city.scope.doc_ids == ("tianjin-2019",)
    assert not {"天津市", "天津"} & set(city.synonyms), city.synonyms
