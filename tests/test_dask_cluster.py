"""A cluster that shares no disk, with the corpus and the tables on object storage (issue 27).

Real processes on this machine, as a deployment would have them: an S3-compatible server
(moto's, on 127.0.0.1), a ``dask scheduler`` and two ``dask worker`` processes, each worker
with its own ``CONVOLAB_CACHE_DIR`` and its own working directory. ``convolab topics
's3://bucket/archive/*.parquet' --engine dask --scheduler ... --out s3://bucket/tables/``
must write the tables the in-process engine writes for the same files, and every worker must
have embedded into its own cache (none is shared, and none is the client's).
"""

from __future__ import annotations

import io
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import convolab as cl
from convolab.cli import main
from convolab.cluster import worker_environment
from convolab.embeddings import StaticEmbedder

s3fs = pytest.importorskip("s3fs")
distributed = pytest.importorskip("distributed")

BIN = Path(sys.executable).parent
BUCKET = "convolab-test"
THEMES = {
    "restaurant": (["The waiter", "Our host", "The chef", "A bartender", "The kitchen staff"],
                   ["brought", "prepared", "served", "refilled", "cleared"],
                   ["the soup", "the bill", "fresh bread", "the water glasses", "the dessert"],
                   ["at the corner table", "before the dinner rush", "for the whole party"]),
    "banking": (["The bank", "A teller", "The loan officer", "Our branch", "The credit union"],
                ["charged", "approved", "reviewed", "lowered", "explained"],
                ["the mortgage loan", "the account fee", "the interest rate", "a savings plan",
                 "the credit check"],
                ["for every customer", "after the audit", "at the end of the month"]),
    "fashion": (["The designer", "A tailor", "The fashion house", "Our seamstress", "The stylist"],
                ["cut", "stitched", "tailored", "dyed", "draped"],
                ["the velvet skirt", "a silk dress", "the wool jacket", "the linen suit",
                 "the winter coat"],
                ["for the spring collection", "by hand in Milan", "before the runway show"]),
}


def essays(n_per_theme: int = 20, seed: int = 0) -> pd.DataFrame:
    """Short essays of three sentences, each on one theme, none a copy of another."""
    rng = np.random.default_rng(seed)
    rows = []
    for theme, parts in THEMES.items():
        for i in range(n_per_theme):
            sentences = [" ".join(str(rng.choice(p)) for p in parts) + f" on day {i * 3 + k}."
                         for k in range(3)]
            rows.append({"doc_id": f"{theme}-{i:02d}", "text": " ".join(sentences)})
    return pd.DataFrame(rows).sample(frac=1, random_state=seed).reset_index(drop=True)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Processes:
    """Child processes, each in its own process group, logging to a file; all ended at the
    end of the module, the group killed so that no worker's children outlive it."""

    def __init__(self, logs: Path):
        self.logs, self.started = logs, []

    def start(self, name: str, argv: list[str], env: dict, cwd: Path) -> subprocess.Popen:
        log = open(self.logs / f"{name}.log", "wb")  # noqa: SIM115 - closed in stop()
        proc = subprocess.Popen(argv, env=env, cwd=cwd, stdout=log, stderr=subprocess.STDOUT,
                                stdin=subprocess.DEVNULL, start_new_session=True)
        self.started.append((proc, log))
        return proc

    def tail(self) -> str:
        return "\n".join(f"--- {p.name}\n{p.read_text(errors='replace')[-2000:]}"
                         for p in sorted(self.logs.glob("*.log")))

    def stop(self) -> None:
        for proc, _ in self.started:
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGTERM)
        for proc, log in self.started:
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait(timeout=10)
            log.close()


def wait_until(check, timeout: float, what: str, procs: Processes) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if check():
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise TimeoutError(f"{what} did not start in {timeout:.0f} s\n{procs.tail()}")


