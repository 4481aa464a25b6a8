"""How far to trust the topics and the tone: old and new defaults side by side, on labelled proxies.

Prints two tables (``python benchmarks/bench_validity.py [--backends minilm static]``):

1. **Topics** — for each proxy corpus and embedding backend, the number of topics, agreement
   with the known classes (NMI, ARI), stability (mean pairwise ARI across three seeds) and the
   NPMI coherence of the seed-0 fit (and of random terms with the same paragraph frequencies,
   ``npmi_chance``), for three defaults: "old" (one clustering run, and topic terms that one
   unit alone may hold: convolab before issue 11),
   "consensus" (the consensus of seeded runs, :mod:`convolab.topics.consensus`) and "new"
   (consensus, then topics joined where their hierarchy's distances jump most,
   :mod:`convolab.topics.granularity`; the default). All three merge near topics. Proxies,
   built from what we hold (the news corpus the issue cites is not ours):

   * ``seed`` — the five seed essays, sentence units: no labels, stability and NPMI only;
   * ``subjects`` — sixty synthetic essays, ten on each of six subjects (the generator of
     ``tests/test_report_inert.py``), sentence units labelled by the essay's subject;
   * ``uci-sentences`` — the UCI labelled sentences (Yelp restaurants, Amazon phones, IMDb
     movies) plus the SST dev sentences as more movies, one sentence per document; three
     classes, one of them told in two registers (viewers and critics);
   * ``uci-documents`` — the same sentences in documents of three same-class sentences;
   * ``news`` — 480 short news-like articles we wrote (``benchmarks/data/news_proxy/``: fictional
     events in British newswire style), five classes (business, entertainment, politics, sport,
     tech) of four sub-themes each (e.g. football, tennis, rugby, athletics), 24 articles
     per sub-theme; document units labelled by class. Like a news site's corpus, it has broad
     themes made of narrower ones;
   * ``news-uneven-classes`` / ``news-uneven-subthemes`` — the same articles with classes of
     96/72/48/48/24 articles, or sub-themes of 24/14/8/4 articles in every class: real
     corpora's themes are not all the same size.

   And the same defaults on documents of three same-class news-proxy articles (about 540 word
   pieces, where MiniLM reads 254), embedded by their opening alone or whole (the mean of their
   passages, as :func:`convolab.embeddings.embed` does), with the seconds each reading takes
   to embed them (cache off, side by side).

   With ``--nudge [PROXY ...]`` it prints only whether the topics hang on the last bits of the
   embeddings (:func:`nudge_table`): stability across seeds and agreement with nudged copies,
   with the consensus schedule before issue 23 and now.

   With ``--cost`` it prints only what the new default costs: seconds of clustering per fit
   (UMAP cache off, numba warmed) with one run ("old") and with the default, side by side
   in one process, on each proxy's MiniLM embeddings.

2. **Tone** — the tables ``python -m convolab.sentiment.train`` stored in the shipped weights
   file: Pearson r and macro-F1 per held-out domain, the neutral check set, and the document
   aggregates (old and new defaults side by side).
   And Pearson r of each scorer on sentences *we* wrote and rated
   (``benchmarks/data/tone_written/``, -1..1 in steps of 0.1): 880 editorial and columnist
   sentences whose tone is often implicit (irony, faint praise, concessions) and 500 short
   social posts (slang, emoticons, sarcasm). The ratings are the writer's intended tone, not
   independent human ratings: a check of register, never used to fit or choose anything.
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import itertools
import sys
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT.parent / "shared" / "data" / "sentiment"
SEEDS = (0, 1, 2)


def _uci(name: str) -> list[str]:
    text = (DATA / "uci_labelled_sentences" / f"{name}_labelled.txt").read_text(encoding="utf-8")
    return [line.rsplit("\t", 1)[0].strip() for line in text.split("\n") if "\t" in line]


def uci_frame(run: int, per_class: int) -> pd.DataFrame:
    """Documents of ``run`` same-class sentences: restaurants, phones, movies (IMDb + SST)."""
    from convolab.sentiment.train import detokenise

    sst = pd.read_csv(DATA / "sst" / "SSTB_dev.csv")["sentence"].astype(str)
    pools = {"restaurants": _uci("yelp"), "phones": _uci("amazon_cells"),
             "movies": _uci("imdb") + [detokenise(s) for s in sst]}
    rng = np.random.default_rng(0)
    rows = []
    for label, lines in pools.items():
        lines = [line for line in lines if line]
        order = rng.permutation(len(lines))
        for d in range(min(per_class, len(lines) // run)):
            rows.append({"doc_id": f"{label}-{d}", "label": label,
                         "text": " ".join(lines[i] for i in order[d * run:(d + 1) * run])})
    return pd.DataFrame(rows)


def subjects_frame() -> pd.DataFrame:
    sys.path.insert(0, str(ROOT / "tests"))
    from test_report_inert import SUBJECTS, _essay

    rng = np.random.default_rng(0)
    return pd.DataFrame([{"doc_id": f"{s}-{i}", "label": s, "text": _essay(rng, s, i)}
                         for s in SUBJECTS for i in range(10)])


def news_frame() -> pd.DataFrame:
    files = sorted((ROOT / "benchmarks" / "data" / "news_proxy").glob("*/*.txt"))
    return pd.DataFrame([{"doc_id": f"{f.parent.name}-{f.stem}", "label": f.parent.name,
                          "text": f.read_text(encoding="utf-8")} for f in files])


def uneven_news(news: pd.DataFrame, by: str) -> pd.DataFrame:
    """The news proxy with uneven ``"classes"`` (24/18/12/12/6 articles per sub-theme) or
    uneven ``"subthemes"`` (24/14/8/4 articles, sub-themes shuffled by a fixed seed)."""
    news = news.assign(sub=news["doc_id"].str.split("-").str[1])
    if by == "classes":
        size = {"sport": 24, "business": 18, "tech": 12, "entertainment": 12, "politics": 6}
        parts = [g.head(size[label]) for (label, _), g in news.groupby(["label", "sub"])]
    else:
        rng, parts = np.random.default_rng(0), []
        for _, g in news.groupby("label"):
            subs = list(g["sub"].unique())
            rng.shuffle(subs)
            parts += [g[g["sub"] == s].head(k) for s, k in zip(subs, [24, 14, 8, 4])]
    return pd.concat(parts).drop(columns="sub")


def proxies():
    """(name, corpus, unit) for each proxy; labelled corpora carry ``label`` per document."""
    import convolab as cl

    yield "seed", cl.load_corpus(ROOT / "corpus"), "sentence"
    yield "subjects", cl.load_corpus(subjects_frame()), "sentence"
    yield "uci-sentences", cl.load_corpus(uci_frame(1, 1000), min_words=1), "document"
    yield "uci-documents", cl.load_corpus(uci_frame(3, 300)), "document"
    yield "news", cl.load_corpus(news_frame()), "document"
    for by in ("classes", "subthemes"):
        yield f"news-uneven-{by}", cl.load_corpus(uneven_news(news_frame(), by)), "document"


#: Each default compared: clustering.cluster's settings, TopicModel's (which it passes on to
#: the clustering itself, so they cannot be patched in with the clustering's) and the
#: representation's (old: a topic's terms need not be shared by two of its units).
VARIANTS = {"old": ({"n_init": 1}, {"coarsen": False}, {"MIN_UNITS_PER_TERM": 1}),
            "consensus": ({}, {"coarsen": False}, {}), "new": ({}, {}, {})}


@contextlib.contextmanager
def clustering_with(**settings):
    """``clustering.cluster`` with ``settings`` as its defaults, inside the ``with`` block."""
    from convolab.topics import clustering

    original = clustering.cluster
    clustering.cluster = functools.partial(original, **settings)
    try:
        yield
    finally:
        clustering.cluster = original


def topic_row(corpus, unit: str, backend: str, variant: str) -> dict:
    from sklearn.metrics import adjusted_rand_score, normalized_mutual_info_score

    import convolab as cl
    from convolab.topics import representation

    settings, model_settings, terms = VARIANTS[variant]
    defaults = {name: getattr(representation, name) for name in terms}
    vars(representation).update(terms)
    try:
        with clustering_with(**settings):
            fits = [cl.TopicModel(unit=unit, embedding=backend, random_state=s,
                                  **model_settings).fit(corpus) for s in SEEDS]
            evaluation = fits[0].evaluate()
    finally:
        vars(representation).update(defaults)
    labels = [f.assignments_["topic"].to_numpy() for f in fits]
    row = {"topics": "/".join(str(len(f.topic_ids_)) for f in fits),
           "stability_ari": np.mean([adjusted_rand_score(a, b)
                                     for a, b in itertools.combinations(labels, 2)]),
           "npmi": evaluation["coherence_npmi"],
           "npmi_chance": evaluation["coherence_npmi_chance"]}
    if "label" in corpus.documents:
        truth = fits[0].assignments_["doc_id"].map(
            corpus.documents.set_index("doc_id")["label"]).to_numpy()
        row["nmi"] = np.mean([normalized_mutual_info_score(truth, x) for x in labels])
        row["ari"] = np.mean([adjusted_rand_score(truth, x) for x in labels])
        row["classes"] = corpus.documents["label"].nunique()
    return row


def topics_table(backends) -> pd.DataFrame:
    rows = []
    for name, corpus, unit in proxies():
        for backend in backends:
            for variant in VARIANTS:
                row = topic_row(corpus, unit, backend, variant)
                rows.append({"proxy": name, "units": len(corpus.units(unit)), "backend": backend,
                             "default": variant, **row})
                print(rows[-1], file=sys.stderr, flush=True)
    columns = ["proxy", "units", "backend", "default", "classes", "topics", "nmi", "ari",
               "stability_ari", "npmi", "npmi_chance"]
    table = pd.DataFrame(rows).reindex(columns=columns)
    table["classes"] = table["classes"].astype("Int64")
    return table


def long_documents_table() -> pd.DataFrame:
    """Topics of documents longer than MiniLM reads, embedded by their opening or whole.

    Documents of three same-class news-proxy articles (about 540 word pieces; MiniLM reads 254)
    are embedded by what the model reads of them (``encode`` alone, as before) and whole (the
    mean of their passages, :func:`convolab.embeddings.embed`); default topics, three seeds.
    """
    import time

    from sklearn.metrics import normalized_mutual_info_score

    import convolab as cl
    from convolab.embeddings import embed, get_embedder

    rng, rows = np.random.default_rng(0), []
    for label, group in news_frame().groupby("label"):
        texts = group["text"].tolist()
        rng.shuffle(texts)
        rows += [{"doc_id": f"{label}-{i}", "label": label, "text": "\n\n".join(texts[i:i + 3])}
                 for i in range(0, len(texts) - 2, 3)]
    corpus = cl.load_corpus(pd.DataFrame(rows))
    texts = corpus.units("document")["text"].tolist()
    minilm, table = get_embedder("minilm"), []
    minilm.encode(texts[:1])  # load the model outside the timing
    for reading, read in (("opening", minilm.encode),
                          ("whole", lambda t: embed(t, minilm, cache_dir=False))):
        start = time.perf_counter()
        vectors = read(texts)
        seconds = time.perf_counter() - start
        fits = [cl.TopicModel(unit="document", random_state=s).fit(corpus, embeddings=vectors)
                for s in SEEDS]
        truth = fits[0].assignments_["doc_id"].map(
            corpus.documents.set_index("doc_id")["label"]).to_numpy()
        table.append({"reading": reading, "documents": len(texts), "embed_s": seconds,
                      "topics": "/".join(str(len(f.topic_ids_)) for f in fits),
                      "nmi": np.mean([normalized_mutual_info_score(
                          truth, f.assignments_["topic"]) for f in fits])})
    return pd.DataFrame(table)


def cost_table() -> pd.DataFrame:
    import time

    import convolab as cl
    from convolab.embeddings import embed
    from convolab.topics import clustering, consensus

    warm = np.random.default_rng(0).normal(size=(60, 8))
    clustering.cluster(warm, cache_dir=False, n_init=1)  # numba compiles once, outside timing
    rows = []
    for name, corpus, unit in proxies():
        model = cl.TopicModel(unit=unit, embedding="minilm")
        texts = model._units(corpus)["text"].tolist()
        vectors = embed(texts, model._make_embedder(), cache_dir=model.cache_dir)
        seconds = {}
        for variant in ("old", "new"):
            start = time.perf_counter()
            settings, model_settings, _ = VARIANTS[variant]
            clustering.cluster(vectors, random_state=0, cache_dir=False, **settings,
                               **model_settings)
            seconds[variant] = time.perf_counter() - start
        rows.append({"proxy": name, "units": len(texts),
                     "max_runs": consensus.max_runs("auto", len(texts)), "one_run_s": seconds["old"],
                     "default_s": seconds["new"], "ratio": seconds["new"] / seconds["old"]})
        print(rows[-1], file=sys.stderr, flush=True)
    return pd.DataFrame(rows)


def old_runs(n_units: int) -> int:
    """Runs of the consensus before issue 23: 24 up to 1,000 units, 24,000 / n down to 8."""
    return int(np.clip(24_000 // max(n_units, 1), 8, 24))


def nudge_table(proxy_names=None) -> pd.DataFrame:
    """Do the topics hang on the last bits of the embeddings? MiniLM, default settings.

    For each proxy and schedule ("before": the fixed 8-24 runs; "now": runs until the consensus
    settles), the clustering of the exact embeddings at seed 0 is compared (ARI) with seeds 1
    and 2 (``stability``, what ``evaluate(stability=True)`` reports) and with the same seed on
    three copies nudged as another CPU's float rounding would (each value times
    ``1 + 1e-6 * N(0, 1)``): their mean and lowest agreement, and the stability on a nudged copy.
    """
    from sklearn.metrics import adjusted_rand_score as ari

    import convolab as cl
    from convolab.embeddings import embed

    rows = []
    for name, corpus, unit in proxies():
        if proxy_names and name not in proxy_names:
            continue
        model = cl.TopicModel(unit=unit, cache_dir=False)
        vectors = embed(model._units(corpus)["text"].tolist(), model._make_embedder())
        rng = np.random.default_rng(23)
        nudged = [(vectors * (1 + 1e-6 * rng.standard_normal(vectors.shape))).astype(np.float32)
                  for _ in range(3)]
        for schedule in ("before", "now"):
            n_init = old_runs(len(vectors)) if schedule == "before" else "auto"
            with clustering_with(n_init=n_init):
                first, _, how = model._cluster(vectors, SEEDS[0])
                exact = [first] + [model._cluster(vectors, seed)[0] for seed in SEEDS[1:]]
                moved = [model._cluster(v, SEEDS[0])[0] for v in nudged]
                moved_other = [model._cluster(nudged[0], seed)[0] for seed in SEEDS[1:]]
            agree = [ari(exact[0], m) for m in moved]
            runs = how.split(" runs", 1)[0].rsplit(" ", 1)[-1] if "consensus" in how else "1"
            rows.append({"proxy": name, "units": len(vectors), "schedule": schedule,
                         "runs": runs, "topics": len(set(exact[0].tolist()) - {-1}),
                         "stability": np.mean([ari(exact[0], x) for x in exact[1:]]),
                         "nudged_mean": np.mean(agree), "nudged_min": np.min(agree),
                         "stability_nudged": np.mean([ari(moved[0], x) for x in moved_other])})
            print(rows[-1], file=sys.stderr, flush=True)
    return pd.DataFrame(rows)


def written_tone_table() -> pd.DataFrame:
    """Pearson r of each scorer on the written editorial and social sentences."""
    from convolab.sentiment import SentimentModel

    rows = []
    for kind in ("editorial", "social"):
        pairs = [line.split("\t", 1) for f in sorted(
                 (ROOT / "benchmarks" / "data" / "tone_written").glob(f"{kind}_*.tsv"))
                 for line in f.read_text(encoding="utf-8").splitlines() if "\t" in line]
        gold = np.array([float(r) for r, _ in pairs])
        texts = [t for _, t in pairs]
        row = {"sentences": kind, "n": len(texts)}
        for method in ("vader", "learned", "ensemble"):
            scores = SentimentModel(method).score_texts(texts)
            scored = ~np.isnan(scores)  # flagged sentences (none so far) are not scored
            row[method] = np.corrcoef(scores[scored], gold[scored])[0, 1]
        rows.append(row)
    return pd.DataFrame(rows)


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--backends", nargs="+", default=["minilm", "static"],
                        choices=["minilm", "static"])
    parser.add_argument("--cost", action="store_true",
                        help="only time the clustering: one run vs the default")
    parser.add_argument("--nudge", nargs="*", metavar="PROXY",
                        help="only measure stability across seeds and agreement with nudged "
                             "embeddings, before and now (all proxies, or those named)")
    args = parser.parse_args(argv)
    from convolab.embeddings import import_tqdm_quietly
    from convolab.sentiment import document_aggregate_report, neutral_check_report

    import_tqdm_quietly()
    pd.set_option("display.width", 160)
    if args.cost:
        print("Clustering seconds per fit (MiniLM, UMAP cache off): one run vs the default")
        print(cost_table().to_string(index=False, float_format="%.2f"))
        return
    if args.nudge is not None:
        print("Stability across seeds 0-2 and agreement with embeddings nudged by float "
              "rounding (x 1 + 1e-6 N(0,1), three copies, seed 0); MiniLM, ARI")
        print(nudge_table(args.nudge).to_string(index=False, float_format="%.3f"))
        return
    table = topics_table(args.backends)
    print("Topics: old = one clustering run (terms of one unit allowed), consensus = consensus "
          "of runs, new = consensus then topics joined where their hierarchy jumps (default); "
          "topics 'a/b/c' per seed")
    print(table.to_string(index=False, float_format="%.2f", na_rep="–"))
    print("\nTopics of documents three articles long (MiniLM reads about a third of each): "
          "embedded by their opening or whole")
    print(long_documents_table().to_string(index=False, float_format="%.2f"))
    print("\nTone: neutral check set (mean |score| of factual sentences on charged subjects)")
    print(neutral_check_report().to_string(index=False, float_format="%.3f"))
    print("\nTone: document aggregates vs pseudo-document ratings (Pearson r)")
    print(document_aggregate_report().to_string(index=False, float_format="%.3f"))
    print("\nTone: sentences we wrote and rated (writer's intended tone), Pearson r")
    print(written_tone_table().to_string(index=False, float_format="%.3f"))
    print("\nPer held-out domain r and macro-F1: python -m convolab.sentiment.train")


if __name__ == "__main__":
    main()
