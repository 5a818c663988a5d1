"""The public card page in front of Flask (card.fast_path) writes what the Flask view
writes, hands everything else to Flask, and never serves a card that is gone."""
import logging

import pytest

from app.card import fast_path
from app.domain.clock import utcnow
from app.extensions import db
from app.models import Card
from app.services.cards import issuing as cards
from app.services.cards import page as card_page
from app.services.common.context import Actor


@pytest.fixture
def issued(world):
    world.town_a.address, world.town_a.phone, world.town_a.hours = "文一路 100 号", "0571-88001234", "周一至周五"
    person = world.person("张小明", seq=3, phone="13812345678")
    card = cards._new(Actor.cli(), person)
    db.session.commit()
    return card


def _served_by(monkeypatch):
    """Which of the two answered: counts the Flask view's calls."""
    from app.card import views
    calls = []
    original = views._page
    monkeypatch.setattr(views, "_page", lambda *a, **k: calls.append(1) or original(*a, **k))
    return calls


def test_fast_path_writes_what_flask_writes(app, issued, monkeypatch):
    calls = _served_by(monkeypatch)
    fast = app.test_client().get(f"/C/{issued.token}")
    assert calls == []  # not through Flask
    flask_client = app.test_client()
    flask_client.set_cookie("session", "not-a-valid-session")  # a session cookie: Flask answers
    slow = flask_client.get(f"/C/{issued.token}")
    assert calls == [1]
    assert fast.status_code == slow.status_code == 200
    assert fast.data == slow.data
    assert "张*明" in fast.text and "0571-88001234" in fast.text and "张小明" not in fast.text

    def headers(response):
        return sorted((k, v) for k, v in response.headers.items() if k != "Set-Cookie")

    assert headers(fast) == headers(slow)
    assert fast.headers["Cache-Control"] == "private, no-cache" and fast.headers["X-Card-Offline"] == "1"
    assert "Set-Cookie" not in fast.headers


def test_head_has_the_headers_and_no_body(app, issued):
    r = app.test_client().head(f"/C/{issued.token}")
    assert r.status_code == 200 and r.data == b"" and int(r.headers["Content-Length"]) > 1000


def test_everything_else_goes_to_flask(app, issued, monkeypatch):
    calls = _served_by(monkeypatch)
    client = app.test_client()
    assert client.get(f"/C/{issued.token}?x=1").status_code == 200 and calls == [1]
    assert client.get("/C/" + "A" * 28).status_code == 404  # unknown: Flask's friendly 404 page
    assert "未找到此联系卡" in client.get("/C/" + "A" * 28).text
    assert client.post(f"/c/{issued.token}/unlock", data={"last4": "0000"}).status_code == 200


def test_revocation_takes_effect_at_once(app, issued):
    client = app.test_client()
    assert client.get(f"/C/{issued.token}").status_code == 200
    db.session.get(Card, issued.card.id).revoked_at = utcnow()
    db.session.commit()
    r = client.get(f"/C/{issued.token}")
    assert r.status_code == 410 and "此联系卡已停用" in r.text


def test_a_failure_in_front_falls_back_to_flask(app, issued, monkeypatch, caplog):
    real = card_page.reader(app)

    class Flaky:
        calls = 0

        def one(self, lookup, key):
            Flaky.calls += 1
            if Flaky.calls == 1:
                raise RuntimeError("connection lost")
            return real.one(lookup, key)

    monkeypatch.setattr(card_page, "reader", lambda app=None: Flaky())
    with caplog.at_level(logging.ERROR, logger=fast_path.__name__):
        r = app.test_client().get(f"/C/{issued.token}")
    assert r.status_code == 200 and "张*明" in r.text and Flaky.calls == 2
    assert "handing the request to Flask" in caplog.text
    assert issued.token not in caplog.text


def test_card_language_environments_leave_the_apps_translations_alone(app, login, issued):
    english = app.test_client()
    english.post("/lang", data={"lang": "en"})
    assert "Migrant service contact card" in english.get(f"/C/{issued.token}").text
    assert "流动人口便民服务联系卡" in app.test_client().get(f"/C/{issued.token}").text
    # the staff pages still translate per request, in either order
    coordinator = login("coordinator")
    assert "我的网格" in coordinator.get("/grid/").text
    coordinator.post("/lang", data={"lang": "en"})
    assert "My grids" in coordinator.get("/grid/").text


def test_card_gettext_escapes_its_variables_but_not_the_translation():
    """The card pages' memoised gettext: the catalogue's text is trusted markup, anything
    filled into it (a name, an address someone typed) is escaped."""
    from app.card.rendering import _memo_gettext

    class Catalogue:
        def gettext(self, string):
            return {"联系 %(name)s": "Call <b>%(name)s</b>"}.get(string, string)

    gettext = _memo_gettext(Catalogue())
    assert gettext("联系 %(name)s", name="<script>x</script>") == "Call <b>&lt;script&gt;x&lt;/script&gt;</b>"
    assert gettext("50%% 以上") == "50% 以上"  # formatted once, like Jinja's newstyle gettext
    assert gettext("50%% 以上") is gettext("50%% 以上")  # and kept
