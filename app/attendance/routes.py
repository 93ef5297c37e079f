from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload
from wtforms.fields.choices import SelectChoice

from app.attendance import bp
from app.attendance.absences import unexcused_absence_runs
from app.attendance.forms import AttendanceSheetForm
from app.attendance.sheet import (
    NewAttendee,
    addable_person,
    find_addable_people,
    SheetRow,
    may_give_proxy,
    representation_errors,
    representative_choices,
    representative_pool,
    save_sheet,
)
from app.concurrency import StaleEditError, check_version, claim_version
from app.extensions import db
from app.formatting import to_paris
from app.forms import choices
from app.meetings.participation import meeting_mode, offers_both_modes
from app.meetings.quorum import count_quorum
from app.meetings.roster import Roster, build_roster
from app.meetings.second_convocation import sits_without_quorum
from app.models import (
    Attendance,
    AttendanceStatus,
    Body,
    Capacity,
    Civility,
    Invitation,
    Meeting,
    ParticipationMode,
    Person,
    utc_now,
)
from app.people.search import search_text
from app.permissions import get_editable_meeting_or_404, staff_required, visible_bodies


def load_meeting_with_roster(meeting_id: int) -> Meeting:
    """The meeting (permission checked) with its convocations and attendances, people loaded."""
    meeting = get_editable_meeting_or_404(meeting_id)
    return db.session.scalar(
        select(Meeting)
        .where(Meeting.id == meeting.id)
        .options(
            selectinload(Meeting.invitations).options(
                selectinload(Invitation.person), selectinload(Invitation.proxy_holder)
            ),
            selectinload(Meeting.attendances).selectinload(Attendance.person),
        )
        .execution_options(populate_existing=True)
    )


def person_choices(people: list[Person]) -> list[SelectChoice]:
    return choices([("", "—")] + [(str(person.id), person.formal_name) for person in people])


def people_to_offer(form: AttendanceSheetForm, meeting: Meeting, roster: Roster) -> tuple[list[Person], Person | None]:
    """The people found by the search typed in the sheet, and the one chosen (None when nobody or nobody
    who may be added): only these are offered, never the whole ARS."""
    text = search_text(form.new_person_search.data)
    found = find_addable_people(meeting, roster, text) if text else []
    chosen = addable_person(meeting, roster, form.new_person.data) if isinstance(form.new_person.data, int) else None
    if chosen is not None and chosen not in found:
        found.insert(0, chosen)
    return found, chosen


def initial_rows(roster: Roster, meeting: Meeting) -> list[dict]:
    """The sheet as recorded, or forecast from the convocation answers; « absent » when nothing is known.
    The mode (asked at a meeting held both ways only) is the recorded one, else the meeting's: on site."""
    return [
        {
            "person_id": str(entry.person.id),
            "status": (entry.status or AttendanceStatus.ABSENT).value,
            "represented_by": entry.represented_by_id,
            "title": entry.title,
            "mode": (entry.attendance and entry.attendance.mode or meeting_mode(meeting)).value,
        }
        for entry in roster
    ]


def posted_mode(value: str | None, meeting: Meeting) -> ParticipationMode:
    """The mode chosen on a row (checked by the form), else the one the row offers first: the meeting's."""
    return ParticipationMode(value) if value else meeting_mode(meeting)


def new_attendee_from(form: AttendanceSheetForm, chosen: Person | None) -> NewAttendee | None:
    """The person to add, or None; puts French errors on the form's fields when incomplete."""
    capacity = Capacity(form.new_capacity.data)
    if form.new_person.data is not None:
        person = chosen
        if person is None:
            form.new_person.errors.append("Cette personne figure déjà sur la feuille ou n'existe pas.")
            return None
        return NewAttendee(capacity=capacity, person=person, title=form.new_title.data or "")
    typed = [form.new_civility.data, form.new_last_name.data, form.new_first_name.data, form.new_title.data]
    if not any(value and value.strip() for value in typed):
        return None
    if not form.new_civility.data:
        form.new_civility.errors.append("Choisissez la civilité de la personne à ajouter.")
    if not (form.new_last_name.data or "").strip():
        form.new_last_name.errors.append("Saisissez le nom de la personne à ajouter.")
    if form.new_civility.errors or form.new_last_name.errors:
        return None
    return NewAttendee(capacity=capacity, civility=Civility(form.new_civility.data),
                       last_name=form.new_last_name.data, first_name=form.new_first_name.data or "",
                       title=form.new_title.data or "")


