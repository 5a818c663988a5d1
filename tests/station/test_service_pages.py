"""The station's service pages: planning, work lists, recording, notices, the outbox, and
who may see what (health results never reach coordinators, notices or the card page)."""
import datetime as dt
import re

import pytest
from sqlalchemy import select

from app.domain import dates
from app.domain.clock import local_today
from app.extensions import db
from app.models import (
    Appointment,
    AuditLog,
    Document,
    Notice,
    Relation,
    ServiceChoice,
    ServiceType,
    SmsMessage,
)
from app.services.admin import settings
from app.services.cards import issuing as cards
from app.services.common.context import Actor
from app.services.health import planning

CLI = Actor.cli()
TODAY = local_today()
MONTH = dates.first_of_month(TODAY)


@pytest.fixture
def scene(world, services):
    """A mother (opted in to the reproductive-health check) and her baby in township A, someone
    in township B, this month planned; the mother's check-up moved to yesterday (overdue)."""
    world.town_a.address, world.town_a.phone = "文一路 100 号", "0571-88001234"
    mum = world.person("王芳", seq=2, born=dt.date(1990, 3, 1), marital_status="married", phone="13900001234",
                       hukou_area_code="342101")
    db.session.add(ServiceChoice(person_id=mum.id, service_type_id=services["reproductive_health"].id, choice="in",
                                 chosen_on=TODAY))
    kid = world.person("王小宝", seq=3, born=TODAY - dt.timedelta(days=200), arrived_on=TODAY - dt.timedelta(days=100))
    db.session.add(Relation(person_id=mum.id, relative_id=kid.id, relation="child"))
    other = world.person("李四", grid=world.grid_b1, seq=5, phone="13900005555")
    db.session.commit()
    planning.plan_month(CLI, MONTH, today=TODAY)
    check = appointment(mum, "health_checkup")
    check.due_on = TODAY - dt.timedelta(days=1)
    db.session.commit()
    return {"mum": mum, "kid": kid, "other": other, "check": check, "services": services}


def appointment(person, code):
    return db.session.scalars(select(Appointment).join(Appointment.service_type).where(
        Appointment.person_id == person.id, ServiceType.code == code).order_by(Appointment.id)).first()


def fresh(a):
    db.session.expire_all()
    return db.session.get(Appointment, a.id)


def test_only_service_staff_run_schedules(login, scene):
    a = scene["check"]
    coordinator = login("coordinator")
    for url, data in (("/station/services/plan", {"month": f"{MONTH:%Y-%m}"}),
                      (f"/station/appointments/{a.id}/result", {"done_on": TODAY.isoformat(), "outcome": "normal"}),
                      (f"/station/appointments/{a.id}/no-show", {}), ("/station/notices/issue", {"ids": str(a.id)}),
                      ("/station/notices/stub", {"number": "1"}), ("/station/outbox/send", {})):
        assert coordinator.post(url, data=data).status_code == 403, url
    assert fresh(a).status == "planned"
    assert login("health").post(f"/station/appointments/{appointment(scene['other'], 'health_checkup').id}/no-show",
                                data={}).status_code == 404  # another township's: not found, not forbidden


def test_plan_button_plans_the_users_township_only(login, world, scene):
    newcomer = world.person("新来的", seq=7)
    far = world.person("远处的", grid=world.grid_b1, seq=9)
    health = login("health")
    r = health.post("/station/services/plan", data={"month": f"{MONTH:%Y-%m}"}, follow_redirects=True)
    assert r.status_code == 200 and "已排期" in r.text
    assert appointment(newcomer, "health_checkup") is not None
    assert appointment(far, "health_checkup") is None
    entry = db.session.scalars(select(AuditLog).where(AuditLog.action == "services.plan")
                               .order_by(AuditLog.id.desc())).first()
    assert entry.after["grid_ids"] == [world.grid_a1.id, world.grid_a2.id]


@pytest.mark.parametrize("month,message", [("2020-01", "不能为已经过去的月份排期"), ("2026-13", "请选择月份"),
                                           ("", "请选择月份")])
