"""The benchmark's bare route exists only in the benchmark's app."""

from app.models import Role
from tests.conftest import create_user, log_in



def test_production_app_has_no_benchmark_route(client):
    assert client.get("/_bench/ping").status_code == 404


def test_benchmark_app_answers_the_bare_route(isolated_app):
    app = isolated_app("bench", BENCHMARK_ROUTES=True)
    response = app.test_client().get("/_bench/ping")
    assert response.status_code == 200 and response.get_data(as_text=True) == "pong"


def test_benchmark_app_serves_its_comparison_files_like_static_files(isolated_app, tmp_path, client):
    (tmp_path / "copie.docx").write_bytes(b"PK" + bytes(range(256)))
    app = isolated_app("bench-files", BENCHMARK_ROUTES=True, BENCHMARK_FILES=str(tmp_path))
    response = app.test_client().get("/_bench/files/copie.docx")
    assert response.status_code == 200 and response.data == b"PK" + bytes(range(256)) and response.headers["ETag"]
    assert app.test_client().get("/_bench/files/../secret").status_code == 404
    assert client.get("/_bench/files/copie.docx").status_code == 404  # not in the production app


def test_benchmark_app_serves_the_same_bytes_from_memory_to_a_logged_in_account_only(isolated_app, tmp_path):
    """The floor of a download that checks its account: the bench compares the validated compte rendu with it."""
    (tmp_path / "copie.docx").write_bytes(b"PK" + bytes(range(256)))
    app = isolated_app("bench-account-files", BENCHMARK_ROUTES=True, BENCHMARK_FILES=str(tmp_path))
    anonymous = app.test_client().get("/_bench/account-files/copie.docx")
    assert anonymous.status_code == 302 and "/login" in anonymous.headers["Location"]
    with app.app_context():
        client = log_in(app.test_client(), create_user(Role.SECRETARIAT))
        response = client.get("/_bench/account-files/copie.docx")
        assert response.status_code == 200 and response.data == b"PK" + bytes(range(256))
        assert response.headers["Content-Disposition"] == "attachment; filename=copie.docx"
        assert client.get("/_bench/account-files/absent.docx").status_code == 404
