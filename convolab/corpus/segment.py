"""Sentence segmentation with exact character offsets, offline.

spaCy's blank English pipeline with its rule-based ``sentencizer`` is used: it ships with the
``spacy`` package (no model download, unlike NLTK punkt or TextBlob's corpora), is actively
maintained, knows English abbreviations through its tokenizer exceptions ("Mr.", "e.g."), and
reports character offsets that map back to the input exactly (pysbd's offsets drift on
repeated whitespace and it has not been released since 2021).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from functools import lru_cache


@lru_cache(maxsize=1)
def _pipeline():
    import spacy

    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    nlp.max_length = 50_000_000
    return nlp


def sentence_spans(texts: Iterable[str]) -> Iterator[list[tuple[int, int]]]:
    """Yield, for each text, ``(start, end)`` offsets of its sentences.

    Offsets exclude surrounding whitespace, so ``text[start:end]`` is the sentence as written;
    a text with no visible characters yields an empty list.
    """
    for doc in _pipeline().pipe(texts, batch_size=256):
        spans = []
        for sent in doc.sents:
            start, end = sent.start_char, sent.end_char
            raw = doc.text[start:end]
            stripped = raw.strip()
            if not stripped:
                continue
            start += len(raw) - len(raw.lstrip())
            spans.append((start, start + len(stripped)))
        yield spans
