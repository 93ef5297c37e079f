"""Privacy audit, part 2: what a member, a guest, a member of another body, a member of another ARS and an
anonymous visitor can reach — pages, fragments, .ics, .docx, .zip, feeds, e-mails — never holds another
person's address, personal feed or subscription token, answer or document link, nor (before the compte rendu
is published) someone else's pouvoir. Every person of the data has an address and a personal feed."""
from __future__ import annotations

import io
import re
import zipfile
from collections import deque
from urllib.parse import urljoin, urlsplit

import docx
import pytest
from sqlalchemy import select

from app.calendar.answers import make_answer_token
from app.calendar.feeds import regenerate_body_feed_link, regenerate_feed_token
from app.demo import DEMO_PASSWORD
from app.extensions import db
from app.models import (BodyFeedLink, Capacity, Civility, Invitation, InvitationResponse, Meeting, Person, Role, User,
                        utc_now)
from tests import test_lapsed_pouvoirs
from tests.conftest import create_user, log_in
from tests.docx_reading import body_text, header_text
from tests.dossier_files import PDF
from tests.smtp_server import all_text
from tests.test_dossier_mail import convened_meeting, published
from tests.test_lapsed_pouvoirs import answer_url
from tests.test_permissions_matrix import other_body_member
from tests.test_votes_consultation import crsa, open_one

HREF = re.compile(r'(?:href|src)="([^"#]+)')
# Links whose token is someone's credential: an answer, a document or dossier link, a written consultation.
PERSONAL_LINK = re.compile(r"/(?:reponse|dossier/lien|consultation)/[A-Za-z0-9_.\-]{20,}")

pouvoir = test_lapsed_pouvoirs.pouvoir  # the fixture: Martin gave her pouvoir to Bernard, everyone has an address


def readable_text(response) -> str:
    """What a person reads in a download: a .docx's paragraphs, tables, headers and parts (core properties
    included), a .zip's files, else the text itself."""
    data = response.data
    if data[:2] != b"PK":
        return data.decode("utf-8", "replace")
    archive = zipfile.ZipFile(io.BytesIO(data))
    parts = [archive.read(name).decode("utf-8", "replace") for name in archive.namelist()
             if not name.lower().endswith((".pdf", ".png", ".jpeg", ".jpg"))]
    if "word/document.xml" in archive.namelist():
        document = docx.Document(io.BytesIO(data))
        parts += [body_text(document), header_text(document)]
    return "\n".join(parts)


def everything_reachable(client, start: list[str], limit: int = 400) -> dict[str, tuple[int, str]]:
    """GET every URL of the app reachable from ``start`` by following links: URL → (status, readable text)."""
    seen: dict[str, tuple[int, str]] = {}
    queue = deque(start)
    while queue and len(seen) < limit:
        url = queue.popleft()
        parts = urlsplit(url)
        if parts.netloc not in ("", "seances.test") or parts.path.startswith(("/static/", "/logout")):
            continue
        local = parts.path + (f"?{parts.query}" if parts.query else "")
        if local in seen:
            continue
        response = client.get(local)
        text = readable_text(response) if response.status_code == 200 else ""
        seen[local] = (response.status_code, text)
        if response.mimetype == "text/html":
            queue.extend(urljoin(f"http://seances.test{parts.path}", href.replace("&amp;", "&"))
                         for href in HREF.findall(text) if not href.startswith(("mailto:", "webcal:")))
    return seen


def every_person_reachable_by_mail_and_feed() -> None:
    """Real data shapes: everyone has an address and a personal feed, every account its body feed links."""
    for person in db.session.scalars(select(Person)):
        person.email = person.email or f"personne{person.id}@adresses.example.fr"
        regenerate_feed_token(person)
    for user in db.session.scalars(select(User).where(User.person_id.is_not(None))):
        for membership in user.person.memberships:
            regenerate_body_feed_link(membership.body, user, None)
    db.session.commit()


def upcoming_meeting_with_a_pouvoir(demo: Meeting) -> tuple[Meeting, Person, Person, Person]:
    """The working group's next meeting: a titulaire gave her pouvoir to another, and a guest with an account
    is convened. Returns the meeting, the giver, the holder and the guest."""
    meeting = db.session.scalar(select(Meeting).where(Meeting.body_id == demo.body_id, Meeting.starts_at > utc_now())
                                .order_by(Meeting.starts_at).limit(1))
    member = db.session.scalar(select(User).where(User.email == "membre@demo.example.fr"))
    giver, holder = [invitation for invitation in meeting.invitations if invitation.person_id != member.person_id][:2]
    giver.response, giver.proxy_holder, giver.responded_at = InvitationResponse.PROXY, holder.person, utc_now()
    guest = Person(organisation=demo.body.organisation, civility=Civility.MR, first_name="Paul", last_name="Invité",
                   email="paul.invite@adresses.example.fr")
    meeting.invitations.append(Invitation(person=guest, capacity=Capacity.GUEST, title="Expert invité"))
    db.session.commit()
    return meeting, giver.person, holder.person, guest


