"""The render cache serves a page again only to the same session, while nothing was written."""
from sqlalchemy import select

from app.extensions import db
from app.loadgen import create_benchmark_meeting
from app.models import Role, RoundTablePoint
from app.render_cache import RenderCache, current_generation
from tests.conftest import create_user, log_in, test_organisation
from tests.ics_support import feed_token_for
from tests.query_count import count_queries, counted_queries, fresh_session


def small_meeting():
    return create_benchmark_meeting(attendees=6, points=9, other_meetings=2, deadlines=1,
                                    organisation=test_organisation())


def cached_pages(app, url: str) -> int:
    """Cached responses of ``url`` (the cache outlives each test: it belongs to the session's app)."""
    generation = current_generation()
    return sum(key[0] == generation and key[2].rstrip("?") == url for key in app.extensions["render_cache"].entries)


def settled(client):
    """A first page read the welcome flash message: until then the session changes and nothing is kept."""
    client.get("/")
    return client


def test_second_view_of_a_meeting_is_served_from_the_cache(app, app_context, secretariat_client):
    meeting_id = small_meeting().id
    settled(secretariat_client)
    fresh_session()
    first = count_queries(secretariat_client, f"/meetings/{meeting_id}")
    second = count_queries(secretariat_client, f"/meetings/{meeting_id}")
    assert second == 1 < first  # only the data generation is read
    assert secretariat_client.get(f"/meetings/{meeting_id}").get_data() == secretariat_client.get(
        f"/meetings/{meeting_id}").get_data()


def test_an_edited_point_shows_at_once(app, app_context, secretariat_client):
    meeting = small_meeting()
    point = db.session.scalar(select(RoundTablePoint).order_by(RoundTablePoint.id).limit(1))
    url = f"/meetings/{meeting.id}"
    assert "Texte corrigé" not in settled(secretariat_client).get(url).get_data(as_text=True)
    assert cached_pages(app, url) == 1
    point.text = "Texte corrigé par le secrétariat"
    db.session.commit()
    assert "Texte corrigé par le secrétariat" in secretariat_client.get(url).get_data(as_text=True)


def test_a_bulk_update_also_invalidates_the_cache(app, app_context, secretariat_client):
    from sqlalchemy import update

    meeting = small_meeting()
    url = f"/meetings/{meeting.id}"
    settled(secretariat_client).get(url)
    assert cached_pages(app, url) == 1
    db.session.execute(update(RoundTablePoint).values(text="Réécrit en masse"))
    db.session.commit()
    assert "Réécrit en masse" in secretariat_client.get(url).get_data(as_text=True)


def test_pages_are_not_shared_between_users(app, app_context, secretariat_client):
    meeting = small_meeting()
    url = f"/meetings/{meeting.id}"
    staff_page = settled(secretariat_client).get(url).get_data(as_text=True)
    assert "/round-table" in staff_page  # the staff's editing actions
    member = settled(log_in(app.test_client(), create_user(Role.MEMBER, person=meeting.attendances[0].person)))
    secretariat_client.get(url)  # accounts created above renewed the generation: cache the staff page again
    assert cached_pages(app, url) >= 1
    member_page = member.get(url)
    assert member_page.status_code == 200 and "/round-table" not in member_page.get_data(as_text=True)
    outsider = settled(log_in(app.test_client(), create_user(Role.MEMBER)))
    secretariat_client.get(url)
    assert outsider.get(url).status_code == 403


def test_a_feed_answers_304_from_the_cache_when_the_client_has_it(app, app_context, client):
    token = feed_token_for(small_meeting().body)
    first = client.get(f"/feeds/{token}.ics")
    again = client.get(f"/feeds/{token}.ics", headers={"If-None-Match": first.headers["ETag"]})
    assert first.status_code == 200 and "BEGIN:VEVENT" in first.get_data(as_text=True)
    assert again.status_code == 304


def test_the_cache_forgets_the_least_recently_used_pages_beyond_its_size():
    cache = RenderCache(max_bytes=10)
    cache.put(("a",), [], b"12345")
    cache.put(("b",), [], b"12345")
    assert cache.get(("a",)) is not None  # « a » is now the most recent
    cache.put(("c",), [], b"123")
    assert cache.get(("b",)) is None and cache.get(("a",)) and cache.get(("c",)) and cache.size == 8
    cache.put(("huge",), [], b"x" * 11)
    assert cache.get(("huge",)) is None


def test_a_hit_loads_no_account_yet_a_deactivated_account_gets_no_cached_page(app, app_context, secretariat_client):
    """A hit is served before the user is loaded: only a write (which renews the generation) can
    change who may see a page, and deactivating an account is one."""
    from app.models import User

    meeting = small_meeting()
    url = f"/meetings/{meeting.id}"
    settled(secretariat_client).get(url)
    fresh_session()
    with counted_queries() as statements:
        assert secretariat_client.get(url).status_code == 200
    assert len(statements) == 1 and "data_generation" in statements[0]
    for user in db.session.scalars(select(User).where(User.role == Role.SECRETARIAT)):
        user.active = False
    db.session.commit()
    assert secretariat_client.get(url).status_code == 302
