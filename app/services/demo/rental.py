"""Demo rental housing for ``seed-demo``: two landlords with logins and dwellings in the
demo coordinator's grids, tenancies some confirmed and some not, the responsibility
agreement (one dwelling signed), this and last month's sweep visits, and a late
landlord report waiting in the queue. A handful of rows, whatever the number of people."""
from __future__ import annotations

import datetime as dt
import random

from sqlalchemy import select, update

from ...domain.clock import local_today, utcnow
from ...domain.idcard import make_id_number
from ...extensions import db
from ...models import (
    Agreement,
    AgreementTemplate,
    ChangeRequest,
    Dwelling,
    Landlord,
    Person,
    Role,
    SweepVisit,
    Tenancy,
    User,
)
from ..common import bulk
from ..common.context import Actor

# (landlord id, name) of the demo landlords; they log in with their phone numbers.
LANDLORDS = ((1, "王建国"), (2, "李秀英"))

AGREEMENT_TITLE = "出租房屋流动人口服务管理责任书"
AGREEMENT_TEXT = """为做好出租房屋和流动人口的登记与服务，保障租客和出租人的合法权益，出租人自愿承担以下责任：

一、出租房屋前核对承租人的身份证件；租客入住后 3 日内向网格员报告（可在安居中“报告新租客”），租客搬离后 3 日内报告。

二、及时确认网格员登记的本房屋租客信息；发现信息有误的，通过安居提出异议。

三、配合网格员每月入户走访，如实提供房屋居住人员的变动情况。

四、向租客转告便民服务联系卡和服务站的免费服务（如健康检查、子女预防接种、居住证办理），不收取任何费用。

五、妥善保管租客的个人信息，不向他人泄露，不用于其他用途。

六、保障房屋的消防和用电安全，不将房屋出租给无身份证件的人员居住。

本责任书自出租人签署之日起生效。出租人可在安居中随时查看和打印本责任书。"""


def _accounts_of_confirming_landlords(password: str) -> None:
    """Only a landlord with an account confirms tenants (房东已确认): every landlord with a
    confirmed tenancy has one — signing in with their mobile number and the demo password."""
    has_account = select(User.landlord_id).where(User.landlord_id.is_not(None))
    landlords = db.session.execute(select(Landlord.id, Landlord.name, Landlord.phone).where(
        Landlord.id.in_(select(Dwelling.landlord_id).join(Tenancy, Tenancy.dwelling_id == Dwelling.id)
                        .where(Tenancy.confirmed_by_landlord_at.is_not(None))),
        Landlord.id.not_in(has_account), Landlord.phone.is_not(None))).all()
    if not landlords:
        return
    sample = User()
    sample.set_password(password)  # hashed once: the same demo password for all
    bulk.write(User.__table__, [{"username": phone, "name": name, "phone": phone, "role": Role.LANDLORD.value,
                                 "landlord_id": landlord_id, "password_hash": sample.password_hash, "active": True,
                                 "must_change_password": False, "failed_logins": 0, "created_at": utcnow()}
                                for landlord_id, name, phone in landlords])


def seed(actor: Actor, grids: list, password: str, seed_value: int) -> None:
    rng = random.Random(f"rental-{seed_value}")
    now, today = utcnow(), local_today()
    template = AgreementTemplate(version=1, title=AGREEMENT_TITLE, body=AGREEMENT_TEXT, created_at=now)
    db.session.add(template)
    step = len(grids)  # demo dwelling i + 1 lies in grid i % len(grids)
    owned = {1: [1, 1 + step, 1 + 2 * step], 2: [2, 2 + step]}
    for landlord_id, name in LANDLORDS:
        landlord = db.session.get(Landlord, landlord_id)
        landlord.name = name
        db.session.execute(update(Dwelling).where(Dwelling.id.in_(owned[landlord_id])).values(landlord_id=landlord_id))
        user = User(username=landlord.phone, name=name, phone=landlord.phone, role=Role.LANDLORD.value,
                    landlord_id=landlord_id)
        user.set_password(password)
        db.session.add(user)
    db.session.flush()
    # Half of their current tenancies confirmed, the others waiting for the landlord.
    tenancies = db.session.scalars(select(Tenancy).join(Person, Person.id == Tenancy.person_id).where(
        Tenancy.dwelling_id.in_(owned[1] + owned[2]), Tenancy.end_on.is_(None), Person.status == "present")
        .order_by(Tenancy.id)).all()
    for i, tenancy in enumerate(tenancies):  # whatever the bulk load decided for them
        tenancy.confirmed_by_landlord_at = now - dt.timedelta(days=rng.randrange(1, 60)) if i % 2 == 0 else None
    db.session.add(Agreement(dwelling_id=owned[1][1], landlord_id=1, template=template, signed_name=LANDLORDS[0][1],
                             signed_at=now - dt.timedelta(days=20), signed_ip="127.0.0.1"))
    _accounts_of_confirming_landlords(password)
    _sweeps(rng, grids[:2], today)
    moved_in = today - dt.timedelta(days=5)
    db.session.add(ChangeRequest(
        kind="tenant_arrival", source="landlord", grid_id=grids[0].id, requested_by_id=_user_of(1),
        payload={"dwelling_id": owned[1][0], "name": "孙小梅", "id_number": make_id_number("412701", dt.date(1996, 8, 3), 24),
                 "phone": "13812340000", "room": "202", "on": moved_in.isoformat(), "note": None,
                 "due_days": 3, "late_days": 2}, created_at=now))


def _user_of(landlord_id: int) -> int:
    return db.session.scalar(select(User.id).where(User.landlord_id == landlord_id))


def _sweeps(rng: random.Random, grids: list, today: dt.date) -> None:
    """Last month nearly every dwelling of the demo coordinator's grids was visited, this month a third."""
    this_month = today.replace(day=1)
    last_month = (this_month - dt.timedelta(days=1)).replace(day=1)
    coordinator = db.session.scalar(select(User.id).where(User.username == "coordinator"))
    for grid in grids:
        for dwelling_id in db.session.scalars(select(Dwelling.id).where(Dwelling.grid_id == grid.id)):
            for month, share in ((last_month, 0.9), (this_month, 0.35)):
                if rng.random() < share:
                    last_day = today if month == this_month else month + dt.timedelta(days=27)
                    day = month + dt.timedelta(days=rng.randrange(0, (last_day - month).days + 1))
                    db.session.add(SweepVisit(dwelling_id=dwelling_id, grid_id=grid.id, month=month,
                                              visited_at=dt.datetime.combine(day, dt.time(2)), visited_by_id=coordinator,
                                              result="changes" if rng.random() < 0.1 else "no_change"))
