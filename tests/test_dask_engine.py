"""The Dask engine on a real local cluster (2 worker processes) gives the local engine's
findings, byte for byte, on the seeds and on a 10k-comment synthetic corpus."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import REPO, Cli, snapshot

distributed = pytest.importorskip("distributed")


@pytest.fixture(scope="module")
def scheduler():
    with (
        distributed.LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
        ) as cluster,
        distributed.Client(cluster) as client,
    ):
        yield cluster.scheduler_address
        # Nothing is left on the cluster once an analysis is over.
        assert not client.who_has()


def _analyse_both(root: Path, address: str, partition_mb: float) -> tuple[bytes, bytes]:
    cli = Cli(root)
    (root / "themesite.yml").write_text(
        f"analyse:\n  partition_mb: {partition_mb}\n  cache: false\n", encoding="utf-8"
    )
    local = cli("analyse")
    assert local.exit_code == 0, local.output
    expected = (root / "build" / "findings.json").read_bytes()
    remote = cli("analyse", "--engine", "dask", "--scheduler", address)
    assert remote.exit_code == 0, remote.output
    return expected, (root / "build" / "findings.json").read_bytes()


def test_the_seeds_give_the_same_findings_on_both_engines(seeded_project, scheduler):
    assert Cli(seeded_project)("ingest").exit_code == 0
    # A partition per thread: the global steps really combine partial results.
    local, dask = _analyse_both(seeded_project, scheduler, 0.001)
    assert local == dask


def test_a_10k_synthetic_corpus_gives_the_same_findings_on_both_engines(tmp_path, scheduler):
    root = tmp_path / "p10k"
    subprocess.run(
        [sys.executable, "synth.py", "--comments", "10000", "--out", str(root / "corpus" / "raw")],
        cwd=REPO / "benchmarks",
        check=True,
        capture_output=True,
    )
    shutil.copy(REPO / "corpus" / "taxonomy.yml", root / "corpus" / "taxonomy.yml")
    assert Cli(root)("ingest").exit_code == 0
    local, dask = _analyse_both(root, scheduler, 2)
    assert local == dask
    assert b'"comments": 10000' in local


def test_a_broken_thread_file_on_a_worker_is_one_line_naming_it(seeded_project, scheduler):
    cli = Cli(seeded_project)
    assert cli("ingest").exit_code == 0
    assert cli("analyse").exit_code == 0
    before = snapshot(seeded_project / "build")
    broken = sorted((seeded_project / "corpus" / "threads").glob("*.json"))[1]
    broken.write_bytes(b"\x00\x01 not json")
    result = cli("analyse", "--engine", "dask", "--scheduler", scheduler)
    assert result.exit_code == 1
    message = result.stderr.strip()
    assert len(message.splitlines()) == 1 and broken.name in message, message
    assert snapshot(seeded_project / "build") == before


def test_an_unreachable_scheduler_is_a_clear_error(seeded_project):
    cli = Cli(seeded_project)
    assert cli("ingest").exit_code == 0
    result = cli("analyse", "--engine", "dask", "--scheduler", "tcp://127.0.0.1:9")
    assert result.exit_code == 1
    assert "cannot reach the Dask scheduler at tcp://127.0.0.1:9" in result.stderr


def test_an_unknown_engine_is_refused(seeded_project):
    result = Cli(seeded_project)("analyse", "--engine", "spark")
    assert result.exit_code == 1
    assert "error: --engine: is 'spark', not a known choice (one of local, dask)" in result.stderr