def test_a_bad_month_says_why(login, scene, month, message):
    r = login("health").post("/station/services/plan", data={"month": month})
    assert r.status_code == 200 and message in r.text and 'type="month"' in r.text


def test_work_lists(login, scene):
    health = login("health")
    overdue = health.get("/station/appointments?view=overdue").text
    assert "王芳" in overdue and "免费健康体检" in overdue and "李四" not in overdue
    week = health.get("/station/appointments?view=week").text
    assert "李四" not in week
    kid_visit = appointment(scene["kid"], "child_immunisation")
    day = health.get(f"/station/appointments?view=day&on={kid_visit.due_on.isoformat()}").text
    assert "王小宝" in day
    only_type = health.get(f"/station/appointments?view=overdue&type={scene['services']['child_immunisation'].id}").text
    assert "王芳" not in only_type
    assert health.get("/station/appointments?view=overdue&grid=999999&on=x&type=abc&page=-3").status_code == 200


def test_a_visit_is_one_line_and_one_result_records_its_doses(login, scene):
    kid = scene["kid"]
    doses = db.session.scalars(select(Appointment).join(Appointment.service_type).where(
        Appointment.person_id == kid.id, ServiceType.code == "child_immunisation")).all()
    first = min(doses, key=lambda a: a.id)
    same_day = [a for a in doses if a.due_on == first.due_on]
    assert len(same_day) > 1  # catch-up doses of a child who came at 3 months: one visit
    health = login("health")
    day = health.get(f"/station/appointments?view=day&on={first.due_on.isoformat()}").text
    assert day.count("王小宝") == 1
    page = health.get(f"/station/appointments/{first.id}").text
    assert page.count('name="with_ids"') == 3 * (len(same_day) - 1)  # result form, no-show and new date
    r = health.post(f"/station/appointments/{first.id}/result", data={
        "version": first.version, "done_on": TODAY.isoformat(), "outcome": "given_elsewhere", "place": "阜阳市",
        "with_ids": [str(a.id) for a in same_day if a.id != first.id]})
    assert r.status_code == 302
    assert {fresh(a).status for a in same_day} == {"done"}
    assert {fresh(a).place for a in same_day} == {"阜阳市"}


def test_recording_a_result_moves_the_next_due_date(login, scene):
    a = scene["check"]
    health = login("health")
    before = health.get(f"/station/people/{scene['mum'].id}").text
    assert "逾期" in before
    r = health.post(f"/station/appointments/{a.id}/result", data={
        "version": a.version, "done_on": TODAY.isoformat(), "outcome": "follow_up", "note": "血压偏高，建议复查",
        "next": "/station/appointments?view=overdue"}, follow_redirects=True)
    period = dates.add_months_to_first(MONTH, 3 - (MONTH.month - 1) % 3)  # the next quarter
    assert "已登记 王芳 的免费健康体检" in r.text and f"下次：{period:%Y-%m}" in r.text
    assert r.request.path == "/station/appointments"
    done = fresh(a)
    assert (done.status, done.outcome, done.note, done.done_on) == ("done", "follow_up", "血压偏高，建议复查", TODAY)
    after = health.get(f"/station/people/{scene['mum'].id}").text
    assert f"{period:%Y-%m} 起" in after and "血压偏高" in after
    entry = db.session.scalars(select(AuditLog).where(AuditLog.action == "appointment.result")).one()
    assert entry.after["outcome"] == "follow_up" and entry.before["status"] == "planned"


def test_bad_results_keep_what_was_typed(login, scene):
    a = scene["check"]
    health = login("health")
    r = health.post(f"/station/appointments/{a.id}/result", data={
        "version": a.version, "done_on": (TODAY + dt.timedelta(days=3)).isoformat(), "outcome": "nonsense",
        "note": "我写的备注"})
    assert r.status_code == 200 and "我写的备注" in r.text and "不是有效的选择" in r.text
    r = health.post(f"/station/appointments/{a.id}/result", data={
        "version": a.version, "done_on": (TODAY + dt.timedelta(days=3)).isoformat(), "outcome": "normal",
        "note": "我写的备注"})
    assert r.status_code == 200 and "日期不能在未来" in r.text and "我写的备注" in r.text
    assert fresh(a).status == "planned"


