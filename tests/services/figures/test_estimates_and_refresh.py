"""The estimated population (the registration rate's base) in the admin's area form, and
the command that counts every figure again."""
from sqlalchemy import func, select

from app.domain.clock import utcnow
from app.domain.months import Month
from app.extensions import db
from app.models import AuditLog, GridFigure, Job
from app.services import jobs
from app.services.figures import kpi
from app.services.figures import store as figures
from app.services.figures.measures import Context


def test_the_admin_enters_a_grids_estimate_and_the_rate_follows(login, world):
    for i in range(3):
        world.person(f"人{i}", seq=i + 1, entered_at=utcnow())
    admin = login("admin")
    page = admin.get(f"/admin/areas/{world.grid_a1.id}").get_data(as_text=True)
    assert 'name="estimated_population"' in page
    assert 'name="estimated_population"' not in admin.get(f"/admin/areas/{world.town_a.id}").get_data(as_text=True)
    ctx = Context.at()
    month = ctx.current
    coverage = figures.Coverage.of(world.grid_a1)
    assert kpi.report(world.grid_a1, coverage, month, ctx).kpis[0].month.rate is None  # no estimate yet

    r = admin.post(f"/admin/areas/{world.grid_a1.id}", data={"code": "A1", "name": "第1网格",
                                                              "estimated_population": "4"})
    assert r.status_code == 302
    db.session.expire_all()
    assert world.grid_a1.estimated_population == 4
    entry = db.session.scalars(select(AuditLog).where(AuditLog.action == "area.update")).one()
    assert entry.after == {"estimated_population": 4}
    # the stored estimate was dropped: the next page counts the new one
    assert kpi.report(world.grid_a1, coverage, month, Context.at()).kpis[0].month.rate == 75.0


def test_bad_estimates_are_refused_with_the_input_kept(login, world):
    admin = login("admin")
    for bad in ("-1", "abc", "2000000", "1.5"):
        r = admin.post(f"/admin/areas/{world.grid_a1.id}", data={"code": "A1", "name": "第1网格",
                                                                  "estimated_population": bad})
        assert r.status_code == 200 and "estimated_population" in r.get_data(as_text=True), bad
    db.session.expire_all()
    assert world.grid_a1.estimated_population is None
    blank = admin.post(f"/admin/areas/{world.grid_a1.id}", data={"code": "A1", "name": "第1网格",
                                                                 "estimated_population": ""})
    assert blank.status_code == 302


def test_refresh_figures_counts_every_month_asked_for(app, world):
    world.person("甲", seq=1, entered_at=utcnow())
    runner = app.test_cli_runner()
    result = runner.invoke(args=["refresh-figures", "--months", "3"])
    assert result.exit_code == 0, result.output
    months = Month.of(Context.at().today).last(3)
    stored = dict(db.session.execute(select(GridFigure.month, func.count()).group_by(GridFigure.month)).all())
    assert set(stored) == {m.first for m in months}
    assert f"for 3 grids, 3 month(s)" in result.output
    again = runner.invoke(args=["refresh-figures", "--months", "3"])  # rerunning is safe
    assert again.exit_code == 0
    assert dict(db.session.execute(select(GridFigure.month, func.count()).group_by(GridFigure.month)).all()) == stored
    one = runner.invoke(args=["refresh-figures", "--area-code", "A1"])
    assert one.exit_code == 0 and "for 1 grids" in one.output
    assert runner.invoke(args=["refresh-figures", "--area-code", "nope"]).exit_code != 0


