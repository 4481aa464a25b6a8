"""Issue 25, tone trained on human-rated genres: the fitting maths, the readers, the stored numbers.

The fitting and document-check tests are synthetic (no data, no model). Tests of the shipped
weights read only the weights file and its provenance beside it. Tests that read the rated sets
in ``../shared/data/sentiment`` skip cleanly where that folder is absent (as on CI); they never
print or store a sentence.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from convolab.sentiment import emobank_document_report, training_report
from convolab.sentiment.fitting import (
    DomainStats,
    Setting,
    mixed,
    nested_lodo,
    predict,
    raw_score,
    settings_grid,
)
from convolab.sentiment.scorers import WEIGHTS_PATH, load_weights
from convolab.sentiment.training_data import DEFAULT_DATA, LICENCES, data_files
from convolab.sentiment.validity import document_ratings

ROOT = Path(__file__).resolve().parents[1]
DATA = (ROOT / DEFAULT_DATA).resolve()
needs_data = pytest.mark.skipif(not (DATA / "emobank" / "emobank.csv").exists(),
                                reason="the rated sentence sets are not on this machine")
GENRES = ("eb-blog", "eb-essays", "eb-newspaper", "eb-letters")


# --- fitting -------------------------------------------------------------------------------

def _synthetic(seed=0, n=300, dim=6):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, dim)) * rng.uniform(0.5, 3, dim) + rng.normal(size=dim)
    y = X @ rng.normal(size=dim) * 0.1 + rng.normal(scale=0.3, size=n)
    domains = np.array(["a", "b", "eb-x"])[rng.integers(0, 3, n)]
    return X, y, domains


def test_stats_ridge_equals_weighted_ridge_on_the_stacked_rows():
    from sklearn.linear_model import Ridge

    X, y, domains = _synthetic()
    setting = Setting(alpha=7.0, target_scale=0.5, weights=(("eb-", 3.0),))
    fitted = DomainStats(X, y, domains, {"eb-x"}).fit(["a", "b", "eb-x"], setting)
    weight = np.where(domains == "eb-x", 3.0, 1.0)
    target = np.where(domains == "eb-x", 0.5 * y, y)
    mean = np.average(X, axis=0, weights=weight)
    scale = np.sqrt(np.average((X - mean) ** 2, axis=0, weights=weight))
    ref = Ridge(alpha=7.0).fit((X - mean) / scale, target, sample_weight=weight)
    np.testing.assert_allclose(fitted["coef"], ref.coef_, rtol=1e-6, atol=1e-9)
    np.testing.assert_allclose(predict(fitted, X), np.clip(ref.predict((X - mean) / scale), -1, 1),
                               atol=1e-9)


def test_zero_weight_leaves_a_domain_out():
    X, y, domains = _synthetic(1)
    stats = DomainStats(X, y, domains, set())
    left_out = stats.fit(["a", "b", "eb-x"], Setting(3.0, 1.0, (("eb-", 0.0),)))
    without = stats.fit(["a", "b"], Setting(3.0, 1.0, ()))
    np.testing.assert_allclose(left_out["coef"], without["coef"])


def test_nested_choice_never_sees_the_held_out_domain():
    X, y, domains = _synthetic(2, n=600)
    stats = DomainStats(X, y, domains, {"eb-x"})
    grid = settings_grid([1.0, 100.0], [1.0], {"eb-": [1.0]})
    lexicon, vader = np.ones(len(y), bool), np.zeros(len(y))
    learned, folds = nested_lodo(stats, X, y, vader, lexicon, domains, grid, shrink=1.0,
                                 shares={})
    assert [f["held_out"] for f in folds] == ["a", "b", "eb-x"]
    # Changing the held-out domain's ratings changes none of its choices.
    y2 = np.where(domains == "a", -y, y)
    _, folds2 = nested_lodo(DomainStats(X, y2, domains, {"eb-x"}), X, y2, vader, lexicon,
                            domains, grid, shrink=1.0, shares={})
    assert folds[0]["alpha"] == folds2[0]["alpha"]
    np.testing.assert_allclose(folds[0]["fitted"]["coef"], folds2[0]["fitted"]["coef"])
    assert np.corrcoef(learned, y)[0, 1] > 0.5


def test_mixed_is_one_linear_model_scoring_the_weighted_mix():
    X, y, domains = _synthetic(3)
    stats = DomainStats(X, y, domains, {"eb-x"})
    a = stats.fit(["a", "b", "eb-x"], Setting(5.0, 1.0, ()))
    b = stats.fit(["a"], Setting(50.0, 1.0, ()))
    for share in (0.0, 0.3, 1.0):
        expected = np.clip((1 - share) * raw_score(a, X) + share * raw_score(b, X), -1, 1)
        np.testing.assert_allclose(predict(mixed(a, b, share), X), expected, atol=1e-9)
    assert set(mixed(a, b, 0.3)) == set(a)  # ships in the same arrays as a single ridge


def test_anchor_never_sees_the_held_out_domain_and_its_share_is_chosen():
    X, y, domains = _synthetic(4, n=600)
    stats = DomainStats(X, y, domains, {"eb-x"})
    grid = settings_grid([1.0], [1.0], {"eb-": [1.0]})
    lexicon, vader = np.ones(len(y), bool), np.zeros(len(y))

    def anchor_on(target):
        anchor_stats = DomainStats(X, target, domains, {"eb-x"})
        return lambda excluded: anchor_stats.fit(
            [d for d in ("a", "b", "eb-x") if d not in excluded], Setting(1.0, 1.0, ()))

    def run(anchor, shares):
        return nested_lodo(stats, X, y, vader, lexicon, domains, grid, shrink=1.0, shares={},
                           anchor=anchor, anchor_shares=shares)

    plain, folds = nested_lodo(stats, X, y, vader, lexicon, domains, grid, shrink=1.0, shares={})
    same, anchored = run(anchor_on(y), (0.0,))
    np.testing.assert_allclose(plain, same)
    assert "anchor_share" not in folds[0] and anchored[0]["anchor_share"] == 0.0
    # The anchor's view of the held-out domain "a" changes nothing about a's fold.
    learned, chosen = run(anchor_on(y), (0.0, 0.5, 1.0))
    learned2, chosen2 = run(anchor_on(np.where(domains == "a", -y, y)), (0.0, 0.5, 1.0))
    assert chosen[0]["held_out"] == "a" and chosen[0]["anchor_share"] == chosen2[0]["anchor_share"]
    np.testing.assert_allclose(learned[domains == "a"], learned2[domains == "a"])
    # An anchor fitted on shuffled ratings only adds noise: a share of 0 is chosen.
    shuffled = anchor_on(np.random.default_rng(5).permutation(y))
    assert [f["anchor_share"] for f in run(shuffled, (0.0, 0.5))[1]] == [0.0, 0.0, 0.0]


def test_document_ratings_track_document_means():
    rng = np.random.default_rng(0)
    docs = np.repeat([f"d{i}" for i in range(40)], 5)
    level = np.repeat(rng.normal(size=40), 5)
    gold = level + rng.normal(scale=0.3, size=200)
    rows = document_ratings(gold + rng.normal(scale=0.3, size=200), gold, docs,
                            np.where(np.arange(200) < 100, "eb-a", "eb-b"))
    by = {r["data"]: r for r in rows}
    assert set(by) == {"all", "eb-a", "eb-b"} and by["all"]["n_documents"] == 40
    assert by["all"]["pearson"] > 0.8
    single = document_ratings(gold, gold, np.arange(200).astype(str), np.full(200, "eb-a"))
    assert single == []  # one-sentence "documents" are not documents


# --- the shipped weights (no data needed) ----------------------------------------------------

@pytest.fixture(scope="module")
def held_out():
    report = training_report()
    return report[report["evaluation"] == "leave-one-domain-out"].pivot_table(
        index="data", columns="method", values="pearson")


def test_shipped_file_is_small_plain_arrays_with_provenance_beside_it():
    assert WEIGHTS_PATH.stat().st_size <= 25 * 2**20
    with np.load(WEIGHTS_PATH, allow_pickle=False) as data:
        assert all(data[k].dtype != object for k in data.files)
    sources = json.loads(WEIGHTS_PATH.with_suffix(".sources.json").read_text())
    meta = load_weights().metadata
    assert sources["data_sha256"] == meta["data_sha256"]
    assert len(sources["data_sha256"]) == 9 and sources["texts_shipped"] is False
    assert set(sources["data_licences"]) == {"sst", "uci_labelled_sentences", "emobank",
                                             "facebook_va"}
    assert "CC-BY-SA 4.0" in sources["data_licences"]["emobank"]
    assert "GPL v3" in sources["data_licences"]["facebook_va"]


def test_readme_states_every_data_file_sha256_and_licence():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for name, digest in load_weights().metadata["data_sha256"].items():
        assert digest in readme, name
    assert "CC-BY-SA 4.0" in readme and "GPL v3" in readme


def test_every_genre_held_out_beats_the_old_scorer_and_vader(held_out):
    genres = [d for d in held_out.index if d.startswith("eb-")]
    assert set(GENRES) <= set(genres)
    for genre in genres:
        row = held_out.loc[genre]
        assert row["ensemble"] > max(row["ensemble_old"], row["vader"]), genre


def test_social_posts_at_least_vader_and_reviews_kept(held_out):
    assert held_out.loc["facebook", "ensemble"] >= held_out.loc["facebook", "vader"]
    for domain in ("yelp", "amazon", "imdb"):
        row = held_out.loc[domain]
        assert row["ensemble"] >= row["ensemble_old"] - 0.02, domain
    # SST held out as a whole loses 0.027 (no movie snippets in training, and its own fold
    # cannot check it); the shipped model, chosen with SST in view, keeps its test split
    # within 0.02.
    assert held_out.loc["sst", "ensemble"] >= held_out.loc["sst", "ensemble_old"] - 0.035
    report = training_report()
    sst = report[report["data"] == "sst-test"].set_index("method")["pearson"]
    assert sst["ensemble"] >= sst["ensemble_old"] - 0.02 and sst["ensemble"] > sst["vader"]


def test_emobank_test_split_per_genre_is_stored():
    report = training_report()
    test = report[report["evaluation"] == "EmoBank test split"]
    assert {f"{g}-test" for g in GENRES} <= set(test["data"])
    wide = test.pivot_table(index="data", columns="method", values="pearson")
    assert (wide["ensemble"] > wide["vader"]).mean() >= 0.8


def test_emobank_documents_mean_tracks_ratings():
    docs = emobank_document_report()
    mine = docs[(docs["method"] == "ensemble") & (docs["data"] == "all")].iloc[0]
    vader = docs[(docs["method"] == "vader") & (docs["data"] == "all")].iloc[0]
    assert mine["n_documents"] >= 100 and mine["pearson"] > vader["pearson"]


# --- the rated sets (skipped without ../shared/data) ----------------------------------------

@needs_data
def test_data_files_match_their_published_and_stored_sha256():
    sums = dict(reversed(line.split()) for line in
                (DATA / "SHA256SUMS").read_text().splitlines() if line.strip())
    stored = load_weights().metadata["data_sha256"]
    for path in data_files(DATA):
        name = path.relative_to(DATA).as_posix()
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
        assert sums[name] == digest == stored[name], name


@needs_data
def test_readers_count_and_standardise_the_rated_sets():
    from convolab.sentiment.training_data import load_training_data

    frame, _ = load_training_data(DATA)
    bank = frame[frame["source"].str.startswith("eb-")]
    assert len(bank) == 10_062 and bank["source"].nunique() == 7
    assert set(GENRES) <= set(bank["source"])
    assert bank.loc[bank["split"] != "test", "gold"].std(ddof=0) == pytest.approx(1, abs=1e-6)
    assert bank.groupby("split").size().to_dict() == {"train": 8062, "dev": 1000, "test": 1000}
    assert (bank["document"].str.len() > 0).all()
    fb = frame[frame["source"] == "facebook"]
    assert 2890 <= len(fb) <= 2895 and abs(fb["gold"].mean()) < 0.01
    assert isinstance(frame, pd.DataFrame) and set(LICENCES) == {
        p.name for p in DATA.iterdir() if p.is_dir()}
