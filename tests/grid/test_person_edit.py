"""Editing a person: the form opened twice and saved twice (a three-way merge), and the
identity number masked on the form until it is revealed (audited)."""
from __future__ import annotations

from sqlalchemy import select

from app.domain.masking import mask_id_number
from app.domain.merge import three_way
from app.extensions import db
from app.models import AuditLog, Person
from tests.conftest import make_valid_id
from tests.html_forms import form_values


def url(p):
    return f"/grid/people/{p.id}/edit"


def opened(client, p) -> dict:
    """The edit form as the page shows it, to be changed and posted like a browser does."""
    r = client.get(url(p))
    assert r.status_code == 200
    return form_values(r.data.decode(), "opened")


def current(p) -> Person:
    db.session.expire_all()
    return db.session.get(Person, p.id)


def test_three_way_merge_rule():
    base = {"phone": "13800000001", "occupation": "厨师", "employer": None}
    merge = three_way(base, {"phone": "13800000001", "occupation": "保安", "employer": "某公司"},
                      {"phone": "13900000009", "occupation": "厨师", "employer": None})
    assert merge.mine == {"occupation": "保安", "employer": "某公司"} and merge.theirs == ["phone"]
    assert not merge.conflicts
    both = three_way(base, {"phone": "13700000007"}, {"phone": "13900000009"})
    assert both.conflicts == {"phone": ("13700000007", "13900000009")} and not both.mine
    same = three_way(base, {"phone": "13900000009", "employer": ""}, {"phone": "13900000009", "employer": None})
    assert not same.conflicts and not same.theirs


def test_a_second_save_keeps_the_colleagues_change_of_another_field(login, world):
    """Issue 21.2: A changes the phone, B (opened before) changes occupation and employer."""
    p = world.person("张三", seq=1, phone="13800000001", occupation="厨师")
    a, b = login("coordinator"), login("supervisor")
    form_a, form_b = opened(a, p), opened(b, p)
    assert a.post(url(p), data={**form_a, "phone": "13900000009"}).status_code == 302
    r = b.post(url(p), data={**form_b, "occupation": "保安", "employer": "美味餐饮店"})
    assert r.status_code == 302, r.data.decode()[-2000:]
    saved = current(p)
    assert (saved.phone, saved.occupation, saved.employer) == ("13900000009", "保安", "美味餐饮店")
    follow = b.get(r.headers["Location"]).data.decode()
    assert "他人改过的手机号码已保留" in follow
    b_entry = db.session.scalars(select(AuditLog).where(AuditLog.action == "person.update")
                                 .order_by(AuditLog.id.desc())).first()
    assert "phone" not in b_entry.after  # A's value was not written back


def test_a_field_both_changed_is_a_conflict_shown_side_by_side(login, world):
    p = world.person("张三", seq=1, phone="13800000001", occupation="厨师")
    a, b = login("coordinator"), login("supervisor")
    form_a, form_b = opened(a, p), opened(b, p)
    assert a.post(url(p), data={**form_a, "phone": "13900000009", "occupation": "快递员"}).status_code == 302
    r = b.post(url(p), data={**form_b, "phone": "13700000007", "employer": "美味餐饮店"})
    html = r.data.decode()
    assert r.status_code == 200 and "双方都改过" in html
    assert "<th>手机号码</th><td>13700000007</td><td>13900000009</td>" in html
    assert "<th>职业</th>" not in html and "他人改过的职业已更新到表单中" in html
    again = form_values(html, "opened")
    assert again["phone"] == "13700000007" and again["occupation"] == "快递员" and again["employer"] == "美味餐饮店"
    assert current(p).phone == "13900000009"  # nothing written yet
    # Saving the form as shown: B's phone (chosen knowingly), A's occupation stays.
    assert b.post(url(p), data=again).status_code == 302
    saved = current(p)
    assert (saved.phone, saved.occupation, saved.employer) == ("13700000007", "快递员", "美味餐饮店")


def test_a_forged_opened_value_counts_as_missing(login, world):
    p = world.person("张三", seq=1, phone="13800000001")
    a, b = login("coordinator"), login("supervisor")
    form_b = opened(b, p)
    assert a.post(url(p), data={**opened(a, p), "phone": "13900000009"}).status_code == 302
    r = b.post(url(p), data={**form_b, "opened": form_b["opened"][:-2] + "xx", "employer": "某公司"})
    assert r.status_code == 200 and "已被他人更新" in r.data.decode()
    assert current(p).phone == "13900000009"


def test_the_edit_form_masks_the_id_number_and_a_blank_field_keeps_it(login, world):
    p = world.person("张三", seq=1)
    c = login("coordinator")
    html = c.get(url(p)).data.decode()
    assert p.id_number not in html and mask_id_number(p.id_number) in html and "改正身份证号" in html
    assert not db.session.scalars(select(AuditLog).where(AuditLog.action == "person.view_id")).all()
    form = form_values(html, "opened")
    assert form["id_number"] == ""
    assert c.post(url(p), data={**form, "occupation": "保安"}).status_code == 302
    saved = current(p)
    assert saved.id_number == p.id_number and saved.occupation == "保安"


def test_correcting_the_id_number_reveals_it_with_an_audit_entry(login, world):
    p = world.person("张三", seq=1)
    c = login("coordinator")
    form = opened(c, p)
    r = c.post(url(p), data={**form, "occupation": "保安", "reveal_id": "1"})
    html = r.data.decode()
    assert r.status_code == 200 and p.id_number in html and 'value="保安"' in html  # nothing typed is lost
    seen = db.session.scalars(select(AuditLog).where(AuditLog.action == "person.view_id")).one()
    assert seen.entity_id == p.id
    corrected = make_valid_id(born=p.birth_date, seq=3, region="342101")
    assert c.post(url(p), data={**form_values(html, "opened"), "id_number": corrected}).status_code == 302
    assert current(p).id_number == corrected and current(p).occupation == "保安"


def test_no_id_number_ticked_clears_it(login, world):
    p = world.person("张三", seq=1)
    c = login("coordinator")
    form = opened(c, p)
    assert c.post(url(p), data={**form, "no_id_number": "y"}).status_code == 302
    assert current(p).id_number is None