def test_a_big_areas_out_of_date_figures_are_shown_and_recounted_by_a_background_job(login, world, monkeypatch):
    """Above RECOUNT_IN_PAGE_MAX_GRIDS grids the page does not wait for a recount: it shows
    the stored figures, says so, and a background job counts them again (one job however
    many pages ask meanwhile)."""
    admin = login("admin")
    assert admin.get("/station/kpi").status_code == 200  # counted now: nothing was stored
    world.person("甲", seq=1, entered_at=utcnow())  # one more on record since
    long_ago = utcnow().replace(year=2000)
    this_month = GridFigure.__table__.update().where(GridFigure.month == Context.at().current.first)

    def counted(fn):
        db.session.expire_all()
        return db.session.scalar(select(fn(GridFigure.computed_at)).where(GridFigure.month == Context.at().current.first))

    def age():  # this month's figures counted long ago (closed months are kept: not out of date)
        db.session.execute(this_month.values(computed_at=long_ago))
        db.session.commit()
    age()
    monkeypatch.setattr(figures, "RECOUNT_IN_PAGE_MAX_GRIDS", 1)

    response = admin.get("/station/kpi")
    page = response.get_data(as_text=True)
    assert "正在重新统计" in page and "/ 在册 0" in page  # the stored figures, as they were
    assert counted(func.max) == long_ago
    assert "正在重新统计" in admin.get("/station/kpi").get_data(as_text=True)  # asked again meanwhile
    recounts = db.session.scalars(select(Job).where(Job.kind == "figures.recount")).all()
    assert [j.state for j in recounts] == ["queued"]  # one job for both pages
    assert jobs.run_pending() == 1  # what ``flask jobs work`` does
    assert counted(func.min) > long_ago
    assert "/ 在册 1" in admin.get("/station/kpi").get_data(as_text=True)

    monkeypatch.setattr(figures, "RECOUNT_IN_PAGE_MAX_GRIDS", 100)  # three grids: the page waits
    age()
    page = admin.get("/station/kpi").get_data(as_text=True)
    assert "正在重新统计" not in page
    assert counted(func.min) > long_ago


def test_a_big_areas_first_dashboard_never_counts_inside_the_request(login, world, monkeypatch):
    """An empty figure store (a new deployment, or the first look at a new month) over a big
    area: the page answers at once with what is stored (nothing), says the figures are being
    counted and how long that takes, looks again by itself, and a background job counts them."""
    monkeypatch.setattr(figures, "RECOUNT_IN_PAGE_MAX_GRIDS", 1)
    world.person("甲", seq=1, entered_at=utcnow())
    admin = login("admin")
    page = admin.get("/station/kpi").get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(GridFigure)) == 0  # nothing counted in the request
    assert "正在统计本区域的数字" in page and "秒" in page
    assert 'hx-trigger="every 3s"' in page and 'http-equiv="refresh"' in page  # it looks again by itself
    assert "重新统计</button>" not in page  # nothing to press while it counts
    assert jobs.run_pending() == 1
    page = admin.get("/station/kpi").get_data(as_text=True)
    assert "正在统计" not in page and "hx-trigger=\"every 3s\"" not in page
    assert "/ 在册 1" in page
    # The same for the quality monitor and its lists: nothing counted in the request, the
    # list looks everywhere meanwhile.
    db.session.execute(GridFigure.__table__.delete())
    db.session.commit()
    assert "正在统计本区域的数字" in admin.get("/station/quality").get_data(as_text=True)
    assert admin.get("/station/quality/no_dwelling").status_code == 200


def test_recounting_a_big_area_by_hand_runs_in_the_background(login, world, monkeypatch):
    admin = login("admin")
    assert admin.get("/station/kpi").status_code == 200  # counted (a small area waits)
    monkeypatch.setattr(figures, "RECOUNT_IN_PAGE_MAX_GRIDS", 1)
    before = db.session.scalar(select(func.max(GridFigure.computed_at)))
    r = admin.post("/station/kpi/refresh")
    assert r.status_code == 302
    db.session.expire_all()
    assert db.session.scalar(select(func.max(GridFigure.computed_at))) == before  # not in the request
    assert [j.kind for j in db.session.scalars(select(Job).where(Job.state == "queued"))] == ["figures.recount"]
    assert "正在重新统计" in admin.get("/station/kpi").get_data(as_text=True)
