"""Issue 11's topic-count bar on a corpus of broad themes made of narrower ones (slow layer).

The corpus is ``benchmarks/data/news_proxy/``: 480 news-like articles in five classes of four
sub-themes each. Density clustering finds the sub-themes; the default must report themes a
reader would recognise as the classes (5-12 topics, NMI >= 0.75), not the sub-themes.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from sklearn.metrics import normalized_mutual_info_score

import convolab as cl

pytestmark = pytest.mark.slow
NEWS = Path(__file__).resolve().parents[1] / "benchmarks" / "data" / "news_proxy"


def test_news_classes_are_found_without_being_told_how_many():
    files = sorted(NEWS.glob("*/*.txt"))
    frame = pd.DataFrame({"doc_id": [f"{f.parent.name}-{f.stem}" for f in files],
                          "text": [f.read_text(encoding="utf-8") for f in files]})
    model = cl.TopicModel(unit="document", random_state=0).fit(cl.load_corpus(frame))
    assignments = model.assignments_
    truth = assignments["doc_id"].str.split("-").str[0]
    assert len(files) == len(assignments) == 480
    assert 5 <= len(model.topic_ids_) <= 12
    assert normalized_mutual_info_score(truth, assignments["topic"]) >= 0.75