def visitor(app, role: str, guest: Person) -> tuple[object, User | None]:
    if role == "anonymous":
        return app.test_client(), None
    if role == "guest":
        user = create_user(Role.MEMBER, person=guest)
        return log_in(app.test_client(), user), user
    email = {"member": "membre@demo.example.fr", "other_body_member": "autre-instance@demo.example.fr",
             "other_ars_member": "membre@bretagne.demo.example.fr"}[role]
    user = db.session.scalar(select(User).where(User.email == email))
    return log_in(app.test_client(), user, DEMO_PASSWORD), user


def secrets_of_others(user: User | None) -> set[str]:
    """Every address, personal feed token and body feed token but the visitor's own."""
    own = {user.email, user.person.email, user.person.feed_token} if user else set()
    secrets = set(db.session.scalars(select(Person.email))) | set(db.session.scalars(select(User.email)))
    secrets |= set(db.session.scalars(select(Person.feed_token)))
    secrets |= {link.token for link in db.session.scalars(select(BodyFeedLink))
                if user is None or link.user_id != user.id}
    return {secret for secret in secrets if secret} - own


@pytest.mark.parametrize("role", ("member", "guest", "other_body_member", "other_ars_member", "anonymous"))
def test_nothing_reachable_shows_another_persons_address_token_link_or_pouvoir(app, demo, secretariat_client, role):
    """Crawl every page, fragment and download the visitor can reach (from the menu, the search with another
    body's id as filter, the public page, their own feeds and answer link), open each .docx/.zip/.ics, and grep
    it for everyone else's secrets. The seed meeting's compte rendu is validated, published and public."""
    other_body_member()
    every_person_reachable_by_mail_and_feed()
    upcoming, giver, holder, guest = upcoming_meeting_with_a_pouvoir(demo)
    for step in ("validate", "publish"):
        assert secretariat_client.post(f"/meetings/{demo.id}/minutes/{step}").status_code == 302
    assert secretariat_client.post(f"/meetings/{demo.id}/minutes/public?publier=1").status_code == 302
    client, user = visitor(app, role, guest)
    ars = demo.body.organisation_id
    working_group = [f"/meetings/{demo.id}", f"/meetings/{upcoming.id}", f"/bodies/{demo.body_id}",
                     f"/meetings/{demo.id}/minutes.docx", f"/meetings/{upcoming.id}.ics",
                     f"/meetings/{demo.id}/deadlines.ics", f"/meetings/{demo.id}/dossier.zip"]
    start = ["/", "/mes-seances", "/deadlines", "/recherche?texte=a", "/mon-agenda", "/bodies/", f"/public/{ars}",
             f"/public/{ars}/avis.atom", f"/recherche?instance={demo.body_id}&texte=a",
             f"/deadlines?body={demo.body_id}", *working_group]
    own_links = set()
    if user is not None and user.person is not None:
        start.append(f"/feeds/{user.person.feed_token}.ics")
        start += [f"/feeds/{link.token}.ics" for link in db.session.scalars(select(BodyFeedLink)
                                                                             .where(BodyFeedLink.user_id == user.id))]
        invitation = next((i for i in upcoming.invitations if i.person_id == user.person_id), None)
        if invitation is not None:
            own_links.add(f"/reponse/{make_answer_token(invitation)}")
            start += sorted(own_links)
    secrets = secrets_of_others(user)
    outside_ars = role in ("other_ars_member", "anonymous")
    refusal = {"anonymous": 302, "other_ars_member": 404}.get(role)
    reached = everything_reachable(client, start)
    assert len([url for url, (status, _) in reached.items() if status == 200]) >= (5 if outside_ars else 15)
    wrong = []
    for url, (status, text) in reached.items():
        if status >= 500:
            wrong.append(f"{url}: {status}")
        if refusal and url in working_group and status != refusal:
            wrong.append(f"{url}: {status} instead of {refusal}")
        if role == "other_ars_member" and not url.startswith("/public/") and (demo.body.name in text
                                                                               or demo.title in text):
            wrong.append(f"{url} shows the other ARS's working group")
        shown = sorted(secret for secret in secrets if secret in text)
        links = set(PERSONAL_LINK.findall(text)) - own_links
        if shown or links:
            wrong.append(f"{url} shows {shown[:3]} {sorted(links)[:2]}")
        if url.startswith(f"/meetings/{upcoming.id}") and (giver.last_name.upper() in text
                                                            or holder.last_name.upper() in text):
            wrong.append(f"{url} shows who gave a pouvoir to whom before the meeting")
    assert not wrong, "\n".join(wrong)


