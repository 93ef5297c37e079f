"""Hostile content that is accepted stays inert: a ``<script>`` in a point is text in the page, the .docx
and the .ics; a line break, « ; » or « , » in a title does not break the calendar. Uploads are checked
by what they contain, not by their name; numbers must fit the database."""
from __future__ import annotations

import io

from icalendar import Calendar
from sqlalchemy import func, select

from app.extensions import db
from app.models import Body, Membership, Organisation, RoundTablePoint
from tests.docx_reading import reopen
from tests.images import png_bytes

SCRIPT = "<script>alert('point')</script>"
TRICKY_TITLE = "Séance ; ordre du jour, suite\nligne 2 \\ fin"
TRICKY_PLACE = "Salle 1, bâtiment B; étage 2\r\nMontpellier"


def add_point(secretariat_client, meeting, text: str):
    section = meeting.sections[0]
    response = secretariat_client.post(f"/meetings/{meeting.id}/round-table/sections/{section.id}/points",
                                       data={f"section-{section.id}-text": text})
    assert response.status_code == 302
    return db.session.scalar(select(RoundTablePoint).order_by(RoundTablePoint.id.desc()).limit(1))


def test_a_script_in_a_point_stays_text_in_the_meeting_page(demo, secretariat_client):
    assert add_point(secretariat_client, demo, SCRIPT).text == SCRIPT
    page = secretariat_client.get(f"/meetings/{demo.id}").get_data(as_text=True)
    assert "&lt;script&gt;alert(&#39;point&#39;)&lt;/script&gt;" in page
    assert SCRIPT not in page
    editor = secretariat_client.get(f"/meetings/{demo.id}/round-table").get_data(as_text=True)
    assert SCRIPT not in editor and "&lt;script&gt;" in editor


def test_a_script_in_a_point_is_a_literal_text_run_in_the_docx(demo, secretariat_client):
    add_point(secretariat_client, demo, SCRIPT)
    response = secretariat_client.get(f"/meetings/{demo.id}/minutes.docx")
    assert response.status_code == 200
    document = reopen(response.data)
    runs = [run.text for paragraph in document.paragraphs for run in paragraph.runs]
    assert any(SCRIPT in text for text in runs)


def test_line_breaks_semicolons_and_commas_do_not_break_the_calendar(demo, secretariat_client):
    meeting_id = demo.id
    demo.title, demo.place = TRICKY_TITLE, TRICKY_PLACE
    db.session.commit()
    response = secretariat_client.get(f"/meetings/{meeting_id}.ics")
    assert response.status_code == 200
    calendar = Calendar.from_ical(response.data)
    events = list(calendar.walk("VEVENT"))
    assert len(events) == 1
    assert TRICKY_TITLE in str(events[0]["SUMMARY"])
    # iCalendar has one line break, \n: the browser's \r\n comes back as \n, the rest unchanged.
    assert str(events[0]["LOCATION"]).startswith(TRICKY_PLACE.replace("\r\n", "\n"))
    for line in response.data.split(b"\r\n"):
        assert b"\n" not in line and b"\r" not in line  # every break inside a value is escaped


def test_control_characters_never_reach_the_database_or_the_documents(demo, secretariat_client):
    point = add_point(secretariat_client, demo, "Point\x00 avec\x0b des\x1b caractères\x7f de contrôle")
    assert point.text == "Point avec des caractères de contrôle"
    assert secretariat_client.get(f"/meetings/{demo.id}/minutes.docx").status_code == 200


def test_a_number_beyond_a_database_integer_is_a_french_error_on_its_field(demo, secretariat_client):
    body = demo.body
    form = {"name": body.name, "short_name": body.short_name, "kind": body.kind.value, "parent_id": "0",
            "territory": "", "quorum_fraction": "0,5", "quorum_minimum": "2147483648", "convocation_days": "5",
            "reminder_days": "3", "max_proxies_per_holder": "1"}
    response = secretariat_client.post(f"/bodies/{body.id}/edit", data=form)
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert '<p id="quorum_minimum-erreurs" class="fr-error-text">Nombre trop grand.</p>' in page
    assert 'value="2147483648"' in page
    db.session.expire_all()
    assert db.session.get(Body, body.id).quorum_minimum == 0


