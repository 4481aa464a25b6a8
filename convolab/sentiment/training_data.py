"""Readers of the human-rated sentence sets the learned tone scorer is trained and checked on.

Every reader returns one frame ``text, gold, source, split, document`` with ``gold`` on a scale
centred on 0: SST's positivity ``2p - 1``; UCI's labels -1/+1; EmoBank's and the Facebook
posts' valence standardised (``(v - mean) / sd``, times a target scale chosen by
:mod:`convolab.sentiment.train`), because EmoBank's valence is squeezed to the middle of 1..5.
``source`` is the domain a held-out evaluation leaves out: ``sst``, ``yelp``, ``amazon``,
``imdb``, ``eb-<genre>`` (EmoBank's genres from ``meta.tsv``) and ``facebook``.

The texts are read from ``../shared/data/sentiment/`` at training time and never shipped; what
ships is each file's sha256 and each set's licence (:data:`LICENCES`).
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import numpy as np
import pandas as pd

DEFAULT_DATA = Path("..") / "shared" / "data" / "sentiment"
UCI_FILES = {"yelp": "yelp_labelled.txt", "amazon": "amazon_cells_labelled.txt",
             "imdb": "imdb_labelled.txt"}
SST_FILES = {"train": "SSTB_train.csv", "dev": "SSTB_dev.csv", "test": "SSTB_test.csv"}
EMOBANK_FILES = ("emobank.csv", "meta.tsv")
FACEBOOK_FILE = "dataset-fb-valence-arousal-anon.csv"
#: Our own rated editorial and social sentences (a check only, never training data).
TONE_WRITTEN = Path(__file__).resolve().parents[2] / "benchmarks" / "data" / "tone_written"
#: Each set's licence and citation, stored beside the weights and stated in the README.
LICENCES = {
    "sst": "Stanford Sentiment Treebank v1.0 (Socher et al., EMNLP 2013); research use, cite",
    "uci_labelled_sentences": "UCI Sentiment Labelled Sentences (Kotzias et al., KDD 2015); "
                              "research use, cite",
    "emobank": "EmoBank (Buechel & Hahn, EACL 2017); CC-BY-SA 4.0",
    "facebook_va": "Facebook valence/arousal posts (Preotiuc-Pietro et al., WASSA 2016); "
                   "GPL v3",
}
COLUMNS = ["text", "gold", "source", "split", "document"]

_DETOK = [(re.compile(r" (n't|'s|'re|'ve|'m|'ll|'d)\b"), r"\1"), (re.compile(r"`` ?"), '"'),
          (re.compile(r" ?''"), '"'),
          (re.compile(r" ([.,!?;:%)\]])"), r"\1"), (re.compile(r"([(\[$]) "), r"\1"),
          (re.compile(r"\\/"), "/")]


def detokenise(text: str) -> str:
    """Undo the Penn-Treebank tokenisation of SST sentences (``do n't`` → ``don't``)."""
    for pattern, repl in _DETOK:
        text = pattern.sub(repl, text)
    return text.strip()


def load_sst(folder: Path) -> pd.DataFrame:
    """SST sentences: ``gold`` = 2 * positivity - 1, ``source="sst"``, ``split`` as shipped."""
    frames = []
    for split, name in SST_FILES.items():
        frame = pd.read_csv(Path(folder) / name, index_col=0)
        frames.append(pd.DataFrame({
            "text": frame["sentence"].astype(str).map(detokenise),
            "gold": 2.0 * frame["values"].astype(float) - 1.0,
            "source": "sst", "split": split, "document": ""}))
    return pd.concat(frames, ignore_index=True)


def load_uci(folder: Path) -> pd.DataFrame:
    """UCI labelled sentences: ``gold`` -1/+1, ``source`` yelp/amazon/imdb.

    Split on "\\n" only and on the last tab: ``imdb_labelled.txt`` holds U+0085 and unbalanced
    double quotes, which ``str.splitlines`` and ``read_csv``'s default quoting both mis-read.
    """
    rows = []
    for source, name in UCI_FILES.items():
        raw = (Path(folder) / name).read_bytes().decode("utf-8")
        for line in raw.split("\n"):
            line = line.rstrip("\r")
            if not line.strip():
                continue
            text, _, label = line.rpartition("\t")
            if label.strip() not in {"0", "1"}:
                raise ValueError(f"{name}: cannot read a 0/1 label from {line[-40:]!r}")
            rows.append((text.strip(), 2.0 * int(label) - 1.0, source, "train", ""))
    return pd.DataFrame(rows, columns=COLUMNS)


def standardise(values: np.ndarray, scale: float = 1.0) -> np.ndarray:
    """``scale * (v - mean) / sd``: a squeezed rating scale made comparable with the others."""
    values = np.asarray(values, float)
    return scale * (values - values.mean()) / values.std()


def load_emobank(folder: Path, scale: float = 1.0) -> pd.DataFrame:
    """EmoBank's sentences with standardised valence; ``source`` is ``eb-<genre>``.

    ``split`` is EmoBank's own (train/dev/test, stratified by genre); ``document`` names the
    text each sentence comes from (``meta.tsv``), for the document-level check. The mean and
    sd of the standardisation are EmoBank's train+dev sentences' (mean 2.98, sd 0.35).
    """
    folder = Path(folder)
    bank = pd.read_csv(folder / "emobank.csv", index_col=0, keep_default_na=False)
    meta = pd.read_csv(folder / "meta.tsv", sep="\t", index_col=0, keep_default_na=False)
    bank = bank.join(meta[["document", "category"]], how="left")
    if bank["category"].isna().any():
        raise ValueError("emobank.csv holds ids that meta.tsv does not name")
    fit = bank["split"] != "test"
    v = bank["V"].astype(float)
    gold = scale * (v - v[fit].mean()) / v[fit].std(ddof=0)
    genre = bank["category"].str.strip().str.lower().str.replace(" ", "_")
    return pd.DataFrame({"text": bank["text"].astype(str).str.strip(), "gold": gold.to_numpy(),
                         "source": ("eb-" + genre).to_numpy(), "split": bank["split"].to_numpy(),
                         "document": bank["document"].astype(str).to_numpy()})


def load_facebook(folder: Path, scale: float = 1.0) -> pd.DataFrame:
    """The Facebook posts: mean of the two raters' valence (1..9), standardised."""
    frame = pd.read_csv(Path(folder) / FACEBOOK_FILE, keep_default_na=False)
    v = frame[["Valence1", "Valence2"]].astype(float).mean(axis=1).to_numpy()
    return pd.DataFrame({"text": frame["Anonymized Message"].astype(str).str.strip(),
                         "gold": standardise(v, scale), "source": "facebook",
                         "split": "train", "document": ""})