@pytest.fixture(scope="module")
def cluster(tmp_path_factory, _isolated_cache):
    """``(env, scheduler address, worker caches, client cache, processes)``."""
    root = tmp_path_factory.mktemp("cluster")
    procs = Processes(root)
    s3_port, scheduler_port = free_port(), free_port()
    endpoint = f"http://127.0.0.1:{s3_port}"
    env = {**os.environ, "AWS_ENDPOINT_URL": endpoint, "AWS_ACCESS_KEY_ID": "testing",
           "AWS_SECRET_ACCESS_KEY": "testing", "AWS_DEFAULT_REGION": "us-east-1",
           "PYTHONUNBUFFERED": "1"}
    try:
        procs.start("s3", [str(BIN / "moto_server"), "-H", "127.0.0.1", "-p", str(s3_port)],
                    env, root)
        try:
            wait_until(lambda: urllib.request.urlopen(endpoint, timeout=1).status == 200, 30,
                       "the S3 server", procs)
        except TimeoutError as exc:
            pytest.skip(f"the S3-compatible server (moto_server) could not start: {exc}")
        # The in-process engine's tables, to compare with; it also leaves the client's cache
        # warm (the client is this machine, with this test session's cache folder).
        client_cache = Path(_isolated_cache)
        main(["topics", str(_reference_folder(root)), "--out", str(root / "expected"), "-q",
              "--embedding", "static"])
        # The distilled static model is copied to each worker as a worker image would carry
        # it (not shared: each folder is the worker's own); no embedding is.
        caches = {name: root / name / "cache" for name in ("worker-a", "worker-b")}
        for cache in caches.values():
            shutil.copytree(client_cache / "models", cache / "models")
        address = f"tcp://127.0.0.1:{scheduler_port}"
        procs.start("scheduler", [str(BIN / "dask"), "scheduler", "--host", "127.0.0.1",
                                  "--port", str(scheduler_port), "--no-dashboard"], env, root)
        for name in ("worker-a", "worker-b"):
            own = root / name
            procs.start(name, [str(BIN / "dask"), "worker", address, "--nworkers", "1",
                               "--nthreads", "1", "--no-dashboard", "--name", name,
                               "--local-directory", str(own / "scratch")],
                        # As the README starts a worker by hand: with pyarrow's jemalloc pool.
                        {**env, **worker_environment(), "CONVOLAB_CACHE_DIR": str(caches[name])},
                        own)
        with distributed.Client(address, timeout="30s") as client:
            client.wait_for_workers(2, timeout=60)
        yield {"env": env, "address": address, "caches": caches, "procs": procs,
               "client_cache": client_cache,
               "root": root, "fs": s3fs.S3FileSystem(endpoint_url=endpoint, key="testing",
                                                     secret="testing", skip_instance_cache=True)}
    finally:
        procs.stop()


def _reference_folder(root: Path) -> Path:
    """The corpus as three local Parquet files (and the bytes uploaded to S3)."""
    folder = root / "archive"
    if not folder.exists():
        folder.mkdir()
        frame = essays()
        for i in range(3):
            frame.iloc[i::3].to_parquet(folder / f"part-{i}.parquet", index=False)
    return folder


def read_back(fs, name: str) -> pd.DataFrame:
    """A table the CLI wrote to s3://BUCKET/tables/: a Dask table is a folder of partitions."""
    url = f"{BUCKET}/tables/{name}"
    if fs.isdir(url):
        files = sorted(f for f in fs.find(url) if f.endswith(".parquet"))
        return pd.concat([pd.read_parquet(io.BytesIO(fs.cat(f))) for f in files],
                         ignore_index=True)
    return pd.read_parquet(io.BytesIO(fs.cat(f"{url}.parquet")))


