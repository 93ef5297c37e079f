"""The three document commands of the README, run as the command line runs them."""
from __future__ import annotations

from app.demo import SEED_PRESENT
from docx_reading import body_text, header_text, headings, reopen, table_rows


def run(app, *args):
    return app.test_cli_runner().invoke(args=list(args))


def test_minutes_command_writes_the_seed_004_compte_rendu(app, demo, tmp_path):
    output = tmp_path / "compte-rendu.docx"
    result = run(app, "minutes", str(demo.id), "-o", str(output))
    assert result.exit_code == 0, result.output
    assert str(output) in result.output
    document = reopen(output.read_bytes())
    assert ("Heading 1", "Tour de table des participants") in headings(document)
    present = table_rows(document.tables[0])
    assert len(present) == len(SEED_PRESENT) + 1
    assert ["M. MARCHAND Laurent", "Président de la CRSA"] in present
    assert "Compte rendu de la séance du jeudi 28 mai 2020" in body_text(document)
    assert "PROJET" in header_text(document)


def test_sign_in_sheet_command_writes_the_sheet(app, demo, tmp_path):
    output = tmp_path / "emargement.docx"
    result = run(app, "sign-in-sheet", str(demo.id), "--output", str(output))
    assert result.exit_code == 0, result.output
    assert table_rows(reopen(output.read_bytes()).tables[0])[1][:3] == [
        "M. BERTRAND Maurice", "Président URPS Médecins", "Titulaire"]


def test_synthesis_command_writes_the_synthesis(app, demo, tmp_path):
    output = tmp_path / "synthese.docx"
    result = run(app, "synthesis", "--body", str(demo.body_id), "--body", str(demo.body.parent_id),
                 "--from", "2020-05-01", "--to", "2020-06-30", "-o", str(output))
    assert result.exit_code == 0, result.output
    document = reopen(output.read_bytes())
    assert table_rows(document.tables[0])[-1] == ["Sans thème", "5", "0"]


def test_bad_meeting_id_gives_a_french_message_and_no_file(app, demo, tmp_path):
    for command in ("minutes", "sign-in-sheet"):
        output = tmp_path / f"{command}.docx"
        result = run(app, command, "999999", "-o", str(output))
        assert result.exit_code != 0
        assert "Séance introuvable : 999999." in result.output
        assert not output.exists()


def test_synthesis_command_refuses_empty_or_wrong_selections_without_writing(app, demo, tmp_path):
    output = tmp_path / "synthese.docx"
    cases = [
        (["--body", str(demo.body_id), "--from", "2019-01-01", "--to", "2019-12-31"],
         "Aucune séance ne correspond à cette sélection."),
        (["--body", "999999", "--from", "2020-01-01", "--to", "2020-12-31"], "Instance introuvable : 999999."),
        (["--body", str(demo.body_id), "--from", "2020-06-30", "--to", "2020-05-01"],
         "La date de fin (--to) précède la date de début (--from)."),
        (["--body", str(demo.body_id), "--from", "30/06/2020", "--to", "2020-07-01"], "attendue au format AAAA-MM-JJ"),
    ]
    for arguments, message in cases:
        result = run(app, "synthesis", *arguments, "-o", str(output))
        assert result.exit_code != 0, arguments
        assert message in result.output
        assert not output.exists()