def test_a_binary_file_named_csv_is_refused(demo, secretariat_client):
    before = db.session.scalar(select(func.count(Membership.id)))
    response = secretariat_client.post(f"/bodies/{demo.body_id}/members/import",
                                       data={"csv_file": (io.BytesIO(png_bytes()), "membres.csv")})
    assert response.status_code == 200
    assert "n&#39;est pas un fichier texte CSV" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count(Membership.id))) == before


def organisation_form(**values) -> dict:
    return {"name": "ARS Occitanie", "short_name": "ARS OC", "secretariat_email": "ds@ars.example.fr", **values}


def test_admin_uploads_a_png_logo_shown_in_the_header_and_the_minutes(demo, admin_client, client):
    logo = png_bytes(4, 3)
    response = admin_client.post("/organisation", data=organisation_form(logo=(io.BytesIO(logo), "logo.png")))
    assert response.status_code == 302
    organisation = demo.body.organisation
    db.session.refresh(organisation)
    assert (organisation.logo, organisation.logo_mimetype, organisation.short_name) == (logo, "image/png", "ARS OC")
    served = client.get(f"/organisation/{organisation.id}/logo")
    assert served.status_code == 200 and served.mimetype == "image/png" and served.data == logo
    assert f'src="/organisation/{organisation.id}/logo"' in admin_client.get("/").get_data(as_text=True)
    # The login page is the same for every ARS of the installation: it shows a logo only when there is one.
    assert "/logo" not in client.get("/login").get_data(as_text=True)
    other = db.session.scalar(select(Organisation).where(Organisation.id != organisation.id))
    assert client.get(f"/organisation/{other.id}/logo").status_code == 404  # the other ARS has none
    minutes = reopen(admin_client.get(f"/meetings/{demo.id}/minutes.docx").data)
    header_images = minutes.sections[0].header.part.related_parts.values()
    assert any(getattr(part, "blob", None) == logo for part in header_images)


def test_logo_upload_checks_content_and_size(demo, admin_client):
    cases = [
        (b"GIF89a\x01\x00\x01\x00", "logo.gif", "Le logo doit être une image PNG ou JPEG lisible."),
        (b"<svg onload='alert(1)'/>", "logo.png", "Le logo doit être une image PNG ou JPEG lisible."),
        (b"\x89PNG\r\n\x1a\n" + b"\x00" * 10, "logo.png", "Le logo doit être une image PNG ou JPEG lisible."),
        (png_bytes() + b"\x00" * (500 * 1024), "logo.png", "Le logo dépasse 500 Ko."),
    ]
    for content, filename, message in cases:
        response = admin_client.post("/organisation", data=organisation_form(name="Autre nom",
                                                                             logo=(io.BytesIO(content), filename)))
        assert response.status_code == 200, filename
        page = response.get_data(as_text=True)
        assert f'<p id="logo-erreurs" class="fr-error-text">{message}</p>'.replace("'", "&#39;") in page
        assert 'aria-describedby="logo-aide logo-erreurs"' in page
        assert 'value="Autre nom"' in page
    assert db.session.scalar(select(Organisation.logo)) is None
    # The request itself may carry a logo and a Word template (5 Mo): beyond both, refused before reading.
    too_big = admin_client.post("/organisation", data=organisation_form(logo=(io.BytesIO(b"x" * 6_000_000), "l.png")))
    assert too_big.status_code == 413 and "Envoi trop volumineux" in too_big.get_data(as_text=True)


def test_only_admins_open_the_organisation_settings(demo, secretariat_client, admin_client):
    assert secretariat_client.get("/organisation").status_code == 403
    assert admin_client.get("/organisation").status_code == 200
    assert ">Organisation<" in admin_client.get("/").get_data(as_text=True)
    assert ">Organisation<" not in secretariat_client.get("/").get_data(as_text=True)
