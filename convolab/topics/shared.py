"""One topic model per report: fitted by the first notebook that needs it, loaded by the others.

The themes, findings and compare notebooks describe the same topics. Fitting them in each
notebook cost three fits (and two stability checks) per report, most of a report's time on a
real corpus, and risked three notebooks describing three slightly different fits. With a
``report_dir``, :func:`shared_topic_model` saves the fitted, edited model under
``report_dir/model/`` with a ``fit.json`` that records what it was fitted from: the settings,
the edits (merges and names), a fingerprint of the units' ids and texts, and the version of
convolab's topic code. A later notebook loads the model only when all four match; anything else
(another corpus, another seed, edited code) is fitted again and replaces it, so a report never
mixes fits. :func:`shared_evaluation` keeps :meth:`TopicModel.evaluate` beside it the same way.

Without a ``report_dir`` (a notebook run by hand in JupyterLab) each call simply fits.
"""

from __future__ import annotations

import hashlib
import json
import logging
from pathlib import Path

import pandas as pd

from ..embedding_cache import code_version
from ..outputs import atomic_path, write_text
from .model import TopicModel

logger = logging.getLogger(__name__)

#: The modules whose code decides a fitted model: a change to any of them refits.
_CODE = tuple(f"topics/{name}.py" for name in (
    "model", "clustering", "consensus", "geometry", "granularity", "representation",
    "steering", "style", "metrics", "reduction", "persistence", "shared"))


def units_fingerprint(units: pd.DataFrame) -> str:
    """sha1 of the units' ids and texts, in order: what a fit was made from."""
    h = hashlib.sha1()
    for unit_id, text in zip(units["unit_id"].astype(str), units["text"]):
        h.update(unit_id.encode() + b"\0" + text.encode("utf-8", "surrogatepass") + b"\0")
    return h.hexdigest()


def _record(tm: TopicModel, units: pd.DataFrame, merge_topics, topic_labels) -> dict:
    params = {k: v for k, v in tm.get_params().items() if k not in ("cache_dir", "progress")}
    record = {"params": params, "merge_topics": merge_topics or [],
              "topic_labels": {str(k): v for k, v in (topic_labels or {}).items()},
              "units": units_fingerprint(units), "code": code_version(*_CODE)}
    # Compared as JSON reads it back: tuples become lists on both sides.
    return json.loads(json.dumps(record, sort_keys=True))


def shared_topic_model(corpus, report_dir: str | Path | None = None, *,
                       merge_topics: list | None = None, topic_labels: dict | None = None,
                       **params) -> TopicModel:
    """A :class:`TopicModel` fitted on ``corpus`` with ``params``, merged and named, fitted
    once per report.

    Parameters
    ----------
    corpus : Corpus
        The corpus the notebook loaded.
    report_dir : path, optional
        The report's folder (``convolab report`` sets it). The model is kept in
        ``report_dir/model/`` and loaded when it was fitted from the same units, settings,
        edits and code; otherwise it is fitted and saved there. None (or the ``tfidf``
        embedding, whose models cannot be saved): always fit.
    merge_topics, topic_labels
        Passed to :meth:`TopicModel.merge_topics` and :meth:`TopicModel.set_labels` after
        fitting (the saved model carries them).
    **params
        :class:`TopicModel` settings.

    Returns
    -------
    TopicModel
        Fitted; ``bertopic_`` is None when it was loaded (nothing the reports use needs it).
    """
    tm = TopicModel(**params)
    units = tm._units(corpus)
    # A tfidf model cannot be saved (its vocabulary is fitted per corpus): it is fitted each time.
    shared = report_dir is not None and tm.embedding != "tfidf"
    folder = Path(report_dir) / "model" if shared else None
    record = _record(tm, units, merge_topics, topic_labels)
    if folder is not None and _read(folder / "fit.json") == record:
        logger.info("topic model loaded from %s (fitted by an earlier notebook)", folder)
        return TopicModel.load(folder)
    tm.fit(corpus).merge_topics(merge_topics or []).set_labels(topic_labels or {})
    if folder is not None:
        _replace(folder, lambda tmp: (tm.save(tmp), _write(tmp / "fit.json", record)))
    return tm


def shared_evaluation(tm: TopicModel, report_dir: str | Path | None = None, *,
                      n_seeds: int = 3) -> pd.Series:
    """``tm.evaluate(stability=True, n_seeds=n_seeds)``, computed once per report.

    Kept as ``report_dir/model/evaluation-<n_seeds>.json`` beside the model
    :func:`shared_topic_model` saved, and read back only while that model is the one saved
    there (its ``fit.json`` unchanged).
    """
    if report_dir is None:
        return tm.evaluate(stability=True, n_seeds=n_seeds)
    folder = Path(report_dir) / "model"
    path = folder / f"evaluation-{int(n_seeds)}.json"
    fit = _read(folder / "fit.json")
    stored = _read(path)
    if fit is not None and stored is not None and stored.get("fit") == fit:
        tm.topic_coherence_ = {int(k): v for k, v in stored["topic_coherence"].items()}
        names, values = zip(*stored["evaluation"])  # pairs: the metrics' order is kept
        return pd.Series(values, index=list(names), name="value")
    evaluation = tm.evaluate(stability=True, n_seeds=n_seeds)
    if fit is not None:
        _write(path, {"fit": fit, "evaluation": [[k, v] for k, v in evaluation.items()],
                      "topic_coherence": {str(k): v for k, v in tm.topic_coherence_.items()}})
    return evaluation


def _read(path: Path) -> dict | None:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def _write(path: Path, value: dict) -> None:
    write_text(path, json.dumps(value, indent=2, sort_keys=True))


def _replace(folder: Path, write) -> None:
    """Write a folder under a temporary name and move it into place only once complete."""
    folder.parent.mkdir(parents=True, exist_ok=True)
    with atomic_path(folder) as tmp:
        tmp.mkdir()
        write(tmp)
