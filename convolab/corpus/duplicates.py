"""Which documents to keep: empty, too short, exact and near-duplicate documents, shared footers.

Near-duplicates are found with ``datasketch``'s MinHash LSH (3-word shingles, 128
permutations): a maintained implementation that stays linear in the number of documents, where
comparing every pair would be quadratic. Shingles are hashed a paragraph and a few thousand at a
time, so a signature's memory does not grow with the document. LSH only proposes candidates;
the estimated Jaccard similarity decides. Each dropped document becomes an ``excluded`` row with
its reason.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from functools import lru_cache

import numpy as np

from .cleaning import Cleaned, count_words, paragraph_key, words
from .readers import RawDocument

#: A paragraph found verbatim in this many documents is site boilerplate (a shared footer).
CROSS_DOC_REPEAT = 3
NUM_PERM = 128
SCHEME = "affine32"  # hash values below 2**32, so signatures travel as uint32
_BATCH = 8192  # shingles hashed at once: a (batch x NUM_PERM) array, 4 MB


def paragraph_keys(result: Cleaned) -> set[str]:
    """Hashed comparison keys of a document's paragraphs of four or more words."""
    return {_key_hash(p) for p in result.paragraphs if len(words(p)) >= 4}


def _key_hash(paragraph: str) -> str:
    return hashlib.sha1(paragraph_key(paragraph).encode()).hexdigest()[:16]


def shared_paragraphs(counts: Counter) -> set[str]:
    """Keys (from :func:`paragraph_keys`) found in ``CROSS_DOC_REPEAT`` or more documents."""
    return {key for key, n in counts.items() if n >= CROSS_DOC_REPEAT}


def strip_shared(result: Cleaned, shared: set[str]) -> Cleaned:
    """A copy of ``result`` without the shared paragraphs, each logged as
    ``repeated-across-documents`` (a shared footer is site boilerplate)."""
    if not shared:
        return result
    keep, removed = [], list(result.removed)
    for paragraph in result.paragraphs:
        if _key_hash(paragraph) in shared:
            removed.append(("repeated-across-documents", paragraph))
        else:
            keep.append(paragraph)
    if len(keep) == len(result.paragraphs):  # unchanged: callers may reuse its fingerprint
        return result
    return Cleaned(keep, removed, result.meta)


def too_short(result: Cleaned, min_words: int, problem: str | None = None) -> str | None:
    """Why a cleaned document is too short to keep, or ``None`` when it is long enough.

    ``problem`` is the reader's reason when the input held no text to begin with (a table cell
    holding a number, a line that is not JSON): that, not "empty after cleaning", is why.
    """
    if problem:
        return problem
    n_words = count_words(result.paragraphs)
    if not n_words:
        kinds = Counter(kind for kind, _ in result.removed)
        what = ", ".join(f"{n} {k}" for k, n in kinds.items()) or "no text at all"
        return f"empty after cleaning (removed: {what})"
    if n_words < min_words:
        return (f"too short: {n_words} words after cleaning (min_words={min_words}; "
                "lower it to keep short documents)")
    return None


def fingerprint(result: Cleaned) -> tuple[str | None, np.ndarray | None]:
    """Exact-text key and MinHash signature (3-word shingles) of a cleaned document.

    ``(None, None)`` when it has no words. Signatures are plain arrays so that Dask workers
    can compute them and the client compare them (:func:`drop_duplicates`).
    """
    from datasketch import MinHash

    # Both are of the whole text's tokens, ``words(paragraph_key(" ".join(paragraphs)))``, but
    # read a paragraph at a time and hashed a batch of shingles at a time: ``update_batch``
    # makes a (shingles x NUM_PERM) array, so one 50 MB document hashed at once took
    # gigabytes. Tokens never span the joining space, and a signature is a minimum, which is
    # the same taken over batches, so the result is the same.
    digest = hashlib.sha1()
    minhash = MinHash(num_perm=NUM_PERM, seed=1, scheme=SCHEME, permutations=_permutations())
    batch: set[str] = set()
    tail: list[str] = []  # the last two tokens so far: shingles run across paragraphs
    n_tokens = 0
    for paragraph in result.paragraphs:
        tokens = words(paragraph_key(paragraph))
        if not tokens:
            continue
        digest.update(((" " if n_tokens else "") + " ".join(tokens)).encode())
        n_tokens += len(tokens)
        run = tail + tokens
        tail = run[-2:]
        for start in range(0, len(run) - 2, _BATCH):
            batch.update(" ".join(run[i:i + 3])
                         for i in range(start, min(start + _BATCH, len(run) - 2)))
            if len(batch) >= _BATCH:
                minhash.update_batch([s.encode() for s in batch])
                batch.clear()
    if not n_tokens:
        return None, None
    if n_tokens < 3:  # too short for a 3-gram: the one shingle is the whole text
        batch.add(" ".join(tail))
    if batch:
        minhash.update_batch([s.encode() for s in batch])
    return digest.hexdigest(), minhash.hashvalues.astype(np.uint32)  # < 2**32: half the bytes


@lru_cache(maxsize=1)
def _permutations():
    # Drawing the permutations costs more than hashing a short document: draw them once.
    from datasketch import MinHash

    return MinHash(num_perm=NUM_PERM, seed=1, scheme=SCHEME).permutations