def test_a_stale_form_says_so_and_keeps_the_input(login, scene):
    a = scene["check"]
    health = login("health")
    old_version = a.version
    health.post(f"/station/appointments/{a.id}/no-show", data={"version": old_version})
    r = health.post(f"/station/appointments/{a.id}/result", data={
        "version": old_version, "done_on": TODAY.isoformat(), "outcome": "normal", "note": "第二个人写的"})
    assert r.status_code == 200 and "刚被别人修改过" in r.text and "第二个人写的" in r.text
    assert fresh(a).status == "planned" and fresh(a).no_shows == 1


def test_no_show_and_new_date(login, scene):
    a = scene["check"]
    health = login("health")
    r = health.post(f"/station/appointments/{a.id}/no-show", data={"version": a.version})
    assert r.status_code == 302 and fresh(a).no_shows == 1 and fresh(a).status == "planned"
    r = health.post(f"/station/appointments/{a.id}/reschedule", data={
        "version": fresh(a).version, "new_date": (TODAY - dt.timedelta(days=1)).isoformat()})
    assert r.status_code == 200 and "新日期不能早于今天" in r.text
    new_date = TODAY + dt.timedelta(days=2)
    r = health.post(f"/station/appointments/{a.id}/reschedule", data={
        "version": fresh(a).version, "new_date": new_date.isoformat(), "place": "文一社区卫生站"})
    assert r.status_code == 302
    assert (fresh(a).due_on, fresh(a).place) == (new_date, "文一社区卫生站")


def test_issuing_a_residence_permit_records_the_document(login, world, scene):
    holder = world.person("赵六", seq=11, arrived_on=TODAY - dt.timedelta(days=400))
    planning.plan_month(CLI, MONTH, today=TODAY)
    a = appointment(holder, "residence_permit")
    health = login("health")
    r = health.post(f"/station/appointments/{a.id}/result", data={
        "version": a.version, "done_on": TODAY.isoformat(), "outcome": "issued"})
    assert r.status_code == 200 and "请填写证件号码" in r.text
    r = health.post(f"/station/appointments/{a.id}/result", data={
        "version": a.version, "done_on": TODAY.isoformat(), "outcome": "issued", "document_number": "330106-0001"},
        follow_redirects=True)
    doc = db.session.scalars(select(Document).where(Document.person_id == holder.id)).one()
    assert (doc.number, doc.issued_on) == ("330106-0001", TODAY)
    assert f"下次：{dates.anniversary(TODAY, 12).isoformat()}" in r.text  # endorsement a year on


def test_health_results_are_never_shown_to_coordinators(login, scene):
    a = scene["check"]
    login("health").post(f"/station/appointments/{a.id}/result", data={
        "version": a.version, "done_on": TODAY.isoformat(), "outcome": "referred", "note": "转诊至市一医院"})
    page = login("coordinator").get(f"/grid/people/{scene['mum'].id}").text
    assert "免费健康体检" in page and "已完成" in page
    assert "转诊" not in page and "市一医院" not in page
    # the coordinator sees the child's next dose
    assert "子女预防接种" in page and "王小宝" in page and "下一剂" in page


def test_coordinators_record_choices_in_their_grids_only(login, scene, world):
    coordinator = login("coordinator")
    mum, other = scene["mum"], scene["other"]
    t = scene["services"]["health_checkup"]
    r = coordinator.post(f"/station/people/{mum.id}/choice", data={"type_id": t.id, "choice": "out"})
    assert r.status_code == 302 and r.headers["Location"].endswith(f"/grid/people/{mum.id}")
    assert fresh(scene["check"]).status == "planned"  # overdue: kept (cancelled only what is ahead)
    assert db.session.get(ServiceChoice, (mum.id, t.id)).choice == "out"
    assert coordinator.post(f"/station/people/{other.id}/choice", data={"type_id": t.id, "choice": "out"}).status_code == 404
    assert coordinator.post(f"/station/people/{mum.id}/choice", data={"type_id": "x", "choice": "out"}).status_code == 302
    assert coordinator.post(f"/station/people/{mum.id}/choice", data={"type_id": "99999", "choice": "in"}).status_code == 404
    r = coordinator.post(f"/station/people/{mum.id}/sms", data={"opt_out": "1", "next": "//evil.example/"})
    assert r.status_code == 302 and "evil" not in r.headers["Location"]
    assert "本人不要短信" not in coordinator.get(f"/grid/people/{mum.id}").text


