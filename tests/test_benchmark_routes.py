"""The benchmark's bare route exists only in the benchmark's app."""


def test_production_app_has_no_benchmark_route(client):
    assert client.get("/_bench/ping").status_code == 404


def test_benchmark_app_answers_the_bare_route(isolated_app):
    app = isolated_app("bench", BENCHMARK_ROUTES=True)
    response = app.test_client().get("/_bench/ping")
    assert response.status_code == 200 and response.get_data(as_text=True) == "pong"
