"""Versioned index folders: incremental adds encode only the new clauses, atomic switches,
refusal of mismatched versions, and syncing a changed corpus at start-up.

Real documents, the real store and the deterministic hash encoder; the only wrapper counts
texts at the encoder boundary.
"""

from __future__ import annotations

import json
import shutil
from dataclasses import replace

import numpy as np
import pytest

from corpus import SHIPPED_CORPUS, read_corpus
from corpus.errors import IndexStateError
from index import versions
from index.encoders import HashEncoder, WrappedEncoder
from index.store import (
    apply_changes,
    build_index,
    load_index,
    load_or_build,
    mismatch,
    read_params,
)
from index.sentences import sentences
from index.updates import CorpusUpdater


class CountingEncoder(WrappedEncoder):
    """The hash encoder, counting how many texts it is asked to encode."""

    def __init__(self, dim: int = 256):
        super().__init__(HashEncoder(dim))
        self.texts = 0

    def encode(self, texts, *, is_query: bool = False) -> np.ndarray:
        if not is_query:
            self.texts += len(texts)
        return self.inner.encode(texts, is_query=is_query)


def _renamed(document, doc_id: str):
    clauses = tuple(replace(c, doc_id=doc_id, clause_id=f"{doc_id}/{c.key}",
                            text=c.text + f"（{doc_id}）") for c in document.clauses)
    return replace(document, doc_id=doc_id, clauses=clauses)


@pytest.fixture()
def shipped():
    return list(read_corpus().documents)


def test_add_encodes_only_the_new_documents_clauses(tmp_path, shipped):
    encoder = CountingEncoder()
    folder = tmp_path / "index"
    first = build_index(shipped[:4], encoder, folder, corpus_hash="a")
    # A vector per clause and one per sentence of each clause of several (`index.sentences`).
    assert len(first.sentences) > len(first.clauses) / 2
    assert encoder.texts == len(first.clauses) + len(first.sentences)
    encoder.texts = 0
    second = apply_changes(folder, encoder=encoder, corpus_hash="b", add=[shipped[4]])
    new_sentences = sum(len(sentences(c.text)) for c in shipped[4].clauses)
    assert new_sentences > 0
    assert encoder.texts == len(shipped[4].clauses) + new_sentences
    assert second.params.encoded_clauses == len(shipped[4].clauses)
    assert second.params.reused_clauses == len(first.clauses)
    assert versions.current_name(folder) == second.version != first.version
    # The stored vectors are exactly what a full encoding gives.
    full = build_index(shipped[:4] + [shipped[4]], HashEncoder(), tmp_path / "full",
                       corpus_hash="b")
    assert np.allclose(np.load(second.folder / "vectors.npy"),
                       np.load(full.folder / "vectors.npy"))
    assert np.allclose(second.sentences.vectors, full.sentences.vectors)
    assert np.array_equal(second.sentences.rows, full.sentences.rows)
    loaded = load_index(folder)
    assert loaded.version == second.version
    assert loaded.document("baicheng-2019") is not None
    # A loaded flat index reads the version's vectors through the page cache (shared by the
    # server's worker processes), with the same scores as the vectors in memory.
    assert loaded.dense.memory_mapped
    query = np.load(second.folder / "vectors.npy")[3]
    assert np.allclose(loaded.dense.scores_all(query), second.dense.scores_all(query))


def test_replace_and_remove_keep_the_rest(tmp_path, shipped):
    encoder = CountingEncoder()
    folder = tmp_path / "index"
    build_index(shipped, encoder, folder, corpus_hash="a")
    changed = shipped[0]
    edited = replace(changed, clauses=(replace(changed.clauses[0], text="全新的条款文字。"),
                                       *changed.clauses[1:]))
    encoder.texts = 0
    updated = apply_changes(folder, encoder=encoder, corpus_hash="b", add=[edited])
    assert encoder.texts == 1  # only the edited clause's text is new
    assert [d.doc_id for d in updated.documents] == [d.doc_id for d in shipped]
    assert updated.document(changed.doc_id).clauses[0].text == "全新的条款文字。"
    encoder.texts = 0
    removed = apply_changes(folder, encoder=encoder, corpus_hash="c", remove=[changed.doc_id])
    assert encoder.texts == 0
    assert removed.document(changed.doc_id) is None
    assert len(removed.clauses) == sum(len(d.clauses) for d in shipped[1:])
    with pytest.raises(IndexStateError, match="not in the index"):
        apply_changes(folder, encoder=encoder, corpus_hash="d", remove=["nowhere"])


