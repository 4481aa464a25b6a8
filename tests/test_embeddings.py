"""Embedding backends and the on-disk cache."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

import convolab as cl
from convolab.embeddings import EmbeddingCache, embed, get_embedder, minilm_path

ROOT = Path(__file__).resolve().parents[1]


class CountingEmbedder:
    """A fake backend that records what it was asked to encode."""

    name = "fake"
    fingerprint = "fake-v1"
    uses_cache = True

    def __init__(self):
        self.calls: list[list[str]] = []

    def encode(self, texts, progress=False):
        self.calls.append(list(texts))
        return np.array([[len(t), t.count("a"), 1.0] for t in texts], dtype=np.float32)


def test_cache_hits_skip_encoding(tmp_path):
    fake = CountingEmbedder()
    first = embed(["a cat", "a dog", "a cat"], fake, cache_dir=tmp_path)
    assert fake.calls == [["a cat", "a dog"]]  # duplicates encoded once
    again = embed(["a dog", "a cat", "an eel"], fake, cache_dir=tmp_path)
    assert fake.calls[-1] == ["an eel"]  # only the new text
    np.testing.assert_array_equal(again[:2], first[[1, 0]])
    assert EmbeddingCache(tmp_path, "fake-v1").path.is_file()


def test_a_change_of_code_never_reads_vectors_older_code_computed(tmp_path, monkeypatch):
    from convolab import embedding_cache

    fake = CountingEmbedder()
    embed(["a cat"], fake, cache_dir=tmp_path)
    path = EmbeddingCache(tmp_path, "fake-v1").path
    assert path.parent.name == f"code-{embedding_cache.code_version(*embedding_cache.EMBEDDING_CODE)}"
    monkeypatch.setattr(embedding_cache, "code_version", lambda *files: "edited")
    embed(["a cat"], fake, cache_dir=tmp_path)
    assert fake.calls == [["a cat"], ["a cat"]]  # encoded again by the "new" code
    assert EmbeddingCache(tmp_path, "fake-v1").path != path


def test_the_code_version_follows_the_source():
    from convolab.embedding_cache import code_version

    assert code_version("embeddings.py") == code_version("embeddings.py")
    assert code_version("embeddings.py") != code_version("topics/reduction.py")
    assert len(code_version("embeddings.py", "embedding_cache.py")) == 12


def test_cache_can_be_disabled_and_ignores_a_broken_file(tmp_path):
    fake = CountingEmbedder()
    embed(["x"], fake, cache_dir=False)
    embed(["x"], fake, cache_dir=False)
    assert len(fake.calls) == 2
    cache = EmbeddingCache(tmp_path, "fake-v1")
    cache.folder.mkdir(parents=True)
    cache.path.write_bytes(b"not a database" * 100)
    assert cache.lookup(["k"]) == {}
    cache.store(["k"], np.ones((1, 3), np.float32))  # warns, does not raise
    assert embed(["x"], fake, cache_dir=tmp_path).shape == (1, 3)


def test_cache_lookup_finds_many_keys_across_batches(tmp_path):
    cache = EmbeddingCache(tmp_path, "fake-v1")
    keys = [f"{i:040d}" for i in range(2500)]
    vectors = np.arange(2500 * 4, dtype=np.float32).reshape(2500, 4)
    cache.store(keys[:1200], vectors[:1200])
    cache.store(keys[1000:], vectors[1000:])  # overlapping keys are kept once
    found = cache.lookup(keys[::-1] + ["absent"])
    assert len(found) == 2500 and "absent" not in found
    np.testing.assert_array_equal(np.stack([found[k] for k in keys]), vectors)


def test_unknown_backend_is_a_clear_error():
    with pytest.raises(ValueError, match="embedding must be one of"):
        get_embedder("bert-large")


def test_tfidf_backend_needs_no_model():
    vectors = embed(["service and customers", "banks and loans", "service"], "tfidf")
    assert vectors.shape[0] == 3 and np.allclose(np.linalg.norm(vectors, axis=1), 1)


@pytest.mark.slow
def test_minilm_is_verified_and_grouping_independent():
    assert (minilm_path() / "model.safetensors").exists()  # sha256 checked inside
    texts = cl.load_corpus(ROOT / "corpus").sentences["text"].tolist()[:40]
    minilm = get_embedder("minilm")
    together = minilm.encode(texts)
    apart = np.concatenate([minilm.encode(texts[i:i + 7]) for i in range(0, 40, 7)])
    reversed_ = minilm.encode(texts[::-1])[::-1]
    # Bit-for-bit: the cache may hold a vector computed beside other texts.
    np.testing.assert_array_equal(together, apart)
    np.testing.assert_array_equal(together, reversed_)
    assert together.shape == (40, 384)


class PassageEmbedder(CountingEmbedder):
    """A fake backend that reads at most two words: longer texts come in passages."""

    fingerprint = "fake-passages-v1"
    window = 0

    def passages(self, text):
        self.split = getattr(self, "split", []) + [text]
        words = text.split()
        if len(words) <= 2:
            return [(text, len(words))]
        return [(" ".join(words[i:i + 2]), len(words[i:i + 2])) for i in range(0, len(words), 2)]


@pytest.mark.parametrize("cache", [True, False])
def test_a_long_text_is_the_mean_of_its_passages_and_short_ones_are_untouched(tmp_path, cache):
    fake = PassageEmbedder()
    cache_dir = tmp_path if cache else False
    both = embed(["aa b", "a ab aaa"], fake, cache_dir=cache_dir)
    alone = embed(["aa b"], PassageEmbedder(), cache_dir=False)
    np.testing.assert_array_equal(both[0], alone[0])  # bit for bit, whatever it shares a call with
    parts = fake.encode(["a ab", "aaa"])
    expected = 2 * parts[0] + 1 * parts[1]
    np.testing.assert_allclose(both[1], expected / np.linalg.norm(expected), rtol=1e-6)
    assert "a ab aaa" not in {t for call in fake.calls for t in call}


def test_a_cached_rerun_neither_splits_nor_encodes_long_texts_again(tmp_path):
    first = PassageEmbedder()
    before = embed(["aa b", "a ab aaa", "a ab aaa"], first, cache_dir=tmp_path)
    assert first.split == ["aa b", "a ab aaa", "a ab aaa"]
    again = PassageEmbedder()
    after = embed(["a ab aaa", "aa b", "new one here"], again, cache_dir=tmp_path)
    assert again.split == ["new one here"] and again.calls == [["new one", "here"]]
    np.testing.assert_array_equal(after[:2], before[[1, 0]])  # bit for bit from the cache


def test_a_truncated_vector_cached_before_passages_is_not_read(tmp_path):
    import hashlib

    text = "a ab aaa"
    EmbeddingCache(tmp_path, PassageEmbedder.fingerprint).store(
        [hashlib.sha1(text.encode()).hexdigest()], np.full((1, 3), 9.0, np.float32))
    fresh = embed([text], PassageEmbedder(), cache_dir=False)
    np.testing.assert_array_equal(embed([text], PassageEmbedder(), cache_dir=tmp_path), fresh)


def test_minilm_reads_a_long_document_whole():
    from convolab.embeddings import MiniLMEmbedder

    sentences = [f"Sentence number {i} talks about the bank and its customers." for i in range(80)]
    text = " ".join(sentences)
    minilm = MiniLMEmbedder()
    passages = minilm.passages(text)
    assert len(passages) >= 3 and all(n <= 254 for _, n in passages)
    assert " ".join(p for p, _ in passages) == text  # nothing lost, cut between sentences
    assert all(p.endswith(".") for p, _ in passages)
    assert minilm.passages("A short one.") == [("A short one.", 1)]
    whole, opening = embed([text], minilm, cache_dir=False)[0], minilm.encode([text])[0]
    assert not np.allclose(whole, opening)  # encode alone reads only the first passage


def test_the_static_model_reads_a_long_document_whole():
    static = get_embedder("static")
    text = " ".join(f"Sentence {i} is about refunds, prices and the bank." for i in range(100))
    passages = static.passages(text)
    assert static.window == static.model.max_length  # read from the saved config
    assert len(passages) >= 2 and all(n <= static.window for _, n in passages)
    assert " ".join(p for p, _ in passages) == text
    assert not np.allclose(embed([text], static, cache_dir=False)[0], static.encode([text])[0])
    assert static.model.tokenizer.truncation is not None  # the model's own still truncates
