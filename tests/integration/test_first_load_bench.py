"""`tilldesk bench --first-load N`: new counters registered with a real server holding about
N consumers load every change it publishes, and the figures come with the load average (the
seconds themselves are read by people, never asserted)."""

from app.domain.progress import no_progress
from cli.first_load_bench import run_first_load_benchmark
from tests.pg import pg_cluster, server_db_url, server_template  # noqa: F401


def test_each_new_counter_loads_everything_the_server_holds(server_db_url):  # noqa: F811
    result = run_first_load_benchmark(
        400, runs=2, server_db=server_db_url, server_url=None, progress=no_progress
    )

    assert result["consumers"] >= 400
    assert len(result["runs"]) == 2
    for run in result["runs"]:
        assert run["changes"] == result["feed_changes"] >= result["consumers"] + result["bills"]
        assert run["load_average_before"] >= 0 and run["load_average_after"] >= 0
        assert run["client_cpu_s"] > 0
    assert 0 < result["p50_s"] <= result["p95_s"]