def test_old_versions_are_pruned_after_the_switch(tmp_path, shipped):
    folder = tmp_path / "index"
    encoder = HashEncoder()
    build_index(shipped, encoder, folder, corpus_hash="a")
    for n in range(3):
        apply_changes(folder, encoder=encoder, corpus_hash=str(n),
                      add=[_renamed(shipped[0], f"copy-{n}")])
    kept = sorted(p.name for p in versions.versions_dir(folder).iterdir())
    assert kept == ["000003", "000004"]
    assert versions.current_name(folder) == "000004"


def test_loading_refuses_a_mismatch(tmp_path, shipped):
    folder = tmp_path / "index"
    build_index(shipped, HashEncoder(256), folder, corpus_hash="a")
    params = read_params(folder)
    assert mismatch(params, encoder_id="hash-256", corpus_hash="a", dense_kind="flat") is None
    assert "encoder" in mismatch(params, encoder_id="hash-128", corpus_hash="a",
                                 dense_kind="flat")
    assert "corpus changed" in mismatch(params, encoder_id="hash-256", corpus_hash="b",
                                        dense_kind="flat")
    # Another encoder: load_or_build writes a new version and encodes everything.
    other = CountingEncoder(128)
    index, reason = load_or_build(folder, encoder=other, load_corpus=lambda: shipped,
                                  corpus_hash="a")
    assert "encoder" in reason and other.texts == len(index.clauses) + len(index.sentences)
    assert index.params.encoder_id == "hash-128"


def test_an_index_cut_by_another_tokenizer_is_retokenized_keeping_its_vectors(tmp_path, shipped):
    """Stop words or jieba changed since the build: the BM25 vocabulary no longer meets the
    queries' tokens, so the index is rebuilt, but no clause is encoded again."""
    from index.lexical import TOKENIZER_ID

    folder = tmp_path / "index"
    built = build_index(shipped, HashEncoder(256), folder, corpus_hash="a")
    assert built.params.tokenizer_id == TOKENIZER_ID
    # What an index written by an older release looks like: a stale token for a stop word.
    version = versions.current_version(folder)
    params = json.loads((version / "params.json").read_text("utf-8"))
    params["tokenizer_id"] = "an-older-one"
    (version / "params.json").write_text(json.dumps(params), "utf-8")
    stale = read_params(folder)
    assert "tokenizer" in mismatch(stale, encoder_id="hash-256", corpus_hash="a",
                                   dense_kind="flat")
    counting = CountingEncoder(256)
    index, reason = load_or_build(folder, encoder=counting, load_corpus=lambda: shipped,
                                  corpus_hash="a")
    assert "tokenizer" in reason
    assert counting.texts == 0 and index.params.reused_clauses == len(index.clauses)
    assert index.params.tokenizer_id == TOKENIZER_ID
    assert np.array_equal(np.load(index.folder / "vectors.npy"),
                          np.load(built.folder / "vectors.npy"))
    # Loaded again: nothing left to do.
    again, reason = load_or_build(folder, encoder=counting, load_corpus=lambda: shipped,
                                  corpus_hash="a")
    assert reason is None and again.version == index.version != built.version


def test_a_damaged_version_is_refused_with_advice(tmp_path, shipped):
    folder = tmp_path / "index"
    built = build_index(shipped, HashEncoder(), folder, corpus_hash="a")
    (built.folder / "vectors.npy").write_bytes(b"garbage")
    with pytest.raises(IndexStateError, match="policy-assistant index"):
        load_index(folder)