@pytest.mark.slow  # four processes and two topic fits: about a minute once the model is distilled
def test_topics_from_and_to_s3_on_a_cluster_that_shares_no_disk(cluster):
    fs, root, env = cluster["fs"], cluster["root"], cluster["env"]
    fs.mkdir(BUCKET)
    for file in sorted(_reference_folder(root).glob("*.parquet")):
        fs.put_file(str(file), f"{BUCKET}/archive/{file.name}")
    client_env = {**env, "CONVOLAB_CACHE_DIR": str(cluster["client_cache"])}
    run = subprocess.run(
        [sys.executable, "-m", "convolab.cli", "topics", f"s3://{BUCKET}/archive/*.parquet",
         "--engine", "dask", "--scheduler", cluster["address"], "--embedding", "static",
         "--out", f"s3://{BUCKET}/tables/", "-q"],
        env=client_env, cwd=root, capture_output=True, text=True, timeout=180)
    assert run.returncode == 0, f"{run.stderr[-3000:]}\n{cluster['procs'].tail()}"
    assert f"s3://{BUCKET}/tables/assignments" in run.stdout.split()

    expected = root / "expected"  # the in-process engine on the same files
    topics = read_back(fs, "topics")
    pd.testing.assert_frame_equal(topics, pd.read_parquet(expected / "topics.parquet"),
                                  check_dtype=False)
    assert len(topics) >= 2 and topics["size"].sum() > 0
    for name, key in (("assignments", "unit_id"), ("document_topics", "doc_id"),
                      ("evaluation", None)):
        got, want = read_back(fs, name), pd.read_parquet(expected / f"{name}.parquet")
        if key:  # partitions come back in any order
            got, want = (f.sort_values(key).reset_index(drop=True) for f in (got, want))
        pd.testing.assert_frame_equal(got, want, check_dtype=False, obj=name)
    assert fs.isfile(f"{BUCKET}/tables/topics.csv")

    # No shared disk: each worker embedded into the cache folder of its own environment.
    for name in ("worker-a", "worker-b"):
        own = list((cluster["caches"][name] / "embeddings").glob("*/code-*/vectors.sqlite"))
        assert own, f"{name} wrote no embedding cache of its own"


@pytest.mark.slow
def test_object_storage_mistakes_are_one_line(cluster):
    fs, env = cluster["fs"], cluster["env"]
    fs.mkdirs(BUCKET, exist_ok=True)
    cases = [
        (["corpus", f"s3://{BUCKET}/nothing-here/*.parquet", "--out", "out"], "No file matches"),
        (["corpus", "s3://no-such-bucket-27/archive/", "--out", "out"], "no-such-bucket-27"),
        (["corpus", "nope://bucket/archive/", "--out", "out"], "Unknown storage protocol"),
        (["corpus", f"s3://{BUCKET}/archive/*.parquet", "--out", "s3://no-such-bucket-27/t/"],
         "cannot write 's3://no-such-bucket-27/t/'"),
    ]
    for argv, message in cases:
        run = subprocess.run([sys.executable, "-m", "convolab.cli", *argv, "-q"], env=env,
                             cwd=cluster["root"], capture_output=True, text=True, timeout=120)
        lines = run.stderr.strip().splitlines()
        assert run.returncode == 1 and len(lines) == 1 and message in lines[0], run.stderr


# Fast checks of the same code paths, on fsspec's in-memory store (no server, no cluster).

@pytest.fixture
def memory_store(tmp_path):
    """The same files in a local folder and under memory://bucket-27/archive."""
    import fsspec

    fs = fsspec.filesystem("memory")
    local = tmp_path / "archive"
    (local / "notes").mkdir(parents=True)
    frame = essays(4)
    files = {"a.parquet": frame.iloc[:6], "b.parquet": frame.iloc[6:]}
    for name, part in files.items():
        part.to_parquet(local / name, index=False)
    (local / "notes" / "essay.txt").write_text(" ".join(frame["text"].iloc[:2]) + " Unique.")
    (local / ".draft.txt").write_text("not read")
    (local / "metadata.csv").write_text("file,author\nnotes/essay.txt,Ann\n")
    for file in local.rglob("*"):
        if file.is_file():
            fs.pipe(f"/bucket-27/archive/{file.relative_to(local).as_posix()}",
                    file.read_bytes())
    yield fs, local
    fs.rm("/bucket-27", recursive=True)


