import requests


def test_health_says_ok_with_the_epoch_and_server_time(server):
    answer = requests.get(f"{server.url}/v1/health", timeout=10).json()
    assert answer["status"] == "ok"
    assert len(answer["epoch"]) == 16
    assert answer["server_time"]


def test_a_registered_counter_pulls_an_empty_feed(server):
    counter = server.register("T01")
    page = counter.pull()
    assert page["changes"] == []
    assert page["next_cursor"] == 0
    assert page["has_more"] is False
