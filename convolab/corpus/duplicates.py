"""Which documents to keep: empty, too short, exact and near-duplicate documents, shared footers.

Near-duplicates are found with ``datasketch``'s MinHash LSH (3-word shingles, 128
permutations): a maintained implementation that stays linear in the number of documents, where
comparing every pair would be quadratic. LSH only proposes candidates; the estimated Jaccard
similarity decides. Each dropped document becomes an ``excluded`` row with its reason.
"""

from __future__ import annotations

import hashlib
from collections import Counter

from .cleaning import Cleaned, paragraph_key
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
        counts.update({paragraph_key(p) for p in result.paragraphs if len(p.split()) >= 4})
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


def filter_documents(raws: list[RawDocument], cleaned: dict[str, Cleaned], min_words: int,
                     threshold: float) -> tuple[list[RawDocument], list[dict]]:
    """Keep each document, or exclude it as empty, too short, a duplicate or a near-duplicate.

    Documents are taken in order, so of two duplicates the first is kept and the second names
    it. Returns the kept documents and one ``path, doc_id, reason`` dict per excluded one.
    """
    from datasketch import MinHash, MinHashLSH

    # LSH only proposes candidates (it needs a threshold it can band); the estimate decides.
    lsh = MinHashLSH(threshold=min(threshold, 0.9), num_perm=128)
    minhashes: dict[str, MinHash] = {}
    exact: dict[str, str] = {}
    kept, excluded = [], []
    for raw in raws:
        result = cleaned[raw.doc_id]
        text = " ".join(result.paragraphs)
        words = text.split()

        def exclude(reason: str, raw=raw) -> None:
            excluded.append({"path": raw.source, "doc_id": raw.doc_id, "reason": reason})

        if not words:
            kinds = Counter(kind for kind, _ in result.removed)
            what = ", ".join(f"{n} {k}" for k, n in kinds.items()) or "no text at all"
            exclude(f"empty after cleaning (removed: {what})")
            continue
        if len(words) < min_words:
            exclude(f"too short: {len(words)} words after cleaning (min_words={min_words}; "
                    "lower it to keep short documents)")
            continue
        key = hashlib.sha1(paragraph_key(text).encode()).hexdigest()
        if key in exact:
            exclude(f"duplicate of {exact[key]} (same text)")
            continue
        minhash = MinHash(num_perm=128, seed=1)
        tokens = paragraph_key(text).split()
        shingles = {" ".join(tokens[i:i + 3]) for i in range(max(1, len(tokens) - 2))}
        minhash.update_batch([s.encode() for s in shingles])
        similar = sorted((minhash.jaccard(minhashes[m]), m) for m in lsh.query(minhash))
        if similar and similar[-1][0] >= threshold:
            score, match = similar[-1]
            exclude(f"near-duplicate of {match} (estimated Jaccard similarity "
                    f"{score:.2f} >= {threshold})")
            continue
        exact[key] = raw.doc_id
        lsh.insert(raw.doc_id, minhash)
        minhashes[raw.doc_id] = minhash
        kept.append(raw)
    return kept, excluded
