"""Notice deadlines by origin distance; quiet hours, back-off and the text of a reminder."""
import datetime as dt

from app.domain import notices, reminders


def test_origin_distance_from_division_codes():
    station = "330106002"  # 北山街道, 杭州市西湖区
    assert notices.origin_distance("330102", station) == "same_city"
    assert notices.origin_distance("330102003001", station) == "same_city"
    assert notices.origin_distance("330302", station) == "same_province"  # 温州
    assert notices.origin_distance("342101", station) == "other_province"  # a retired 安徽 code
    assert notices.origin_distance(None, station) == "other_province"  # unknown: the longest deadline
    assert notices.origin_distance("33", station) == "same_province"


def test_deadline_and_numbers():
    assert notices.deadline(dt.date(2026, 12, 1), 60) == dt.date(2027, 1, 30)
    number = notices.notice_number(123, dt.date(2026, 12, 1))
    assert number == "2026-0000123"
    assert notices.parse_notice_number(number) == 123 and notices.parse_notice_number(" 123 ") == 123
    for bad in ("", "abc", "26-1", "0", "2026-", "1" * 12, None):
        assert notices.parse_notice_number(bad) is None


def test_a_notice_never_shows_a_day_that_has_passed():
    today = dt.date(2026, 12, 4)
    assert notices.date_to_print(dt.date(2026, 11, 9), today) is None  # overdue: "call to book"
    assert notices.date_to_print(today, today) == today
    assert notices.date_to_print(dt.date(2026, 12, 20), today) == dt.date(2026, 12, 20)
    assert notices.date_to_print(None, today) is None


def test_quiet_hours():
    at = dt.time
    assert reminders.in_quiet_hours(at(22, 0), 21, 8) and reminders.in_quiet_hours(at(7, 59), 21, 8)
    assert not reminders.in_quiet_hours(at(8, 0), 21, 8) and not reminders.in_quiet_hours(at(20, 59), 21, 8)
    assert reminders.in_quiet_hours(at(13, 0), 12, 14) and not reminders.in_quiet_hours(at(14, 0), 12, 14)
    assert not reminders.in_quiet_hours(at(3, 0), 0, 0)


def test_backoff_doubles_up_to_a_day():
    assert [reminders.backoff(n, 10).total_seconds() / 60 for n in (1, 2, 3, 4)] == [10, 20, 40, 80]
    assert reminders.backoff(20, 10) == dt.timedelta(hours=24)


def test_reminder_text_says_what_when_where_and_nothing_else():
    text = reminders.sms_text(signature="安居", kind="visit", service="儿童免疫规划疫苗接种", dose="麻腮风疫苗 第1剂",
                              on=dt.date(2026, 12, 8), place="社区卫生服务中心", phone="0571-88000002",
                              child_name="王小宝")
    assert text.startswith("【安居】王*宝的儿童免疫规划疫苗接种（麻腮风疫苗 第1剂）安排在12月8日")
    assert "王小宝" not in text and "0571-88000002" in text  # the child's name masked; whom to call
    renew = reminders.sms_text(signature="安居", kind="renew", service="居住证", on=dt.date(2027, 1, 15),
                               place="", phone="")
    assert renew == "【安居】您的居住证请在1月15日前办理签注。"