def test_notices_say_what_when_where_and_nothing_sensitive(login, scene):
    a = scene["check"]
    health = login("health")
    health.post(f"/station/appointments/{a.id}/result", data={
        "version": a.version, "done_on": TODAY.isoformat(), "outcome": "referred", "note": "转诊至市一医院"})
    kid_visit = appointment(scene["kid"], "child_immunisation")
    r = health.post("/station/notices/issue", data={"ids": str(kid_visit.id), "size": "a4"})
    assert r.status_code == 302 and "size=a4" in r.headers["Location"]
    html = health.get(r.headers["Location"]).text
    assert "免费服务预约通知" in html and "王小宝" in html and "回执" in html and "社区卫生服务中心" in html
    assert "0571-88001234" in html and "免费、自愿" in html and 'class="size-a4"' in html
    assert scene["kid"].id_number not in html and "转诊" not in html
    notice = db.session.scalars(select(Notice)).one()
    again = health.post("/station/notices/issue", data={"ids": str(kid_visit.id)})
    assert db.session.scalars(select(Notice)).all() == [notice]  # a reprint keeps its number
    assert f"ids={notice.id}" in again.headers["Location"]


def test_document_reminder_deadline_depends_on_the_household_place(login, world, scene, admin_enables_legacy):
    far = world.person("外省人", seq=12, marital_status="married", hukou_area_code="342101")  # 安徽
    near = world.person("本市人", seq=14, marital_status="married", hukou_area_code="330102")  # 杭州
    planning.plan_month(CLI, MONTH, today=TODAY)
    health = login("health")
    for person, days, where in ((far, 60, "外省"), (near, 15, "同市")):
        a = appointment(person, "marriage_childbirth_certificate")
        r = health.post("/station/notices/issue", data={"ids": str(a.id)})
        html = health.get(r.headers["Location"]).text
        deadline = TODAY + dt.timedelta(days=days)
        assert "办证提醒通知书" in html and f"请于 {deadline.isoformat()} 前办理" in html, where
        assert f"户籍地在{where}：自发出之日起 {days} 天内" in html


def test_an_overdue_appointments_notice_asks_to_call_instead_of_a_past_date(login, scene):
    """Regression: 逾期未完成 → 打印通知单 printed the passed day as 时间."""
    a = scene["check"]  # planned for yesterday
    health = login("health")
    r = health.post("/station/notices/issue", data={"ids": str(a.id), "next": "/station/appointments?view=overdue"})
    html = health.get(r.headers["Location"]).text
    assert a.due_on.isoformat() not in html
    assert "请尽快致电 0571-88001234 预约时间。" in html and "时间待约" in html  # the notice and its stub
    # Moved to a new day first, the reprint carries that day.
    later = TODAY + dt.timedelta(days=3)
    health.post(f"/station/appointments/{a.id}/reschedule", data={"version": fresh(a).version, "new_date": later.isoformat()})
    assert fresh(a).due_on == later
    again = health.get(health.post("/station/notices/issue", data={"ids": str(a.id)}).headers["Location"]).text
    assert later.isoformat() in again and "请尽快致电" not in again


def test_a_residence_permit_renewal_past_its_date_asks_to_come_soon(login, world, scene):
    t = scene["services"]["residence_permit"]
    holder = scene["mum"]
    past = TODAY - dt.timedelta(days=25)
    a = Appointment(person_id=holder.id, service_type_id=t.id, slot=f"renew-{past.isoformat()}", due_on=past)
    db.session.add(a)
    db.session.commit()
    health = login("health")
    html = health.get(health.post("/station/notices/issue", data={"ids": str(a.id)}).headers["Location"]).text
    assert past.isoformat() not in html and "请于" not in html
    assert "年度签注已到期，请尽快办理" in html and "请尽快致电 0571-88001234 预约时间。" in html


