"""Which documents to keep: empty, too short, exact and near-duplicate documents, shared footers.

Near-duplicates are found with ``datasketch``'s MinHash LSH (3-word shingles, 128
permutations): a maintained implementation that stays linear in the number of documents, where
comparing every pair would be quadratic. LSH only proposes candidates; the estimated Jaccard
similarity decides. Each dropped document becomes an ``excluded`` row with its reason.
"""

from __future__ import annotations

import hashlib
from collections import Counter

from .cleaning import Cleaned, paragraph_key, words
from .readers import RawDocument

#: A paragraph found verbatim in this many documents is site boilerplate (a shared footer).
CROSS_DOC_REPEAT = 3


def drop_cross_document_repeats(cleaned: dict[str, Cleaned]) -> None:
    """Remove paragraphs repeated verbatim across documents (shared footers), logging each.

    A paragraph of four or more words found in ``CROSS_DOC_REPEAT`` or more documents is site
    boilerplate; it moves to that document's ``removed`` list as ``repeated-across-documents``.
    """
    counts: Counter = Counter()
    for result in cleaned.values():
        counts.update({paragraph_key(p) for p in result.paragraphs if len(words(p)) >= 4})
    shared = {key for key, n in counts.items() if n >= CROSS_DOC_REPEAT}
    if not shared:
        return
    for result in cleaned.values():
        keep = []
        for paragraph in result.paragraphs:
            if paragraph_key(paragraph) in shared:
                result.removed.append(("repeated-across-documents", paragraph))
            else:
                keep.append(paragraph)
        result.paragraphs = keep


def select_documents(raws: list[RawDocument], cleaned: dict[str, Cleaned], min_words: int,
                     threshold: float) -> tuple[list[RawDocument], list[dict]]:
    """Keep each document, or exclude it as a duplicate, a near-duplicate, empty or too short.

    Duplicates are found *before* shared footers are removed, so that an essay published in
    three places is kept once rather than stripped from all three as "repeated across
    documents"; then footers are removed from the documents kept, and documents that only
    differed by their footers are found in a second pass. Documents are taken in order, so of
    two duplicates the first is kept and the second names it. Cleaning results in ``cleaned``
    are updated in place. Returns the kept documents and one ``path, doc_id, reason`` dict per
    excluded one.
    """
    excluded: list[dict] = []

    def exclude(raw: RawDocument, reason: str) -> None:
        excluded.append({"path": raw.source, "doc_id": raw.doc_id, "reason": reason})

    distinct = _drop_duplicates(raws, cleaned, threshold, exclude, "")
    drop_cross_document_repeats({raw.doc_id: cleaned[raw.doc_id] for raw in distinct})
    long_enough = []
    for raw in distinct:
        result = cleaned[raw.doc_id]
        n_words = len(words(" ".join(result.paragraphs)))
        if not n_words:
            kinds = Counter(kind for kind, _ in result.removed)
            what = ", ".join(f"{n} {k}" for k, n in kinds.items()) or "no text at all"
            exclude(raw, f"empty after cleaning (removed: {what})")
        elif n_words < min_words:
            exclude(raw, f"too short: {n_words} words after cleaning (min_words={min_words}; "
                         "lower it to keep short documents)")
        else:
            long_enough.append(raw)
    kept = _drop_duplicates(long_enough, cleaned, threshold, exclude,
                            " once shared footers are removed")
    return kept, excluded


def _drop_duplicates(raws, cleaned, threshold: float, exclude, note: str) -> list[RawDocument]:
    from datasketch import MinHash, MinHashLSH

    # LSH only proposes candidates (it needs a threshold it can band); the estimate decides.
    lsh = MinHashLSH(threshold=min(threshold, 0.9), num_perm=128)
    minhashes: dict[str, MinHash] = {}
    exact: dict[str, str] = {}
    kept = []
    for raw in raws:
        tokens = words(paragraph_key(" ".join(cleaned[raw.doc_id].paragraphs)))
        if not tokens:  # nothing to compare; the length check reports it
            kept.append(raw)
            continue
        key = hashlib.sha1(" ".join(tokens).encode()).hexdigest()
        if key in exact:
            exclude(raw, f"duplicate of {exact[key]} (same text{note})")
            continue
        minhash = MinHash(num_perm=128, seed=1)
        shingles = {" ".join(tokens[i:i + 3]) for i in range(max(1, len(tokens) - 2))}
        minhash.update_batch([s.encode() for s in shingles])
        similar = sorted((minhash.jaccard(minhashes[m]), m) for m in lsh.query(minhash))
        if similar and similar[-1][0] >= threshold:
            score, match = similar[-1]
            exclude(raw, f"near-duplicate of {match} (estimated Jaccard similarity "
                         f"{score:.2f} >= {threshold}{note})")
            continue
        exact[key] = raw.doc_id
        lsh.insert(raw.doc_id, minhash)
        minhashes[raw.doc_id] = minhash
        kept.append(raw)
    return kept
