"""Sitting rules come from the kind of body (the presets of the Code de la santé publique), then from the
body's own settings; the body page says them in French."""
from __future__ import annotations

from datetime import date, timedelta
from html import unescape

import pytest
from flask_migrate import upgrade
from sqlalchemy import func, select, text

from app.bodies.rules import quorum_sentence, rules_summary
from app.extensions import db
from app.formatting import to_paris
from app.models import PRESETS, Body, BodyKind, Meeting, Organisation, Seat
from docx_reading import body_text, reopen
from tests.conftest import make_app
from tests.html_forms import form_values


@pytest.mark.parametrize("kind", list(BodyKind))
def test_a_new_body_starts_from_its_kinds_preset(app_context, kind):
    body = Body(kind=kind, name="Instance", organisation=Organisation(name="ARS"))
    assert (body.convocation_days, body.quorum_fraction, body.quorum_strict, body.quorum_counts_represented) == (
        10, 0.5, False, True)
    assert (body.max_proxies_per_holder, body.proxies_exclude_presidents, body.second_convocation_days,
            body.unexcused_absences_limit) == (1, True, 8, 2)
    assert Body(kind=kind, name="CTS", convocation_days=15).convocation_days == 15  # its own rule wins


def test_the_new_body_form_is_filled_with_the_preset_and_says_where_it_comes_from(secretariat_client, app_context):
    html = secretariat_client.get("/bodies/new").text
    values = form_values(html)
    assert {name: values.get(name) for name in ("kind", "quorum_fraction", "quorum_strict", "convocation_days",
                                                "max_proxies_per_holder", "proxies_exclude_presidents",
                                                "second_convocation_days", "unexcused_absences_limit",
                                                "max_substitutes_per_titulaire")} == {
        "kind": "crsa_plenary", "quorum_fraction": "0.5", "quorum_strict": None, "convocation_days": "10",
        "max_proxies_per_holder": "1", "proxies_exclude_presidents": ["y"], "second_convocation_days": "8",
        "unexcused_absences_limit": "2", "max_substitutes_per_titulaire": "2"}
    page = unescape(html)
    assert "Règles prévues pour : CRSA plénière" in page
    assert "Code de la santé publique, articles D.1432-30, D.1432-44, D.1432-47 et D.1432-50" in page
    assert "Quorum : la moitié au moins des membres en fonction, présents ou représentés." in page
    cts = unescape(secretariat_client.get("/bodies/new?type=cts").text)
    assert "Règles prévues pour : Conseil territorial de santé" in cts
    assert "règlement intérieur du conseil (R.1434-38)" in cts


def test_more_than_three_pouvoirs_per_holder_is_refused_in_french(secretariat_client, app_context):
    form = {"name": "CTS de l'Aude", "short_name": "CTS 11", "kind": "cts", "parent_id": "0", "territory": "Aude",
            "quorum_fraction": "0,5", "quorum_minimum": "0", "quorum_counts_represented": "y",
            "convocation_days": "10", "reminder_days": "3", "second_convocation_days": "8", "proxies_allowed": "y",
            "max_proxies_per_holder": "4", "proxies_exclude_presidents": "y", "unexcused_absences_limit": "2",
            "max_substitutes_per_titulaire": "2"}
    response = secretariat_client.post("/bodies/new", data=form)
    page = unescape(response.text)
    assert ('<p id="max_proxies_per_holder-erreurs" class="fr-error-text">Un membre détient 1 pouvoir, ou jusqu\'à 3 '
            "si le règlement intérieur le permet, jamais plus (art. D.1432-50 du CSP) : saisissez un nombre entre 1 "
            "et 3.</p>") in page
    assert db.session.scalar(select(func.count()).select_from(Body)) == 0
    assert secretariat_client.post("/bodies/new", data={**form, "max_proxies_per_holder": "3"}).status_code == 302
    body = db.session.scalar(select(Body))
    assert (body.kind, body.max_proxies_per_holder, body.quorum_strict) == (BodyKind.CTS, 3, False)


@pytest.mark.parametrize("settings, seats, sentence", [
    ({}, 100, "Quorum : la moitié au moins des 100 membres en fonction, présents ou représentés (50)"),
    ({}, 109, "Quorum : la moitié au moins des 109 membres en fonction, présents ou représentés (55)"),
    ({"quorum_strict": True}, 100, "Quorum : plus de la moitié des 100 membres en fonction, présents ou représentés (51)"),
    ({"quorum_fraction": 1 / 3, "quorum_strict": True, "quorum_minimum": 21, "quorum_counts_represented": False}, 45,
     "Quorum : plus du tiers des 45 membres en fonction, présents, et au moins 21 (21)"),
    ({"quorum_fraction": 0.6}, 40, "Quorum : au moins 60 % des 40 membres en fonction, présents ou représentés (24)"),
    ({}, 1, "Quorum : la moitié au moins du membre en fonction, présents ou représentés (1)"),
])
def test_the_quorum_rule_in_one_sentence(settings, seats, sentence):
    body = Body(kind=BodyKind.CRSA_PLENARY, name="CRSA", **settings)
    assert quorum_sentence(body, seats) == sentence


