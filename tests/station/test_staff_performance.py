"""Staff performance per coordinator per month, on hand-built records."""
import datetime as dt
import io

import openpyxl

from app.domain.clock import LOCAL
from app.extensions import db
from app.models import AuditSample, AuditSampleItem, Setting


def utc(y, m, d, h=12):
    return dt.datetime(y, m, d, h, tzinfo=LOCAL).astimezone(dt.timezone.utc).replace(tzinfo=None)


def scene(world):
    me = world.users["coordinator"]
    other = world.users["coordinator_b"]
    # May 2026 for "coordinator": three entries (2 h, 5 h, 30 h after collection), one collected in April.
    world.person("甲", seq=1, created_by_id=me.id, collected_at=utc(2026, 5, 3, 9), entered_at=utc(2026, 5, 3, 11))
    world.person("乙", seq=2, created_by_id=me.id, collected_at=utc(2026, 5, 4, 9), entered_at=utc(2026, 5, 4, 14))
    world.person("丙", seq=3, created_by_id=me.id, collected_at=utc(2026, 4, 30, 9), entered_at=utc(2026, 5, 1, 15))
    checked = world.person("丁", seq=4, created_by_id=me.id, collected_at=utc(2026, 4, 2), entered_at=utc(2026, 4, 2))
    # Local midnight: 1 June 00:30 in Beijing is still 31 May in UTC, and counts for June.
    world.person("戊", seq=5, created_by_id=me.id, collected_at=utc(2026, 6, 1, 0), entered_at=utc(2026, 6, 1, 0))
    world.person("己", seq=6, grid=world.grid_b1, created_by_id=other.id, collected_at=utc(2026, 5, 5), entered_at=utc(2026, 5, 5))
    sample = AuditSample(grid_id=world.grid_a1.id, seed=1, size=1, population=1, drawn_at=utc(2026, 5, 20))
    db.session.add(sample)
    db.session.flush()
    db.session.add(AuditSampleItem(sample_id=sample.id, person_id=checked.id, position=0, entered_by_id=me.id,
                                   result="pass", checked_at=utc(2026, 5, 21)))
    db.session.commit()


def test_month_figures_for_the_supervisor(login, world):
    scene(world)
    html = login("supervisor").get("/station/staff?month=2026-05").data.decode()
    assert "Coordinator" in html and "Coordinator_B" not in html  # township B's coordinator is not theirs
    row = html.split("Coordinator</td>")[1].split("</tr>")[0]
    cells = [c.split("</td>")[0].split(">")[-1] for c in row.split('<td class="num')[1:]]
    # collected 2 (甲, 乙), entered 3, approved 1, median 5 h, 1 late, reward 2×0.5 + 3×1 + 1×1.5
    assert cells[:3] == ["2", "3", "1"], cells
    assert "5.0 小时" in row and "5.50" in row


def test_rates_come_from_the_settings(login, world):
    scene(world)
    db.session.add(Setting(key="staff.reward_entered", value=2.0))
    db.session.commit()
    html = login("supervisor").get("/station/staff?month=2026-05").data.decode()
    assert "8.50" in html  # 1 + 6 + 1.5


def test_coordinator_sees_only_themselves_and_exports(login, world):
    scene(world)
    c = login("coordinator_b")
    html = c.get("/station/staff?month=2026-05").data.decode()
    assert "Coordinator_B" in html and ">Coordinator<" not in html
    r = c.get("/station/staff.xlsx?month=2026-05")
    rows = list(openpyxl.load_workbook(io.BytesIO(r.data)).active.iter_rows(values_only=True))
    header = [i for i, row in enumerate(rows) if row[0] == "协管员"][0]
    assert rows[header + 1][:3] == ("Coordinator_B", 1, 1)


def test_bad_month_is_this_month(login, world):
    assert login("admin").get("/station/staff?month=9999-99").status_code == 200
