"""Save and load a fitted :class:`~convolab.topics.model.TopicModel` without pickle.

A model is a folder: ``model.json`` (settings, topic ids, labels, the researcher's names and
edits, the embedder's fingerprint), ``centroids.npy`` and one Parquet file per table. JSON,
NumPy's ``.npy`` (``allow_pickle=False``) and Parquet are open formats that other tools read
and that cannot run code when loaded. ``bertopic_`` is not saved: BERTopic's own ``save``
needs its embedding model or pickle, and nothing convolab derives needs it after fitting.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd

TABLES = ("topics_", "assignments_", "topic_terms_", "representatives_", "corpus_stop_words_")


def save_model(tm, path: str | Path) -> Path:
    """Write ``tm`` to the folder ``path`` (created); see :meth:`TopicModel.save`."""
    tm._check_fitted()
    if tm.embedding == "tfidf":
        raise ValueError("save() supports the 'minilm' and 'static' embeddings; a 'tfidf' "
                         "model depends on its fitted vocabulary, which is not saved")
    folder = Path(path)
    folder.mkdir(parents=True, exist_ok=True)
    params = {k: (str(v) if isinstance(v, Path) else v) for k, v in tm.get_params().items()}
    state = {"params": params, "clustering": tm.clustering_,
             "outlier_share_before_reassignment": tm.outlier_share_before_reassignment_,
             "topic_ids": [int(t) for t in tm.topic_ids_],
             "labels": {str(k): v for k, v in tm.labels_.items()},
             "custom_labels": {str(k): v for k, v in getattr(tm, "custom_labels_", {}).items()},
             "edits": getattr(tm, "edits_", []),
             "embedder": tm.embedder_.fingerprint}
    (folder / "model.json").write_text(json.dumps(state, indent=2))
    np.save(folder / "centroids.npy", tm.centroids_, allow_pickle=False)
    for name in TABLES:
        getattr(tm, name).to_parquet(folder / f"{name.rstrip('_')}.parquet", index=False)
    return folder


def load_model(cls, path: str | Path):
    """A ``cls`` instance read from a folder written by :func:`save_model`."""
    folder = Path(path)
    if not (folder / "model.json").is_file():
        raise ValueError(f"'{folder}' holds no saved TopicModel (no model.json); give the folder "
                         "that TopicModel.save wrote")
    state = json.loads((folder / "model.json").read_text())
    model = cls(**state["params"])
    model.clustering_ = state["clustering"]
    model.outlier_share_before_reassignment_ = state["outlier_share_before_reassignment"]
    model.topic_ids_ = state["topic_ids"]
    model.labels_ = {int(k): v for k, v in state["labels"].items()}
    model.custom_labels_ = {int(k): v for k, v in state.get("custom_labels", {}).items()}
    model.edits_ = state.get("edits", [])
    model.centroids_ = np.load(folder / "centroids.npy", allow_pickle=False)
    for name in TABLES:
        path = folder / f"{name.rstrip('_')}.parquet"
        if name == "corpus_stop_words_" and not path.is_file():  # saved before it existed
            from .markers import COLUMNS

            model.corpus_stop_words_ = pd.DataFrame(columns=COLUMNS)
            continue
        setattr(model, name, pd.read_parquet(path))
    model.bertopic_ = None
    return model
