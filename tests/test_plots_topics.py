"""Topic plots return the Axes/Figure they drew on and can save it."""

from __future__ import annotations

import matplotlib.pyplot as plt
import pytest

import convolab.plots as clp
from convolab.topics import TopicModel


@pytest.fixture(scope="module")
def fitted(themed_corpus):
    return TopicModel(embedding="tfidf", random_state=0).fit(themed_corpus)


def test_topic_plots(fitted, tmp_path):
    ax = clp.plot_topic_sizes(fitted.topics_, save=tmp_path / "sizes.png")
    assert len(ax.patches) == len(fitted.topics_) and (tmp_path / "sizes.png").stat().st_size
    fig = clp.plot_topic_terms(fitted.topic_terms_, fitted.topics_, n_terms=4)
    assert sum(bool(a.patches) for a in fig.axes) == len(fitted.topics_)
    ax = clp.plot_document_topics(fitted.document_topics(), fitted.topics_)
    assert len(ax.texts) == fitted.document_topics().size
    _, own = plt.subplots()
    assert clp.plot_topic_map(fitted.unit_map(), ax=own) is own
    plt.close("all")
