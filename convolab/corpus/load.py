""":func:`load_corpus`, the single entry point: read, clean, de-duplicate and segment a corpus,
accounting for every input.

Inputs that cannot be used land in ``corpus.excluded`` with a reason (see
:mod:`convolab.corpus.duplicates` for which documents are kept); text removed by cleaning lands
in ``corpus.removed``. The tables are built by :mod:`convolab.corpus.tables`, in process or on
Dask (:mod:`convolab.corpus.partitioned`); data flows one way, from here to them.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from .cleaning import clean_text
from .duplicates import select_documents
from .sources import plan_source, read_plan
from .tables import Corpus, _assign_ids, _build


def load_corpus(
    source: str | Path | pd.DataFrame | pd.Series,
    *,
    text_column: str = "text",
    min_words: int = 10,
    near_duplicate_threshold: float = 0.9,
    name: str | None = None,
    include_hidden: bool = False,
    follow_links: bool = False,
    engine: str = "pandas",
    files_per_partition: int | None = None,
    progress: bool = False,
    scratch: str | Path | None = None,
) -> Corpus:
    """Read, clean and segment a corpus.

    Parameters
    ----------
    source : path, DataFrame or Series
        A folder (read recursively, following symbolic links that stay inside it: ``.txt .md .html .htm .csv
        .jsonl .parquet``; a ``metadata.csv`` with a ``file`` column adds metadata to the
        files of its folder), a single file, a DataFrame with a text column, or a Series of
        texts. A DataFrame's ``doc_id`` column (or a Series' index) is kept; other columns
        become metadata.
    text_column : str
        Column holding the text in tables and DataFrames.
    min_words : int
        Documents with fewer words after cleaning are excluded (and listed as such).
    near_duplicate_threshold : float
        Estimated Jaccard similarity of word 3-gram sets above which a document counts as a
        near-duplicate of an earlier one and is excluded.
    name : str, optional
        Label for reports; defaults to the folder or file name.
    include_hidden : bool
        Read hidden files and folders (names starting with "."); by default they are listed
        in ``corpus.skipped``.
    follow_links : bool
        Read symbolic links that point outside the folder. By default they are listed in
        ``corpus.skipped``, so that a report never shows a file its author did not put in the
        corpus. Links into ``/proc``, ``/sys`` or ``/dev`` are never read.
    engine : {"pandas", "dask"}
        ``"dask"`` reads, cleans and segments on the workers of the current
        ``dask.distributed`` client (or Dask's local threads when there is none) and returns a
        :class:`Corpus` whose ``documents``, ``paragraphs``, ``sentences`` and ``removed`` are
        ``dask.dataframe`` frames with the same columns, ids and accounting as with pandas;
        ``excluded`` and ``skipped`` stay pandas (see :mod:`convolab.corpus.partitioned`).
        ``source`` may then also be a glob (``"archive/*.parquet"``) or a Dask DataFrame.
    files_per_partition : int, optional
        Dask only: files read by one task (by default chosen from the number of files).
    progress : bool
        Dask only: show the Dask progress bar of each pass over the partitions.
    scratch : str or path, optional
        Dask only: where intermediate partitions and the built tables are written (an fsspec
        URL such as ``s3://bucket/scratch``, or a local folder; each run makes a folder of its
        own inside). Workers that share no disk need storage they all reach. Default
        ``$CONVOLAB_SCRATCH`` or a temporary folder removed when the process exits
        (:mod:`convolab.corpus.scratch`).

    Returns
    -------
    Corpus
        Every input is accounted for: it is a row of ``documents``, ``excluded`` or
        ``skipped``.

    Raises
    ------
    FileNotFoundError
        If ``source`` does not exist.
    ValueError
        If a folder holds no files, a table lacks ``text_column``, or a ``metadata.csv`` is
        malformed (:class:`~convolab.corpus.metadata.MetadataError`).
    TypeError
        If ``source`` is not a path, DataFrame or Series.

    Examples
    --------
    >>> import convolab as cl
    >>> corpus = cl.load_corpus("corpus")          # doctest: +SKIP
    >>> corpus.sentences[["doc_id", "sent_id", "text"]].head()  # doctest: +SKIP
    """
    if isinstance(min_words, bool) or not isinstance(min_words, int) or min_words < 0:
        raise ValueError(f"min_words must be a whole number >= 0, not {min_words!r}")
    if engine not in ("pandas", "dask"):
        raise ValueError(f"engine must be 'pandas' or 'dask', not {engine!r}")
    if not 0 < near_duplicate_threshold <= 1:
        raise ValueError("near_duplicate_threshold must be in (0, 1], not "
                         f"{near_duplicate_threshold!r}")
    if engine == "dask" or type(source).__module__.startswith("dask"):
        from .partitioned import load_partitioned

        return load_partitioned(source, text_column=text_column, min_words=min_words,
                                threshold=near_duplicate_threshold, name=name,
                                include_hidden=include_hidden, follow_links=follow_links,
                                files_per_partition=files_per_partition, progress=progress,
                                scratch=scratch)
    plan = plan_source(source, text_column=text_column, name=name,
                       include_hidden=include_hidden, follow_links=follow_links)
    raws, excluded, skipped, name = read_plan(plan, text_column=text_column)
    _assign_ids(raws)
    cleaned = {}
    for raw in raws:
        cleaned[raw.doc_id] = clean_text(raw.text)
        raw.text = ""  # only the cleaned paragraphs are read from here on: free the raw copy
    kept, more_excluded = select_documents(raws, cleaned, min_words, near_duplicate_threshold)
    excluded.extend(more_excluded)
    corpus = _build(kept, cleaned, excluded, name)
    corpus.skipped = pd.DataFrame(skipped, columns=["path", "reason"])
    return corpus
