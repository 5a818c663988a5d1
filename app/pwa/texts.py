"""The texts static/js/offline.js shows, in the user's language. Served as a small script with
a versioned URL (cached for good by the browser), not inlined: Chinese text compresses poorly
and would weigh on every page."""
from __future__ import annotations

import hashlib
import json

from flask_babel import gettext, get_locale


def offline_texts() -> dict:
    return {
        "online": gettext("在线"),
        "offline": gettext("离线：可继续登记、走访、迁移和注销，联网后自动同步"),
        "waiting": gettext("待同步 {n} 条"),
        "failed_n": gettext("同步失败 {n} 条"),
        "syncing": gettext("正在同步…"),
        "sync_now": gettext("立即同步"),
        "bar": gettext("网络与待同步"),
        "list": gettext("待同步 / 同步失败"),
        "signin": gettext("登录已过期。请重新登录，待同步的记录会在登录后发送。"),
        "signin_link": gettext("重新登录"),
        "pending": gettext("待同步"),
        "synced": gettext("已同步"),
        "failed": gettext("同步失败"),
        "fix": gettext("修改"),
        "drop": gettext("删除"),
        "drop_confirm": gettext("删除这条未同步的记录？删除后无法恢复。"),
        "logout_confirm": gettext("还有 {n} 条记录未同步，退出后将从本机删除。确定退出吗？"),
        "queued": gettext("已保存到本机，联网后自动同步：{label}"),
        "needs_network": gettext("此操作需要网络连接。请联网后再提交，您填写的内容仍在页面上。"),
        "gone": gettext("您已不再负责此网格或此人员，或记录已不存在。"),
        "refused": gettext("服务器未接受这条记录。"),
        "editing": gettext("这条记录同步失败：{reason} 请修改后重新提交。"),
        "kinds": {"register": gettext("登记"), "sweep": gettext("走访"), "move": gettext("迁移"), "depart": gettext("注销")},
        "id_ok": gettext("号码有效（本机检查）：出生日期 {date}"),
        "id_errors": {
            "missing": gettext("请填写身份证号码"),
            "bad_chars": gettext("身份证号码前 17 位须为数字，最后一位为数字或 X"),
            "bad_chars_15": gettext("15 位身份证号码只能由数字组成"),
            "bad_length": gettext("身份证号码应为 18 位，现在是 {n} 位"),
            "bad_date": gettext("出生日期 {date} 不是有效日期"),
            "too_early": gettext("出生日期早于 1900 年"),
            "future_date": gettext("出生日期在未来"),
            "bad_check": gettext("校验位不正确，请核对号码（常见原因：抄错一位）")},
        "township_online": gettext("乡镇/街道需联网后选择（离线时可只选到县/区）。")
    }


def script(texts: dict) -> str:
    return "window.anjuOfflineTexts=" + json.dumps(texts, ensure_ascii=False, separators=(",", ":")) + ";\n"


_versions: dict[str, str] = {}


def version() -> dict:
    """The script's URL arguments: the language and a hash of the script, so the URL changes
    whenever a text does (catalogs do not change while the app runs)."""
    lang = str(get_locale())
    if lang not in _versions:
        _versions[lang] = hashlib.sha256(script(offline_texts()).encode()).hexdigest()[:12]
    return {"lang": lang, "v": _versions[lang]}