def test_a_reprint_after_the_deadline_shows_no_passed_deadline(login, world, scene, admin_enables_legacy):
    from app.services.health import notices as notice_service
    far = world.person("外省人", seq=12, marital_status="married", hukou_area_code="342101")
    planning.plan_month(CLI, MONTH, today=TODAY)
    health = login("health")
    health.post("/station/notices/issue", data={"ids": str(appointment(far, "marriage_childbirth_certificate").id)})
    notice = db.session.scalars(select(Notice)).one()
    [view] = notice_service.views([notice], printed_on=notice.deadline_on + dt.timedelta(days=1))
    assert view.deadline_on is None and view.overdue
    [view] = notice_service.views([notice], printed_on=notice.deadline_on)
    assert view.deadline_on == notice.deadline_on and not view.overdue


@pytest.fixture
def admin_enables_legacy(login, scene):
    t = scene["services"]["marriage_childbirth_certificate"]
    admin = login("admin")
    form = admin.get(f"/admin/service-types/{t.id}").text
    version = re.search(r'name="version"[^>]*value="(\d+)"', form).group(1)
    r = admin.post(f"/admin/service-types/{t.id}", data={
        "version": version, "name": t.name, "active": "y", "place": t.place, "sms_days_before": "3",
        "sort_order": "50", "deadline_rule": "by_distance", "sex": "F", "age_min": "18", "age_max": "49",
        "marital": ["married"], "kind": "document", "apply_after_months": "0"})
    assert r.status_code == 302, r.text


def test_stubs_come_back_by_number(login, scene):
    a = scene["check"]
    health = login("health")
    health.post("/station/notices/issue", data={"ids": str(a.id)})
    notice = db.session.scalars(select(Notice)).one()
    number = f"{notice.issued_on:%Y}-{notice.id:07d}"
    assert number in health.get("/station/notices").text
    r = health.post("/station/notices/stub", data={"number": "abc"})
    assert r.status_code == 200 and "回执编号格式不对" in r.text
    r = health.post("/station/notices/stub", data={"number": "2026-9999999"})
    assert r.status_code == 200 and "没有找到此编号的通知" in r.text
    r = health.post("/station/notices/stub", data={"number": number, "on": TODAY.isoformat()})
    assert r.status_code == 302
    db.session.expire_all()
    assert db.session.get(Notice, notice.id).stub_returned_on == TODAY
    again = health.post("/station/notices/stub", data={"number": number})
    assert "回执已登记" in again.text
    assert "回执" in health.get("/station/notices?state=back").text


def test_outbox_page_masks_phones_and_sends(login, scene, app):
    health = login("health")
    settings.update(CLI, {"sms.quiet_start": "0", "sms.quiet_end": "0"})  # no quiet hours, whenever this runs
    a = scene["check"]
    a.due_on = TODAY
    db.session.commit()
    other = appointment(scene["other"], "health_checkup")
    other.due_on = TODAY
    db.session.commit()
    r = health.post("/station/outbox/send", follow_redirects=True)
    assert r.status_code == 200 and "已发送" in r.text
    page = health.get("/station/outbox").text
    messages = db.session.scalars(select(SmsMessage)).all()
    assert {(m.person_id, m.state) for m in messages} >= {(scene["mum"].id, "sent")}
    assert "139****1234" in page and "13900001234" not in page and "免费健康体检" in page
    assert all(m.person_id != scene["other"].id for m in messages)  # only the user's township


def test_retry_only_failed_messages(login, scene):
    mum = scene["mum"]
    m = SmsMessage(person_id=mum.id, recipient_id=mum.id, service_type_id=scene["check"].service_type_id,
                   due_on=TODAY, phone="13900001234", state="sent")
    db.session.add(m)
    db.session.commit()
    health = login("health")
    health.post(f"/station/outbox/{m.id}/retry", data={})
    assert db.session.get(SmsMessage, m.id).state == "sent"
    m.state = "failed"
    db.session.commit()
    health.post(f"/station/outbox/{m.id}/retry", data={})
    db.session.expire_all()
    assert db.session.get(SmsMessage, m.id).state == "retry"


