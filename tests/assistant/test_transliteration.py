"""English questions name Chinese things in pinyin; the corpus's names for them are found."""

from __future__ import annotations

from assistant.english import EnglishGlossary, _phrase_key, english_index
from assistant.transliteration import NameReader, syllable_splits


def _reader(assistant) -> NameReader:
    index = assistant.index
    return NameReader(index.mention_count, index.bigrams.holds, index.lexical.tokenizer.is_term,
                      lambda word: _phrase_key([word]) in english_index())


def test_a_word_splits_into_pinyin_syllables_every_way_it_can():
    assert syllable_splits("luban") == [("lu", "ban")]
    assert ("xi", "an") in syllable_splits("xian")
    assert ("tai", "er", "zhuang") in syllable_splits("Tai'erzhuang")
    assert syllable_splits("training") == []  # "ing" is no syllable
    assert syllable_splits("ban") == []  # one syllable is no name


def test_the_corpus_names_a_pinyin_word_reads_as(hash_assistant):
    reader = _reader(hash_assistant)
    assert reader.names("What does the plan say about Luban Workshops?") == ("鲁班",)
    # Two unknown words in a row are read as one name first: the brand 吉林三姐, the policy
    # 以工代训, not their halves.
    assert "吉林三姐" in reader.names('What is the "Jilin Sanjie" brand?')
    assert reader.names("Who gets the Yigong Daixun subsidy?") == ("以工代训",)
    # English words are left to the dictionary; a common noun (户口) is not a name.
    assert reader.names("What do the Workshops teach?") == ()
    assert reader.names("Does my Hukou matter?") == ()
    # A string the corpus holds across two words is no name: 培训补贴 holds 训补 ("Xunbu"), a
    # string neither jieba's dictionary nor the corpus's terms list.
    assert hash_assistant.mentioned("训补")
    assert reader.names("What about Xunbu?") == ()
    for name in ("鲁班", "吉林三姐", "以工代训"):
        assert hash_assistant.mentioned(name)


def test_a_pinyin_name_joins_the_lexical_query_and_finds_its_clause(hash_assistant):
    """With the hash encoder only the lexical channels read meaning: 鲁班工坊 is found only
    through the name read off "Luban"."""
    question = "What does Tianjin's plan say about Luban Workshops?"
    analysis = hash_assistant.analyse(question)
    assert "鲁班" in analysis.synonyms and "鲁班" in analysis.terms
    top = hash_assistant.search(question, top_k=1)[0].clause
    assert top.doc_id == "tianjin-2019" and "鲁班工坊" in top.text, top.text
    plain = EnglishGlossary(hash_assistant.index.mention_count)  # no names read
    assert "鲁班" not in plain.translate(question).words


def test_reading_is_bounded_for_words_too_ambiguous_and_for_long_texts(hash_assistant,
                                                                       monkeypatch):
    """A word of the commonest syllables (yiyiyiyi) multiplies its candidates past any real
    name's; past the bound on pair lookups it is read as no name. And only the first few unknown
    capitalised words of a question are read: a pasted text is not read name by name."""
    import assistant.transliteration as transliteration

    assert _reader(hash_assistant).names_for("Luban") == ["鲁班"]
    monkeypatch.setattr(transliteration, "_PAIR_LOOKUPS", 100)
    assert _reader(hash_assistant).names_for("Luban") == []
    monkeypatch.undo()
    filler = " ".join(["Qoqoqo"] * transliteration._WORDS_READ)  # not pinyin: read as nothing
    assert _reader(hash_assistant).names(f"What about {filler} Luban?") == ()
    assert _reader(hash_assistant).names(f"What about Luban {filler}?") == ("鲁班",)
