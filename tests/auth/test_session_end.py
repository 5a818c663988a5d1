"""Signing out, a password change or reset and deactivation end every earlier session:
a cookie saved before opens nothing afterwards (issue 23.2)."""

import pytest

from tests.conftest import PASSWORD


def _saved_cookie(client) -> str:
    return client.get_cookie("session").value


def _with_cookie(app, value):
    other = app.test_client()
    other.set_cookie("session", value)
    return other


def test_a_cookie_saved_before_signing_out_opens_nothing(app, login):
    c = login("coordinator")
    saved = _saved_cookie(c)
    assert _with_cookie(app, saved).get("/grid/").status_code == 200
    c.post("/auth/logout")
    assert _with_cookie(app, saved).get("/grid/").status_code == 302


def test_changing_ones_password_ends_other_sessions_but_not_this_one(app, login):
    phone, laptop = login("coordinator"), login("coordinator")
    r = laptop.post("/auth/password", data={"current": PASSWORD, "new": "a-new-password-1"})
    assert r.status_code == 302
    assert laptop.get("/grid/").status_code == 200
    assert phone.get("/grid/").status_code == 302


@pytest.mark.parametrize("act, data", [("password", {"password": "reset-pass-22"}), ("active", {"active": "0"})])
def test_an_admins_reset_or_deactivation_ends_the_users_sessions(app, login, world, act, data):
    c = login("coordinator")
    uid = world.users["coordinator"].id
    assert login("admin").post(f"/admin/users/{uid}/{act}", data=data).status_code == 302
    assert c.get("/grid/").status_code == 302


def test_a_forged_or_old_style_session_key_is_nobody(app, login, world):
    c = login("coordinator")
    for key in (str(world.users["coordinator"].id), f"{world.users['coordinator'].id}:7", "x:0", "٣:0"):
        with c.session_transaction() as s:
            s["_user_id"] = key
        assert c.get("/grid/").status_code == 302