def test_stale_staging_is_removed_by_the_next_writer(tmp_path, shipped):
    folder = tmp_path / "index"
    build_index(shipped, HashEncoder(), folder, corpus_hash="a")
    stale = versions.versions_dir(folder) / f"{versions.STAGING_PREFIX}99999-1"
    stale.mkdir()
    (stale / "vectors.npy").write_bytes(b"half")
    apply_changes(folder, encoder=HashEncoder(), corpus_hash="b", remove=["tianjin-2019"])
    assert not stale.exists()


def test_startup_sync_encodes_only_the_changed_file(tmp_path):
    corpus = tmp_path / "corpus"
    shutil.copytree(SHIPPED_CORPUS / "seeds", corpus)
    updater = CorpusUpdater(corpus_dir=corpus, library_dir=tmp_path / "library",
                            index_dir=tmp_path / "index", encoder=CountingEncoder())
    index, reason = updater.open()
    assert reason is not None and \
        updater.encoder.texts == len(index.clauses) + len(index.sentences)
    again, reason = updater.open()
    assert reason is None and again.version == index.version
    path = corpus / "qijiang-2019.txt"
    path.write_text(path.read_text(encoding="utf-8").replace("新型学徒制", "新型学徒培养制"),
                    encoding="utf-8")
    changed = [c for c in next(d for d in read_corpus(corpus).documents
                               if d.extra["corpus_file"] == "qijiang-2019.txt").clauses
               if "新型学徒培养制" in c.text or any("新型学徒培养制" in p for p in c.section_path)]
    updater.encoder.texts = 0
    synced, reason = updater.open()
    assert reason == "the corpus changed since the index was built"
    assert 0 < updater.encoder.texts <= sum(1 + len(sentences(c.text)) for c in changed)
    assert synced.version != index.version


def test_failures_are_persisted_with_the_version(tmp_path):
    corpus = tmp_path / "corpus"
    shutil.copytree(SHIPPED_CORPUS / "seeds", corpus)
    (corpus / "scan.pdf").write_bytes(b"%PDF-1.4 no text layer at all")
    updater = CorpusUpdater(corpus_dir=corpus, library_dir=tmp_path / "library",
                            index_dir=tmp_path / "index", encoder=HashEncoder())
    index, _ = updater.open()
    assert [f.file for f in index.failures] == ["scan.pdf"]
    assert [f.file for f in load_index(tmp_path / "index").failures] == ["scan.pdf"]
    stored = json.loads((index.folder / "failures.json").read_text(encoding="utf-8"))
    assert stored[0]["file"] == "scan.pdf" and stored[0]["reason"]
    assert index.params.failed_count == 1


def test_sentence_vectors_can_be_turned_off_and_on_again(tmp_path, shipped):
    """The setting is part of what an index must match: switched off, the index is rebuilt
    with no sentence encoded and the clause vectors reused; switched on again, only the
    sentences are encoded."""
    folder = tmp_path / "index"
    built = build_index(shipped, HashEncoder(256), folder, corpus_hash="a")
    assert built.params.sentence_vectors and len(built.sentences) > 0
    assert "turns them off" in mismatch(built.params, encoder_id="hash-256",
                                                  corpus_hash="a", dense_kind="flat",
                                                  sentence_vectors=False)
    counting = CountingEncoder(256)
    off, reason = load_or_build(folder, encoder=counting, load_corpus=lambda: shipped,
                                corpus_hash="a", sentence_vectors=False)
    assert "sentence vectors" in reason
    assert counting.texts == 0 and len(off.sentences) == 0 and not off.params.sentence_vectors
    assert load_index(folder).params.sentence_vectors is False
    # An update keeps the setting of the updater.
    updated = apply_changes(folder, encoder=counting, corpus_hash="b",
                            remove=["tianjin-2019"], sentence_vectors=False)
    assert len(updated.sentences) == 0 and counting.texts == 0
    on, reason = load_or_build(folder, encoder=counting, load_corpus=lambda: shipped,
                               corpus_hash="a")
    assert "sentence vectors" in reason or "corpus changed" in reason
    assert on.params.sentence_vectors and len(on.sentences) == len(built.sentences)
    assert counting.texts == len(on.sentences) + on.params.encoded_clauses