def test_people_search_and_person_page(login, scene):
    health = login("health")
    r = health.post("/station/people", data={"q": "王"}, headers={"HX-Request": "true"})
    assert r.status_code == 200 and "王芳" in r.text and "<html" not in r.text
    assert "李四" not in health.post("/station/people", data={"q": "李"}).text
    page = health.get(f"/station/people/{scene['mum'].id}").text
    assert "已婚育龄妇女生殖健康检查" in page and "本人已申请" in page and "子女预防接种" in page


def test_card_page_shows_the_next_appointments_once_unlocked(client, scene):
    mum, kid = scene["mum"], scene["kid"]
    issued = cards._new(CLI, mum)
    db.session.commit()
    locked = client.get(f"/c/{issued.token}").text
    assert "儿童免疫规划疫苗接种" not in locked
    client.post(f"/c/{issued.token}/unlock", data={"last4": mum.id_number[-4:]})
    html = client.get(f"/c/{issued.token}").text
    kid_visit = appointment(kid, "child_immunisation")
    assert "下次预约" in html and "儿童免疫规划疫苗接种" in html and kid.name in html
    assert kid_visit.due_on.isoformat() in html and "预防接种门诊" in html
    assert "已过期，请联系服务站改期" in html  # the check-up moved to yesterday


def test_admin_creates_and_edits_service_types(login, scene):
    admin = login("admin")
    bad = admin.post("/admin/service-types/new", data={"code": "Bad Code", "category": "checkup", "name": "",
                                                       "kind": "per_year", "times": "5", "sms_days_before": "x",
                                                       "age_min": "60", "age_max": "20"})
    assert bad.status_code == 200
    for message in ("编码用小写字母", "请填写名称", "每年次数应为", "提前天数应为", "最大年龄不能小于最小年龄"):
        assert message in bad.text, message
    assert 'value="Bad Code"' in bad.text
    ok = admin.post("/admin/service-types/new", data={
        "code": "elderly_checkup", "category": "checkup", "name": "老年人健康体检", "active": "y", "kind": "per_year",
        "times": "1", "sms_days_before": "7", "age_min": "65", "sms_enabled": "y"})
    assert ok.status_code == 302
    t = db.session.scalars(select(ServiceType).where(ServiceType.code == "elderly_checkup")).one()
    assert t.eligibility["age_min"] == 65 and t.cadence == {**t.cadence, "kind": "per_year", "times": 1}
    schedule = scene["services"]["child_immunisation"]
    bad_doses = admin.post(f"/admin/service-types/{schedule.id}", data={
        "version": schedule.version, "name": schedule.name, "kind": "age_schedule", "doses": "HepB-1 乙肝 soon",
        "sms_days_before": "3", "age_max": "6"})
    assert bad_doses.status_code == 200 and "第 1 行格式不对" in bad_doses.text


def test_switching_a_type_off_cancels_whats_ahead(login, scene):
    t = scene["services"]["child_immunisation"]
    ahead = [a for a in db.session.scalars(select(Appointment).where(Appointment.service_type_id == t.id))
             if a.due_on >= TODAY]
    admin = login("admin")
    form = admin.get(f"/admin/service-types/{t.id}").text
    version = re.search(r'name="version"[^>]*value="(\d+)"', form).group(1)
    doses = re.search(r'<textarea[^>]*name="doses"[^>]*>\s*(.*?)</textarea>', form, re.S).group(1)
    r = admin.post(f"/admin/service-types/{t.id}", data={
        "version": version, "name": t.name, "kind": "age_schedule", "doses": doses, "sms_days_before": "3",
        "age_max": "6", "deadline_rule": "due_date"}, follow_redirects=True)
    assert r.status_code == 200 and f"尚未到期、已不再适用的 {len(ahead)} 条预约已取消" in r.text
    assert {fresh(a).cancel_reason for a in ahead} == {"type_inactive"}


def test_the_settings_page_has_the_notice_deadlines(login, scene):
    page = login("admin").get("/admin/settings").text
    assert 'name="notice.days_other_province" value="60"' in page and 'name="sms.quiet_start" value="21"' in page
