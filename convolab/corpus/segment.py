"""Sentence segmentation with exact character offsets, offline; passages that fit a model.

spaCy's blank English pipeline with its rule-based ``sentencizer`` is used: it ships with the
``spacy`` package (no model download, unlike NLTK punkt or TextBlob's corpora), is actively
maintained, knows English abbreviations through its tokenizer exceptions ("Mr.", "e.g."), and
reports character offsets that map back to the input exactly (pysbd's offsets drift on
repeated whitespace and it has not been released since 2021).

spaCy's English tokenizer splits on spaces, so it cannot see the full stops of Chinese and
Japanese (``。！？``) inside unspaced text; sentences are additionally split after them.
Thai, Lao, Khmer and Burmese mark sentences with spaces or signs no rule here knows, so a
paragraph in those scripts stays one sentence: the corpus's ``language`` column says which
documents those are.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from functools import lru_cache

_CJK_STOP = re.compile(r"[。！？]+[」』）”’]*")


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
    texts = list(texts)
    # Slice the input string, never ``doc.text``: spaCy rebuilds ``doc.text`` from every token
    # on each access, which made one long paragraph quadratic.
    for text, doc in zip(texts, _pipeline().pipe(texts, batch_size=256)):
        spans = []
        for sent in doc.sents:
            start, end = sent.start_char, sent.end_char
            raw = text[start:end]
            stripped = raw.strip()
            if not stripped:
                continue
            start += len(raw) - len(raw.lstrip())
            spans.extend(_split_cjk(text, start, start + len(stripped)))
        yield spans


def _split_cjk(text: str, start: int, end: int) -> Iterator[tuple[int, int]]:
    cut = start
    for match in _CJK_STOP.finditer(text, start, end):
        if text[cut:match.end()].strip():
            yield _trimmed(text, cut, match.end())
        cut = match.end()
    if text[cut:end].strip():
        yield _trimmed(text, cut, end)


def _trimmed(text: str, start: int, end: int) -> tuple[int, int]:
    piece = text[start:end]
    return start + len(piece) - len(piece.lstrip()), end - len(piece) + len(piece.rstrip())


#: Characters that end a sentence, for cutting passages (Latin and CJK stops).
_ENDS = frozenset(".!?。！？")


def windows(text: str, offsets: list[tuple[int, int]], size: int) -> list[tuple[str, int]]:
    """Cut a text into consecutive passages of at most ``size`` tokens: ``(passage, n_tokens)``.

    ``offsets`` are the character spans of the text's tokens, as a model's tokenizer reads
    them. Each passage ends at the last sentence end in its second half, or after ``size``
    tokens when there is none, so no text is lost and sentences are rarely split. A text of
    at most ``size`` tokens is one passage, itself.
    """
    if len(offsets) <= size:
        return [(text, len(offsets))]
    out, start = [], 0
    while start < len(offsets):
        end = min(start + size, len(offsets))
        if end < len(offsets):
            stops = [i + 1 for i in range(start + size // 2, end)
                     if text[offsets[i][1] - 1] in _ENDS]
            end = stops[-1] if stops else end
        out.append((text[offsets[start][0]:offsets[end - 1][1]], end - start))
        start = end
    return out
