"""The command-line contract of the README."""
from sqlalchemy import select

from app.extensions import db
from app.models import Role, User


def test_meetings_command_lists_one_tab_separated_line_per_meeting_oldest_first(app, demo):
    result = app.test_cli_runner().invoke(args=["meetings"])
    assert result.exit_code == 0
    lines = result.output.strip().split("\n")
    assert len(lines) == 10
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
    result = runner.invoke(args=["create-user", "Claire@Example.fr", "--role", "secretariat", "--password", "un-long-secret"])
    assert result.exit_code == 0, result.output
    user = db.session.scalar(select(User).where(User.email == "claire@example.fr"))
    assert user.role is Role.SECRETARIAT and user.check_password("un-long-secret")
    again = runner.invoke(args=["create-user", "claire@example.fr", "--password", "un-long-secret"])
    assert again.exit_code != 0 and "existe déjà" in again.output
    short = runner.invoke(args=["create-user", "x@example.fr", "--password", "court"])
    assert short.exit_code != 0