def same_corpus(a, b) -> None:
    for key in ("documents", "sentences"):
        left, right = (getattr(c, key) for c in (a, b))
        left, right = (f.compute() if hasattr(f, "npartitions") else f for f in (left, right))
        columns = [c for c in left.columns if c != "path"]
        pd.testing.assert_frame_equal(left[columns].reset_index(drop=True),
                                      right[columns].reset_index(drop=True),
                                      check_dtype=False, obj=key)


@pytest.mark.parametrize("engine", ["pandas", "dask"])
def test_a_url_reads_as_the_same_local_files(memory_store, engine):
    import dask

    _, local = memory_store
    with dask.config.set(scheduler="synchronous"):
        for where in ("", "*.parquet", "notes/essay.txt"):
            url = cl.load_corpus(f"memory://bucket-27/archive/{where}", engine=engine)
            same_corpus(cl.load_corpus(str(local / where) if where else local, engine=engine),
                        url)
    folder = cl.load_corpus("memory://bucket-27/archive/")
    docs = folder.documents
    assert docs.loc[docs["path"].str.endswith("notes/essay.txt"), "author"].tolist() == ["Ann"]
    assert folder.documents["path"].str.startswith("memory://bucket-27/archive/").all()
    assert sorted(folder.skipped["reason"].str.split(",").str[0]) == [
        "hidden file", "metadata file"]


def test_url_mistakes_are_one_line(memory_store):
    cases = [("memory://bucket-27/archive/*.jsonl", FileNotFoundError, "No file matches"),
             ("memory://bucket-27/nothing/", FileNotFoundError, "No such file or folder"),
             ("nope://bucket/archive/", ValueError, "Unknown storage protocol")]
    try:
        import gcsfs  # noqa: F401
    except ImportError:
        cases.append(("gs://bucket/archive/", ValueError, "needs gcsfs"))
    for url, kind, message in cases:
        with pytest.raises(kind) as caught:
            cl.load_corpus(url)
        assert message in str(caught.value) and url in str(caught.value)
        assert "\n" not in str(caught.value)


def test_the_command_line_writes_tables_to_a_url(memory_store, capsys):
    fs, _ = memory_store
    out = "memory://bucket-27/tables/"
    assert main(["corpus", "memory://bucket-27/archive/", "--out", out, "-q"]) == 0
    assert f"{out}documents.parquet" in capsys.readouterr().out.split()
    back = pd.read_parquet(io.BytesIO(fs.cat("/bucket-27/tables/documents.parquet")))
    assert len(back) == len(cl.load_corpus("memory://bucket-27/archive/").documents)
    assert main(["corpus", "memory://bucket-27/archive/", "--out", "nope://x/", "-q"]) == 1
    assert main(["corpus", "memory://bucket-27/archive/", "--out", "memory://no-bucket/t/",
                 "-q"]) == 1
    errors = capsys.readouterr().err.strip().splitlines()
    assert len(errors) == 2 and "'nope://x/'" in errors[0] and "no-bucket" in errors[1]


def test_a_shipped_static_embedder_uses_the_cache_folder_where_it_runs(monkeypatch, tmp_path):
    import pickle

    monkeypatch.setenv("CONVOLAB_CACHE_DIR", str(tmp_path / "client"))
    shipped = pickle.dumps(StaticEmbedder())
    monkeypatch.setenv("CONVOLAB_CACHE_DIR", str(tmp_path / "worker"))
    assert pickle.loads(shipped).folder.is_relative_to(tmp_path / "worker")
    assert StaticEmbedder(tmp_path / "given").folder.is_relative_to(tmp_path / "given")
