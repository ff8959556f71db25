"""The thesaurus adds the corpus's words for question words the corpus never uses."""

from __future__ import annotations

from assistant.service import AssistantConfig, PolicyAssistant
from assistant.synonyms import Thesaurus, synonym_groups


def test_the_thesaurus_holds_synonym_groups_only():
    groups = synonym_groups()
    assert "退役" in groups["退伍"]
    assert "竞赛" in groups["比赛"]
    # 妇孺 is in a related-words group (#) of 人民, never a synonym (=) of it
    assert "妇孺" not in groups.get("人民", ())
    assert all(word not in synonyms for word, synonyms in list(groups.items())[:2000])


def test_only_absent_terms_are_expanded_and_only_into_words_the_corpus_uses(hash_assistant):
    mentioned = hash_assistant.mentioned
    assert not mentioned("退伍") and mentioned("退役")
    assert mentioned("培训")  # a term the corpus uses stays as it is
    thesaurus = Thesaurus(mentioned, per_term=3)
    found = thesaurus.expansions(["退伍", "培训"])
    assert "退役" in found
    assert all(mentioned(word) for word in found)
    assert not set(found) & set(groups_of("培训"))


def groups_of(word: str) -> tuple[str, ...]:
    return synonym_groups().get(word, ())


def test_per_term_bounds_the_expansion(hash_assistant):
    terms = ["公司", "孩子", "比赛"]
    one = Thesaurus(hash_assistant.mentioned, per_term=1).expansions(terms)
    many = Thesaurus(hash_assistant.mentioned, per_term=5).expansions(terms)
    assert len(one) <= len(terms) and set(one) <= set(many)
    assert len(many) > len(one)


def test_the_analysis_carries_the_synonyms_into_every_search(hash_assistant):
    analysis = hash_assistant.analyse("我刚退伍回天津，想学个技术，培训给补贴吗")
    assert "退役" in analysis.synonyms
    # A bare search does not keep the key terms, but still gets the synonyms.
    bare = hash_assistant.analyse("退伍军人培训", with_terms=False)
    assert bare.terms == () and "退役" in bare.synonyms
    query = hash_assistant.retriever.lexical_query(analysis.question, analysis.synonyms)
    assert query.startswith(analysis.question) and "退役" in query


def test_the_synonym_brings_up_the_clause_that_uses_it(hash_assistant):
    """With the hash encoder only the lexical channels read meaning: 白城's clause on training
    retired soldiers (开展退役军人职业技能培训) comes first for 退伍 only through the thesaurus."""
    question = "白城对退伍的人有什么技能培训"
    without = PolicyAssistant(hash_assistant.index, hash_assistant.retriever.encoder,
                              config=AssistantConfig(synonyms_per_term=0))
    assert without.analyse(question).synonyms == ()
    wanted = "baicheng-2019/2.2.p4"
    assert "退役军人" in hash_assistant.clause(wanted)[0].text
    assert hash_assistant.search(question, top_k=1)[0].clause.clause_id == wanted
    assert without.search(question, top_k=1)[0].clause.clause_id != wanted


def test_a_compound_the_thesaurus_lacks_is_read_as_its_parts(hash_assistant):
    thesaurus = Thesaurus(hash_assistant.mentioned, per_term=3)
    assert "退伍军人" not in synonym_groups() or not thesaurus._usable("退伍军人", [])
    assert thesaurus._parts("退伍军人") == ["退伍", "军人"]
    assert "退役" in thesaurus.expansions(["退伍军人"])


def test_a_deployment_can_switch_the_thesaurus_off(hash_settings):
    from api.deps import assistant_config

    assert assistant_config(hash_settings).synonyms_per_term > 0
    off = hash_settings.model_copy(update={"thesaurus": False})
    assert assistant_config(off).synonyms_per_term == 0


def test_a_scoped_question_gets_synonyms_for_words_its_documents_never_use(hash_assistant):
    """白城's plan says 女性 where others say 妇女: asked of 白城, 妇女 gets 女性; asked of the
    whole corpus, which uses 妇女, it gets nothing."""
    index = hash_assistant.index
    assert index.mentions("妇女") and not index.mentions("妇女", ("baicheng-2019",))
    assert index.mentions("女性", ("baicheng-2019",))
    assert "女性" in hash_assistant.analyse("白城对妇女有什么技能培训？").synonyms
    assert "女性" not in hash_assistant.analyse("妇女有什么技能培训？").synonyms


def test_the_remembered_scope_lookups_hold_one_copy_of_each_scope(hash_assistant):
    """Each question builds its scope's id tuple anew; the remembered lookups are asked with
    one kept copy of it, and a second question about the same place asks nothing again."""
    from assistant.analysis import QuestionAnalyser

    asked: list[tuple[str, tuple[str, ...]]] = []

    def mentioned(text: str, doc_ids: tuple[str, ...] = ()) -> bool:
        asked.append((text, doc_ids))
        return hash_assistant.index.mentions(text, doc_ids)

    index = hash_assistant.index
    analyser = QuestionAnalyser(index.documents, index.lexical.tokenizer,
                                hash_assistant.gazetteer,
                                Thesaurus(hash_assistant.mentioned), mentioned=mentioned)
    first = analyser.analyse("白城对妇女有什么技能培训？")
    scoped = [ids for _, ids in asked if ids]
    assert scoped and "女性" in first.synonyms
    asked.clear()
    second = analyser.analyse("白城对妇女有什么技能培训？")
    assert second.scope.doc_ids is not first.scope.doc_ids  # built anew…
    assert asked == [] and second.synonyms == first.synonyms  # …but nothing asked again
    third = analyser.analyse("白城对家庭妇女和退伍的人有什么培训？")  # new words, same place
    new = [ids for _, ids in asked if ids]
    assert new and third.scope.doc_ids is not first.scope.doc_ids
    # The lookups remember the first copy of the scope, not one tuple per question.
    assert all(ids is first.scope.doc_ids for ids in scoped + new)
    # A question about the whole corpus is remembered too: asked again, it asks nothing.
    analyser.analyse("退伍军人有什么技能培训？")
    assert any(not ids for _, ids in asked)
    asked.clear()
    analyser.analyse("退伍军人有什么技能培训？")
    assert asked == []
