"""The exchange's KPIs: feedback rate within the deadline, inquiry rate, "四知"."""
from __future__ import annotations

import datetime as dt
import re

from app.domain.clock import local_today, utcnow
from app.domain.idcard import make_id_number
from app.extensions import db
from app.models import InboxMessage, Outflow, Peer, Setting, User
from app.services.exchange import signing, work


def _messages_and_records(world, today):
    peer = Peer(name="南山区", code="440305", prefixes="440305", key=signing.new_key())
    db.session.add(peer)
    db.session.flush()
    grid = world.grid_a1.id
    def at(days_ago):
        return dt.datetime.combine(today - dt.timedelta(days=days_ago), dt.time(9))
    for n, (due, answered) in enumerate([(today - dt.timedelta(days=1), at(4)),  # on time
                                         (today - dt.timedelta(days=5), at(3)),  # late
                                         (today - dt.timedelta(days=2), None),  # overdue, unanswered
                                         (today + dt.timedelta(days=3), None)]):  # not due yet: not counted
        db.session.add(InboxMessage(peer_id=peer.id, message_id=f"m{n}", type="inflow_notice", raw="{}", grid_id=grid,
                                    due_on=due, answered_at=answered, state="processed"))
    for n, (reason, dest, asked) in enumerate([("work", "440305001", True), (None, "44", False)]):
        db.session.add(Outflow(id_number=make_id_number("330106", dt.date(1980, 1, 1), n), name="x", grid_id=grid,
                               left_on=dt.date(2026, 1, 1), reason=reason, dest_area_code=dest, occupation="工",
                               phone="138", inquired_at=utcnow() if asked else None))
    db.session.add(Outflow(id_number=make_id_number("330106", dt.date(1980, 1, 1), 9), name="y",
                           grid_id=world.grid_b1.id, left_on=dt.date(2026, 1, 1)))  # another township
    db.session.commit()


def test_feedback_inquiry_and_four_knows_rates(world):
    today = dt.date(2026, 12, 4)
    _messages_and_records(world, today)
    figures = work.figures(db.session.get(User, world.users["supervisor"].id), today)
    assert figures["feedback"] == (1, 3, 99)
    assert figures["inquiry"] == (1, 2, 90)
    assert figures["four_knows"] == (1, 2, 95)


def _tiles(page: str) -> dict[str, str]:
    """The exchange section's tiles of the KPI dashboard, by label: each tile's markup."""
    section = page.split('id="exchange-kpis"', 1)[1].split("</div>", 1)[0]
    return {re.search(r"<h2><a [^>]*>([^<]+)</a></h2>", tile).group(1): tile
            for tile in section.split("<article")[1:]}


def test_the_kpi_dashboard_shows_the_exchange_figures_with_targets_red_when_below(world, login):
    _messages_and_records(world, local_today())
    db.session.add(Setting(key="kpi.target.exchange_inquiry", value=50))
    db.session.commit()
    tiles = _tiles(login("supervisor").get("/station/kpi").data.decode())
    assert list(tiles) == ["反馈率", "函查率", "“四知”齐全率"]
    feedback, inquiry, knows = tiles.values()
    assert 'class="card kpi-tile below"' in feedback and "33.3%" in feedback and "目标 ≥ 99%" in feedback
    assert "按期反馈 1 / 应反馈 3" in feedback and "低于目标" in feedback
    assert 'class="card kpi-tile met"' in inquiry and "50.0%" in inquiry and "目标 ≥ 50%" in inquiry  # 1 of 2
    assert 'class="card kpi-tile below"' in knows and "四知齐全 1 / 外出 2" in knows
    # The area picked on the dashboard: township B holds the third record only.
    tiles = _tiles(login("admin").get(f"/station/kpi?area={world.town_b.id}").data.decode())
    assert "已函查或已确认 0 / 外出 1" in tiles["函查率"] and "无数据" in tiles["反馈率"]
    assert "两地信息交换" not in login("supervisor").get(f"/station/kpi?area={world.grid_a2.id}").data.decode()