@bp.route("/meetings/<int:meeting_id>/attendance", methods=["GET", "POST"])
@staff_required
def edit(meeting_id: int):
    meeting = load_meeting_with_roster(meeting_id)
    roster = build_roster(meeting)
    entries = {str(entry.person.id): entry for entry in roster}
    if request.method == "POST":
        form = AttendanceSheetForm()
    else:
        form = AttendanceSheetForm(data={"rows": initial_rows(roster, meeting), "version": meeting.attendance_version})
    # « Rechercher » posts the sheet as typed to look for a person to add; nothing is saved.
    searching = request.method == "POST" and "chercher" in request.form

    stale_message = None
    posted_ids = [row.person_id.data or "" for row in form.rows]  # a row posted without its person: not the sheet
    if request.method == "POST" and (sorted(posted_ids) != sorted(entries) or len(set(posted_ids)) != len(posted_ids)):
        # Someone changed who is on the sheet meanwhile: show the current sheet with what was typed.
        form = sheet_with_typed_rows(form, roster, meeting)
        stale_message = StaleEditError("la feuille de présence").message
    for row in form.rows:
        # Only a represented row carries its whole list: with 150 people, 150 full lists weigh
        # megabytes. The browser builds the others from ``representative_pool`` (static/js/attendance.js).
        if row.status.data == AttendanceStatus.REPRESENTED.value or row.represented_by.data:
            row.represented_by.choices = representative_choices(entries[row.person_id.data], roster)
        else:
            row.represented_by.choices = choices([("", "—")])
    found, chosen = people_to_offer(form, meeting, roster)
    form.new_person.choices = person_choices(found)
    asks_mode = offers_both_modes(meeting)
    if not asks_mode:
        for row in form.rows:  # not shown: whatever is posted is ignored, never an error nobody sees
            row.mode.raw_data, row.mode.data = [], None

    status_code = 409 if stale_message else 200
    if searching:
        if not found:
            form.new_person_search.errors = ["Aucune personne enregistrée à ajouter ne porte ce nom : "
                                             "saisissez-la ci-dessous."]
    elif stale_message is None and form.validate_on_submit():
        rows = [
            SheetRow(entry=entries[row.person_id.data], status=AttendanceStatus(row.status.data),
                     represented_by_id=row.represented_by.data, title=row.title.data or "",
                     mode=posted_mode(row.mode.data, meeting) if asks_mode else None)
            for row in form.rows
        ]
        for row in form.rows:
            if row.status.data != AttendanceStatus.REPRESENTED.value:
                row.represented_by.data = None
        errors = representation_errors(roster, rows)
        for row in form.rows:
            if int(row.person_id.data) in errors:
                row.represented_by.errors = [errors[int(row.person_id.data)]]
        new_attendee = new_attendee_from(form, chosen)
        if not errors and not any(field.errors for field in form if field.name.startswith("new_")):
            try:
                claim_sheet(meeting, form.version.data)
                save_sheet(meeting, rows, new_attendee)
                flash("Feuille de présence enregistrée.", "success")
                return redirect(url_for("attendance.edit", meeting_id=meeting.id))
            except StaleEditError as error:
                db.session.rollback()
                stale_message = error.message
                form.version.data = str(meeting.attendance_version)  # saving again overwrites knowingly
        status_code = 409 if stale_message else 422
    elif request.method == "POST" and stale_message is None:
        status_code = 422

    sheet = [(row, entries[row.person_id.data]) for row in form.rows]
    # The quorum shown first is the one of the sheet as displayed (recorded, forecast or just posted).
    for row, entry in sheet:
        entry.status = AttendanceStatus._value2member_map_.get(row.status.data)
        entry.represented_by_id = row.represented_by.data if isinstance(row.represented_by.data, int) else None
    quorum = count_quorum(meeting.body, [entry for _, entry in sheet], roster.composition.seats_in_office,
                          sits_without_quorum(meeting))
    return render_template("attendance/edit.html", meeting=meeting, form=form, sheet=sheet, quorum=quorum,
                           representatives=representative_pool(roster), has_errors=status_code == 422,
                           asks_mode=asks_mode,
                           stale_message=stale_message,
                           gives_proxy={entry.person.id: may_give_proxy(entry, roster) for entry in roster}), status_code


def sheet_with_typed_rows(posted: AttendanceSheetForm, roster: Roster,
                          meeting: Meeting) -> AttendanceSheetForm:
    """The current sheet (people added or removed by someone else), with the rows and the new person
    typed in ``posted`` kept for everyone still on it; it carries the current version."""
    typed = {row.person_id.data: row.data for row in posted.rows}
    rows = [typed.get(row["person_id"], row) for row in initial_rows(roster, meeting)]
    data = {name: value for name, value in posted.data.items() if name not in ("rows", "csrf_token")}
    return AttendanceSheetForm(formdata=None, data={**data, "rows": rows, "version": meeting.attendance_version})


def claim_sheet(meeting: Meeting, posted_version: str | None) -> None:
    """Refuse a sheet shown before someone else's save; raise its version in the same transaction."""
    what = "la feuille de présence"
    check_version(posted_version, meeting.attendance_version, what)
    claim_version(Meeting.__table__, "attendance_version", meeting.id, meeting.attendance_version, what)


@bp.route("/absences")
@staff_required
def unexcused_absences():
    """Members absent without excuse from successive meetings (D.1432-44): a list for the commission
    permanente to act on."""
    body_ids = visible_bodies(current_user).with_only_columns(Body.id).order_by(None)
    now = utc_now()
    runs = unexcused_absence_runs(body_ids, to_paris(now).date(), now)
    return render_template("attendance/absences.html", runs=runs)
