"""Counting in passes on a real Dask cluster equals the local engine, to the bit, also when a
worker dies mid-run.

A ``distributed.LocalCluster`` of two worker processes (one thread each) serves the module.
The shared samples, and 40,000 synthetic Web of Science records (``benchmarks/make_wos.py``,
40 files, generated once per session), are counted on it and on the local engine: the networks
are identical and so are the files written from them. Dask is a test dependency: it is
imported, not skipped.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import distributed
import pandas as pd
import pytest
from click.testing import CliRunner
from same_outputs import assert_same_network, same_files

import bibnet
from bibnet import EngineParams, InputError, NetworkParams
from bibnet.cli import main
from bibnet.passes import network
from bibnet.passes.counted import count
from bibnet.passes.engines import DaskEngine
from bibnet.passes.tasks import Plan
from bibnet.readwrite.folder import save

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "wos_exports"
DATA = Path(__file__).parent / "data"
BROKEN = DATA / "broken"
CROSS = (DATA / "mixed", DATA / "scopus" / "bibliotobler_scopus.csv")
FIELDS = ("all", "author", "indexed")
#: The synthetic corpus' network: threshold 4, the other options their defaults.
SYNTHETIC = NetworkParams(min_occurrences=4)
TIMEOUT = 120


# -- fixtures --------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def client(synthetic_local):
    # after the local engine's reference count, whose worker processes are forked: not beside the
    # threads of a Dask client
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster, \
            distributed.Client(cluster) as dask_client:
        yield dask_client


@pytest.fixture(scope="session")
def synthetic(tmp_path_factory) -> Path:
    """40,000 synthetic WoS records in 40 files of 1,000."""
    out = tmp_path_factory.mktemp("synthetic40k")
    subprocess.run([sys.executable, str(ROOT / "benchmarks" / "make_wos.py"), "--records", "40000", "--seed", "1",
                    "--out", str(out)], check=True, capture_output=True, timeout=300)
    assert len(list(out.glob("*.txt"))) == 40
    return out


@pytest.fixture(scope="module")
def synthetic_local(synthetic, tmp_path_factory) -> tuple[bibnet.Network, Path]:
    """The synthetic corpus counted on the local engine, and its clustered map saved."""
    counted = bibnet.count_files(synthetic, network_params=SYNTHETIC, engine_params=EngineParams(workers=2))
    net = network(counted, params=SYNTHETIC)
    assert (len(net), net.n_links) == (8282, 315415)
    folder = tmp_path_factory.mktemp("synthetic-local")
    save(net, folder)  # not clustered: the files of the counts themselves
    return net, folder


# -- helpers ---------------------------------------------------------------------------------------------


def local(*paths, params: NetworkParams, fields=None, **read) -> bibnet.Counted:
    """Counted on the local engine in this process (no worker forked beside the Dask client's threads)."""
    return bibnet.count_files(*paths, fields=fields or (params.keywords,), network_params=params,
                              engine_params=EngineParams(workers=1), **read)


def run(*args) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, [str(a) for a in args])
    if result.exception and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.exit_code, result.stdout, result.stderr


# -- the same counts on Dask -------------------------------------------------------------------------------

SAMPLES = [
    ("sample", (SAMPLE,), NetworkParams(min_occurrences=4), {}),
    ("cross-fractional-original", CROSS, NetworkParams(min_occurrences=1, counting="fractional", label_case="original"),
     {}),
    ("cross-prefer-scopus", CROSS, NetworkParams(min_occurrences=1), {"prefer": ["Scopus"]}),
]