# -- the compte rendu -----------------------------------------------------------------------------

def test_a_published_compte_rendu_never_prints_the_address_of_the_account_that_validated_it(
        app, demo, secretariat_client):
    """« Compte rendu validé le … par … » named an account without a person by its address: members downloading
    the published compte rendu, and anyone on the public page, read a staff account's login address."""
    validator = db.session.scalar(select(User).where(User.role == Role.SECRETARIAT, User.person_id.is_(None)))
    for step in ("validate", "publish"):
        assert secretariat_client.post(f"/meetings/{demo.id}/minutes/{step}").status_code == 302
    assert secretariat_client.post(f"/meetings/{demo.id}/minutes/public?publier=1").status_code == 302
    member = db.session.scalar(select(User).where(User.email == "membre@demo.example.fr"))
    members_file = log_in(app.test_client(), member, DEMO_PASSWORD).get(f"/meetings/{demo.id}/minutes.docx")
    public_file = app.test_client().get(f"/public/comptes-rendus/{demo.minutes.id}.docx")
    for response in (members_file, public_file):
        assert response.status_code == 200
        text = readable_text(response)
        assert "Compte rendu validé le" in text
        assert validator.email not in text


# -- e-mails the meeting's life does not send (tests/test_mail_privacy.py sends those) -------------

def consultation_and_its_reminder(app, secretariat_client, inbox) -> None:
    body, _members = crsa()
    consultation = open_one(secretariat_client, body)
    assert secretariat_client.post(f"/consultations/{consultation.id}/remind").status_code == 302


def dossier_completed_after_the_convocation(app, secretariat_client, inbox) -> None:
    meeting = convened_meeting()
    published(secretariat_client, meeting, PDF, "odj.pdf", "Ordre du jour")
    assert secretariat_client.post(f"/meetings/{meeting.id}/convocations").status_code == 302
    published(secretariat_client, meeting, PDF, "avis.pdf", "Avis complémentaire")
    assert secretariat_client.post(f"/meetings/{meeting.id}/dossier/notify").status_code == 302


def password_reset_of_a_member(app, secretariat_client, inbox) -> None:
    body, members = crsa()
    user = create_user(Role.MEMBER, person=members[1].person, email="connexion.membre1@example.fr")
    app.test_client().post("/mot-de-passe-oublie", data={"email": user.email})


def others_addresses(recipient: str) -> set[str]:
    """Every person's and account's address but those of the recipient (their person's and their account's)."""
    own_people = set(db.session.scalars(select(Person.id).where(Person.email == recipient)))
    own_people |= set(db.session.scalars(select(User.person_id).where(User.email == recipient)))
    addresses = {email for email in db.session.scalars(select(Person.email).where(Person.id.not_in(own_people)))}
    addresses |= set(db.session.scalars(select(User.email).where(User.person_id.not_in(own_people)
                                                                 | User.person_id.is_(None))))
    return {address for address in addresses if address and address != recipient}


@pytest.mark.parametrize("scenario", (consultation_and_its_reminder, dossier_completed_after_the_convocation,
                                      password_reset_of_a_member))
def test_each_e_mail_names_its_recipient_alone(app, secretariat_client, inbox, scenario):
    scenario(app, secretariat_client, inbox)
    assert inbox.messages
    for recipients, message in inbox.messages:
        (recipient,) = recipients
        addresses = others_addresses(recipient)
        assert [address.addr_spec for address in message["To"].addresses] == [recipient]
        assert message["Cc"] is None and message["Bcc"] is None and message["Reply-To"] is None
        content = all_text(message) + str(message)
        assert not {address for address in addresses if address in content}, message["Subject"]


def test_the_pouvoir_caduc_e_mail_names_its_recipient_alone(app, pouvoir, inbox):
    meeting, members = pouvoir
    assert app.test_client().post(answer_url(meeting, members["bernard"]),
                                  data={"response": "excused"}).status_code == 302
    ((recipients, message),) = inbox.messages
    assert recipients == ["martin@example.fr"]
    assert not {address for address in others_addresses("martin@example.fr")
                if address in all_text(message) + str(message)}
