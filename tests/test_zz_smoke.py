from tests.conftest import *
def test_smoke(client, app_context, demo):
    from app.models import User
    from sqlalchemy import select
    u = db.session.scalar(select(User).where(User.email=="membre@demo.example.fr"))
    c = log_in(client, u, "demo-seances-2020")
    r = c.get("/mes-seances"); assert r.status_code == 200, r.text
    open("/tmp/mu_my.html","w").write(r.text)
    r = c.get("/recherche?texte=ehpad"); assert r.status_code == 200, r.text
    open("/tmp/mu_s.html","w").write(r.text)
    r = c.get("/recherche?du=2020-06-01&au=2020-05-01"); assert r.status_code == 422, r.text
    assert "la date « du »" in r.text