@pytest.mark.parametrize(("paths", "params", "read"), [s[1:] for s in SAMPLES], ids=[s[0] for s in SAMPLES])
def test_dask_counts_equal_the_local_engines(client, paths, params, read):
    on_dask = bibnet.count_files(*paths, fields=FIELDS, network_params=params, client=client, **read)
    here = local(*paths, params=params, fields=FIELDS, **read)
    assert on_dask.report.to_dict() == here.report.to_dict()
    for field in FIELDS:
        for threshold in sorted({params.min_occurrences, 4}):
            chosen = NetworkParams(keywords=field, min_occurrences=threshold, counting=params.counting,
                                   label_case=params.label_case)
            dask_net = network(on_dask, params=chosen)
            assert_same_network(network(here, params=chosen), dask_net)
            assert_same_network(bibnet.build_network(bibnet.read(*paths, lean=True, **read), params=chosen), dask_net)
    # the documents of a network counted on Dask, read back from the files
    net, memory = network(on_dask, params=params), bibnet.build_network(bibnet.read(*paths, lean=True, **read), params=params)
    top = memory.items.sort_values(["occurrences", "label"], ascending=[False, True])["label"].tolist()
    for labels in ([top[0]], [top[1]], top[:2]):
        pd.testing.assert_frame_equal(net.documents(*labels), memory.documents(*labels), check_exact=True)


def test_synthetic_40k_on_dask_equals_the_local_engine_and_writes_the_same_files(client, synthetic, synthetic_local,
                                                                                tmp_path):
    runner = DaskEngine(client)
    counted = count([str(synthetic)], plan=Plan(fields=("all",)), params=SYNTHETIC,
                    engine=runner)
    assert counted.report.records == counted.report.records_read == 40000 and len(counted.report.files) == 40
    net = network(counted, params=SYNTHETIC)
    reference, folder = synthetic_local
    assert_same_network(reference, net)
    save(net, tmp_path / "dask")
    assert same_files(tmp_path / "dask", folder) == [".bibnet-manifest.json", "map.json", "map.txt", "network.txt",
                                                       "summary.json"]
    # What the tasks sent to the reduction, one entry per pass (first pass: 40 files, second: 40).
    # Measured here: sent == [15200, 15200], 380 bytes a file: Dask's sizeof of the parts and
    # summands, shallow for these objects. Pickled, one file's first-pass part and summand are
    # about 231 kB and 234 kB: the bytes sent are some 1,000 times what traffic reports.
    assert runner.traffic.tasks == [40, 40]
    assert len(runner.traffic.sent) == 2 and all(sent > 0 for sent in runner.traffic.sent)


def test_synthetic_40k_local_engine_equals_the_in_memory_network(synthetic, synthetic_local):
    reference, _ = synthetic_local
    assert_same_network(bibnet.build_network(bibnet.read(synthetic, lean=True), params=SYNTHETIC), reference)


def test_traffic_has_one_entry_per_pass(client):
    runner = DaskEngine(client)
    count([str(SAMPLE)], plan=Plan(fields=FIELDS), params=NetworkParams(min_occurrences=4), engine=runner)
    # wos_exports: 3 files in the first pass (SOURCES.md is read and left out), the 2 exports in
    # the second; measured: sent == [880, 760] bytes (Dask's sizes of the parts and summands).
    assert runner.traffic.tasks == [3, 2]
    assert len(runner.traffic.sent) == 2 and all(sent > 0 for sent in runner.traffic.sent)


# -- the command line ------------------------------------------------------------------------------------


def test_map_on_dask_writes_the_files_of_the_local_engine(client, tmp_path):
    common = ("--min-occurrences", "4", "--no-layout")
    code, _, stderr = run("map", SAMPLE, "--out", tmp_path / "dask", "--engine", "dask", "--workers", "2", *common)
    assert code == 0, stderr
    assert "read 683 records from 2 files: 683 kept, 0 duplicates removed, 0 skipped" in stderr
    code, _, stderr = run("map", SAMPLE, "--out", tmp_path / "local", "--engine", "local", *common)
    assert code == 0, stderr
    assert same_files(tmp_path / "dask", tmp_path / "local") == [".bibnet-manifest.json", "map.json", "map.txt",
                                                                 "network.txt", "summary.json"]
    # on a running cluster (the module's), by its scheduler's address
    address = client.scheduler.address
    code, _, stderr = run("map", SAMPLE, "--out", tmp_path / "scheduler", "--engine", "dask", "--scheduler", address, *common)
    assert code == 0, stderr
    same_files(tmp_path / "scheduler", tmp_path / "local")