def data_files(data_dir: Path) -> list[Path]:
    """Every file the training reads, in a fixed order."""
    data_dir = Path(data_dir)
    return ([data_dir / "sst" / n for n in SST_FILES.values()]
            + [data_dir / "uci_labelled_sentences" / n for n in UCI_FILES.values()]
            + [data_dir / "emobank" / n for n in EMOBANK_FILES]
            + [data_dir / "facebook_va" / FACEBOOK_FILE])


def load_training_data(data_dir: str | Path = DEFAULT_DATA,
                       scale: float = 1.0) -> tuple[pd.DataFrame, dict]:
    """All rated sentences plus the sha256 of every file read.

    Parameters
    ----------
    data_dir : path
        Folder holding ``sst/``, ``uci_labelled_sentences/``, ``emobank/``, ``facebook_va/``.
    scale : float
        Target scale of the standardised valence of EmoBank and the Facebook posts.

    Returns
    -------
    frame : DataFrame
        ``text, gold, source, split, document``; SST's and EmoBank's ``split`` are their own,
        the others' ``train``; empty texts are dropped.
    sha256 : dict
        Relative file path → sha256, stored with the weights as provenance.
    """
    data_dir = Path(data_dir)
    files = data_files(data_dir)
    missing = [str(p) for p in files if not p.exists()]
    if missing:
        raise FileNotFoundError(f"Training data not found: {missing}. Pass --data to the folder "
                                "holding sst/, uci_labelled_sentences/, emobank/, facebook_va/.")
    digests = {p.relative_to(data_dir).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
               for p in files}
    frame = pd.concat([load_sst(data_dir / "sst"), load_uci(data_dir / "uci_labelled_sentences"),
                       load_emobank(data_dir / "emobank", scale),
                       load_facebook(data_dir / "facebook_va", scale)], ignore_index=True)
    return frame[frame["text"].str.len() > 0].reset_index(drop=True), digests


def load_tone_written(folder: str | Path = TONE_WRITTEN) -> pd.DataFrame:
    """Our own rated sentences (``gold`` in -1..1): ``source`` editorial or social.

    Empty if the folder is missing (an installed package has no ``benchmarks/``).
    """
    folder = Path(folder)
    rows = []
    for path in sorted(folder.glob("*.tsv")) if folder.is_dir() else []:
        register = path.stem.split("_")[0]
        for line in path.read_text(encoding="utf-8").split("\n"):
            rating, sep, text = line.partition("\t")
            if sep and text.strip():
                rows.append((text.strip(), float(rating), register, "check", path.stem))
    return pd.DataFrame(rows, columns=COLUMNS)
