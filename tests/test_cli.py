"""The command-line contract of the README."""
from sqlalchemy import select

from app.extensions import db
from app.models import Role, User


def test_meetings_command_lists_one_tab_separated_line_per_meeting_oldest_first(app, demo):
    result = app.test_cli_runner().invoke(args=["meetings"])
    assert result.exit_code == 0
    lines = result.output.strip().split("\n")
    assert len(lines) == 11  # both ARS of the demo
    first = lines[0].split("\t")
    assert first[1:4] == ["2020-05-28", "10:00", "GT COVID Déconfinement"]
    assert first[4].startswith("Réunion du groupe de travail CRSA COVID Déconfinement")
    assert lines[1].split("\t")[1:4] == ["2020-06-03", "14:00", "CRSA"]
    assert lines[2].split("\t")[1:3] == ["2020-06-09", "10:30"]
    dates = [line.split("\t")[1] for line in lines]
    assert dates == sorted(dates)


def test_demo_command_loads_once(app, app_context):
    runner = app.test_cli_runner()
    assert "chargées" in runner.invoke(args=["demo"]).output
    assert "rien n'a été modifié" in runner.invoke(args=["demo"]).output


def test_create_user_command(app, app_context):
    runner = app.test_cli_runner()
    no_organisation = runner.invoke(args=["create-user", "claire@example.fr", "--password", "un-long-secret"])
    assert no_organisation.exit_code != 0 and "create-organisation" in no_organisation.output
    created = runner.invoke(args=["create-organisation", "Agence Régionale de Santé Corse", "--short-name", "ARS Corse"])
    assert created.exit_code == 0 and "Organisation créée" in created.output
    result = runner.invoke(args=["create-user", "Claire@Example.fr", "--role", "secretariat", "--password", "un-long-secret"])
    assert result.exit_code == 0, result.output
    assert "Agence Régionale de Santé Corse" in result.output
    user = db.session.scalar(select(User).where(User.email == "claire@example.fr"))
    assert user.role is Role.SECRETARIAT and user.check_password("un-long-secret")
    assert user.organisation.short_name == "ARS Corse"
    again = runner.invoke(args=["create-user", "claire@example.fr", "--password", "un-long-secret"])
    assert again.exit_code != 0 and "existe déjà" in again.output
    short = runner.invoke(args=["create-user", "x@example.fr", "--password", "court"])
    assert short.exit_code != 0


def test_create_user_command_names_the_organisation_when_there_are_several(app, app_context):
    runner = app.test_cli_runner()
    for name, short_name in (("Agence Régionale de Santé Corse", "ARS Corse"), ("Agence Régionale de Santé Guyane",
                                                                                  "ARS Guyane")):
        assert runner.invoke(args=["create-organisation", name, "--short-name", short_name]).exit_code == 0
    ambiguous = runner.invoke(args=["create-user", "a@example.fr", "--password", "un-long-secret"])
    assert ambiguous.exit_code != 0 and "--organisation" in ambiguous.output and "ARS Guyane" not in ambiguous.output
    unknown = runner.invoke(args=["create-user", "a@example.fr", "--organisation", "ARS Mayotte",
                                  "--password", "un-long-secret"])
    assert unknown.exit_code != 0 and "Agence Régionale de Santé Guyane" in unknown.output
    by_name = runner.invoke(args=["create-user", "a@example.fr", "--organisation", "ars guyane",
                                  "--password", "un-long-secret"])
    guyane = db.session.scalar(select(User).where(User.email == "a@example.fr")).organisation
    by_id = runner.invoke(args=["create-user", "b@example.fr", "--organisation", str(guyane.id), "--role", "admin",
                                "--password", "un-long-secret"])
    national = runner.invoke(args=["create-user", "n@example.fr", "--role", "national_admin",
                                   "--password", "un-long-secret"])
    assert (by_name.exit_code, by_id.exit_code, national.exit_code) == (0, 0, 0)
    accounts = {user.email: user for user in db.session.scalars(select(User))}
    assert accounts["a@example.fr"].organisation.short_name == accounts["b@example.fr"].organisation.short_name \
        == "ARS Guyane"
    assert accounts["n@example.fr"].organisation is None and accounts["n@example.fr"].is_national_admin