# -- errors on Dask --------------------------------------------------------------------------------------


@pytest.mark.parametrize(("paths", "read"), [
    ((SAMPLE, BROKEN / "binary.dat"), {}),
    ((SAMPLE, BROKEN / "latin1_no_bom.txt"), {}),
    ((SAMPLE, BROKEN / "login_page.html"), {"skip_unreadable": True}),
    ((SAMPLE, BROKEN / "plain_truncated.txt"), {"strict": True}),
    ((BROKEN,), {}),
], ids=["binary", "latin1", "not-an-export-skip-unreadable", "strict", "broken-folder"])
def test_a_bad_file_on_dask_gives_the_error_of_the_in_memory_read(client, paths, read):
    with pytest.raises(InputError) as memory:
        bibnet.read(*paths, lean=True, **read)
    with pytest.raises(InputError) as on_dask:
        bibnet.count_files(*paths, client=client, **read)
    assert str(on_dask.value) == str(memory.value)


def test_an_empty_folder_on_dask_gives_the_error_of_the_in_memory_read(client, tmp_path):
    with pytest.raises(InputError) as memory:
        bibnet.read(tmp_path, lean=True)
    assert str(memory.value) == "no export found (no files)"
    with pytest.raises(InputError) as on_dask:
        bibnet.count_files(tmp_path, client=client)
    assert str(on_dask.value) == str(memory.value)


# -- a worker killed mid-run (last: it restarts one of the module's workers) -------------------------------


@pytest.mark.parametrize("during", ["first_pass", "second_pass"])
def test_a_worker_killed_mid_run_is_replaced_and_the_count_is_the_same(client, synthetic, synthetic_local, tmp_path, during):
    client.wait_for_workers(2, timeout=TIMEOUT)
    pids = client.run(os.getpid)
    victim = sorted(pids)[0]
    outcome: dict[str, object] = {}

    def counting() -> None:
        try:
            outcome["counted"] = bibnet.count_files(synthetic, network_params=SYNTHETIC, client=client)
        except BaseException as error:  # reported below
            outcome["error"] = error

    thread = threading.Thread(target=counting, daemon=True)
    thread.start()
    # wait until both workers run tasks and the victim holds results of the pass, which must
    # then be computed again (in the second pass, the victim also holds a copy of what every
    # task of the pass shares)
    deadline = time.monotonic() + TIMEOUT
    while True:
        assert thread.is_alive() and time.monotonic() < deadline, f"no worker was killed during {during}"
        processing = client.processing()
        held = client.has_what().get(victim, ())
        if (len(processing) == 2 and all(processing.values())
                and any(str(key).startswith(f"{during}-") for key in held)):
            break
        time.sleep(0.005)
    os.kill(pids[victim], signal.SIGKILL)
    thread.join(TIMEOUT)
    assert not thread.is_alive(), "the count did not finish"
    assert "error" not in outcome, outcome.get("error")

    reference, folder = synthetic_local
    counted = outcome["counted"]
    assert isinstance(counted, bibnet.Counted)
    net = network(counted, params=SYNTHETIC)
    assert_same_network(reference, net)
    save(net, tmp_path / "dask")
    same_files(tmp_path / "dask", folder)

    # the nanny started a new worker in place of the killed one, and the cluster counts on
    client.wait_for_workers(2, timeout=TIMEOUT)
    assert pids[victim] not in client.run(os.getpid).values()
    params = NetworkParams(min_occurrences=4)
    assert_same_network(network(local(SAMPLE, params=params), params=params),
                        network(bibnet.count_files(SAMPLE, network_params=params, client=client), params=params))