def test_rules_summary_of_the_crsa_preset():
    assert rules_summary(PRESETS[BodyKind.CRSA_PLENARY].rules) == [
        "Convocation, ordre du jour et documents : 10 jours avant la séance, sauf urgence.",
        "Quorum : la moitié au moins des membres en fonction, présents ou représentés.",
        "Quorum non atteint : seconde convocation dans les 8 jours, la séance se tenant alors quel que soit le nombre "
        "de présents.",
        "Pouvoirs : 1 au plus par membre titulaire présent, donné seulement si le suppléant ne peut pas siéger ; le "
        "président ne donne ni ne reçoit de pouvoir.",
        "Suppléants : 2 au plus par membre titulaire.",
        "Absences : un membre absent sans excuse à 2 séances successives peut être déclaré démissionnaire.",
        "Avis : majorité des suffrages exprimés des membres présents ou représentés, abstentions non comptées, la "
        "voix du président étant prépondérante en cas de partage ; vote à main levée (décompte des voix).",
        "Rappel aux membres qui n'ont pas répondu : 3 jours avant la séance.",
    ]


def test_the_demo_crsa_sits_at_a_realistic_size(app, demo, secretariat_client):
    crsa = db.session.scalar(select(Body).where(Body.short_name == "CRSA"))
    today = date.today()
    current = [m for m in crsa.memberships if m.is_current(today)]
    titulaires = [m for m in current if m.seat is Seat.TITULAIRE and m.voting]
    assert len(titulaires) == 100
    assert len({m.college for m in titulaires}) == 8
    with_substitutes = [m for m in titulaires if m.substitutes]
    assert len(with_substitutes) >= 75 and max(len(m.substitutes) for m in titulaires) == 2

    page = unescape(secretariat_client.get(f"/bodies/{crsa.id}").text)
    assert "Quorum : la moitié au moins des 100 membres en fonction, présents ou représentés (50)." in page
    assert "Président : M. Laurent MARCHAND" in page and "Vice-présidente : Mme Hélène GRANDCLÉMENT" in page

    plenary = db.session.scalar(select(Meeting).where(Meeting.body_id == crsa.id).order_by(Meeting.starts_at))
    assert to_paris(plenary.starts_at).date() == date(2020, 6, 3)
    page = unescape(secretariat_client.get(f"/meetings/{plenary.id}").text)
    assert "Quorum atteint : 52 membres sur 100 (50 requis)" in page
    minutes = body_text(reopen(secretariat_client.get(f"/meetings/{plenary.id}/minutes.docx").data))
    assert "Le quorum étant atteint (52 membres présents ou représentés sur 100), la séance est ouverte." in minutes

    upcoming = db.session.scalar(select(Meeting).where(Meeting.body_id == crsa.id, Meeting.starts_at > demo.ends_at
                                                       + timedelta(days=365)))
    page = unescape(secretariat_client.get(f"/meetings/{upcoming.id}").text)
    assert "Prévision d'après les réponses aux convocations — Quorum non atteint : 0 membre sur 100 (50 requis)" in page


def test_migration_moves_bodies_still_carrying_the_old_defaults_to_their_preset(database):
    """15 days and « plus de la moitié » were the defaults: such a CRSA of 100 members needed 51, it needs 50."""
    app = make_app(database("rules_migration"))
    with app.app_context():
        upgrade(revision="0010")  # the revision before 0020
        db.session.execute(text("INSERT INTO organisation (id, name, short_name, secretariat_email) "
                                "VALUES (1, 'ARS', 'ARS', '')"))
        columns = ("id, organisation_id, kind, name, short_name, territory, quorum_fraction, quorum_strict, "
                   "quorum_minimum, quorum_counts_represented, convocation_days, reminder_days, proxies_allowed, "
                   "max_proxies_per_holder")
        for values in ("1, 1, 'crsa_plenary', 'CRSA', 'CRSA', '', 0.5, :t, 0, :t, 15, 3, :t, 1",
                       "2, 1, 'cts', 'CTS choisi', 'CTS', '', 0.5, :f, 0, :t, 15, 3, :t, 5",
                       "3, 1, 'cts', 'CTS du tiers', 'CTS3', '', 0.34, :t, 0, :t, 15, 3, :t, 0"):
            db.session.execute(text(f"INSERT INTO body ({columns}) VALUES ({values})"), {"t": True, "f": False})
        db.session.commit()
        upgrade()
        rows = db.session.execute(text("SELECT id, convocation_days, quorum_strict, max_proxies_per_holder, "
                                       "proxies_allowed, second_convocation_days, unexcused_absences_limit, "
                                       "proxies_exclude_presidents FROM body ORDER BY id")).all()
        assert [tuple(row) for row in rows] == [
            (1, 10, False, 1, True, 8, 2, True),   # the old defaults: moved to the preset
            (2, 15, False, 3, True, 8, 2, True),   # its own choice kept; 5 pouvoirs capped at 3
            (3, 15, True, 1, False, 8, 2, True),   # its own quorum kept; « 0 pouvoir » is « pas de pouvoirs »
        ]
        crsa = db.session.get(Body, 1)
        assert crsa.quorum_required(100) == 50
        db.session.remove()
        db.drop_all()
        db.session.execute(text("DROP TABLE IF EXISTS alembic_version"))
        db.session.commit()
        db.engine.dispose()