def select_documents(raws: list[RawDocument], cleaned: dict[str, Cleaned], min_words: int,
                     threshold: float) -> tuple[list[RawDocument], list[dict]]:
    """Keep each document, or exclude it as a duplicate, a near-duplicate, empty or too short.

    Duplicates are found *before* shared footers are removed, so that an essay published in
    three places is kept once rather than stripped from all three as "repeated across
    documents"; then footers are removed from the documents kept, and documents that only
    differed by their footers are found in a second pass. Of identical copies the one with the
    most metadata is kept (:func:`prefer_described`); otherwise documents are taken in order,
    so of two near-duplicates the first is kept and the second names it. Cleaning results in ``cleaned``
    are replaced by their footer-free versions. Returns the kept documents and one
    ``path, doc_id, reason`` dict per excluded one.
    """
    excluded: list[dict] = []

    def exclude(raw: RawDocument, reason: str) -> None:
        excluded.append({"path": raw.source, "doc_id": raw.doc_id, "reason": reason})

    prints = {raw.doc_id: fingerprint(cleaned[raw.doc_id]) for raw in raws}
    distinct = drop_duplicates([(raw, *prints[raw.doc_id]) for raw in raws], threshold,
                               exclude, "")
    counts: Counter = Counter()
    for raw in distinct:
        counts.update(paragraph_keys(cleaned[raw.doc_id]))
    shared = shared_paragraphs(counts)
    long_enough = []
    for raw in distinct:
        stripped = strip_shared(cleaned[raw.doc_id], shared)
        if stripped is not cleaned[raw.doc_id]:
            cleaned[raw.doc_id], prints[raw.doc_id] = stripped, fingerprint(stripped)
        reason = too_short(cleaned[raw.doc_id], min_words, raw.problem)
        if reason:
            exclude(raw, reason)
        else:
            long_enough.append(raw)
    kept = drop_duplicates([(raw, *prints[raw.doc_id]) for raw in long_enough],
                           threshold, exclude, " once shared footers are removed")
    return kept, excluded


#: How an exact duplicate's exclusion names the rule that chose the copy kept.
KEPT_RULE = "kept: the copy with the most metadata, else the first"


def metadata_count(doc) -> int:
    """How many metadata values a raw document carries (its own, not convolab's ``_`` keys)."""
    return sum(not str(k).startswith("_") and v is not None and str(v).strip() != ""
               for k, v in doc.meta.items())


def prefer_described(items: list) -> list:
    """``items`` with each set of identical texts led by its copy with the most metadata.

    Sorting by name would keep ``copy.txt`` and drop ``essay.txt`` that carries the title,
    author and date. The better copy takes the place of the group's first member (ties keep
    the first), so every other document keeps its place in corpus order. Returns
    ``(position in items, item)`` pairs, so that the caller can restore corpus order.
    """
    best: dict[str, int] = {}
    for position, (doc, key, _) in enumerate(items):
        if key is not None and (key not in best
                                or metadata_count(doc) > metadata_count(items[best[key]][0])):
            best[key] = position
    order = list(range(len(items)))
    first: dict[str, int] = {}
    for position, (_, key, _) in enumerate(items):
        if key is not None and key not in first:
            first[key] = position
            if best[key] != position:
                order[position], order[best[key]] = best[key], position
    return [(i, items[i]) for i in order]


def drop_duplicates(items, threshold: float, exclude, note: str) -> list:
    """The documents of ``items`` (``(doc, key, signature)``, in order) that duplicate none
    kept before them; ``exclude(doc, reason)`` is called for each of the others.

    ``doc`` needs a ``doc_id`` and ``meta``. Of identical texts the copy with the most
    metadata is kept (:func:`prefer_described`). LSH only proposes candidates (it needs a
    threshold it can band); the estimated Jaccard similarity decides, and the most similar kept
    document is named.
    """
    from datasketch import MinHash, MinHashLSH

    lsh = MinHashLSH(threshold=min(threshold, 0.9), num_perm=NUM_PERM)
    minhashes: dict[str, MinHash] = {}
    exact: dict[str, str] = {}
    kept = []
    for position, (doc, key, signature) in prefer_described(list(items)):
        if key is None:  # nothing to compare; the length check reports it
            kept.append((position, doc))
            continue
        if key in exact:
            exclude(doc, f"duplicate of {exact[key]} (same text{note}; {KEPT_RULE})")
            continue
        minhash = MinHash(num_perm=NUM_PERM, seed=1, scheme=SCHEME,
                          hashvalues=np.asarray(signature, dtype=np.uint64),
                          permutations=_permutations())
        similar = sorted((minhash.jaccard(minhashes[m]), m) for m in lsh.query(minhash))
        if similar and similar[-1][0] >= threshold:
            score, match = similar[-1]
            exclude(doc, f"near-duplicate of {match} (estimated Jaccard similarity "
                         f"{score:.2f} >= {threshold}{note})")
            continue
        exact[key] = doc.doc_id
        lsh.insert(doc.doc_id, minhash)
        minhashes[doc.doc_id] = minhash
        kept.append((position, doc))
    return [doc for _, doc in sorted(kept, key=lambda pair: pair[0])]  # corpus order
