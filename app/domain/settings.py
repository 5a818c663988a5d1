"""Settings the admin changes without a code change: what they are, their defaults,
and how typed text becomes a value.

Each feature lists its settings in ``DEFINITIONS`` below (grouped by ``group``); the
values live in the ``setting`` table (``services.admin.settings``) and fall back to these
defaults. Code reads them with ``services.admin.settings.get("key")``.
"""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from .text import N_, Message


@dataclass(frozen=True)
class Definition:
    key: str
    default: object
    kind: str  # "int", "decimal", "percent" (0–100, stored as a number), "bool", "text"
    label: str
    group: str
    minimum: float | None = None
    maximum: float | None = None
    hint: str | None = None


DEFINITIONS: tuple[Definition, ...] = (
    Definition("person.entry_hours", 24, "int", N_("信息采集后录入时限（小时）"), N_("人员登记"),
               minimum=1, maximum=720, hint=N_("登记制度要求采集后 24 小时内录入")),
    Definition("landlord.report_days", 3, "int", N_("房东报告租客入住、搬离的时限（天）"), N_("出租房屋与房东"),
               minimum=1, maximum=60, hint=N_("超过时限的报告在待审核中标为逾期")),
    Definition("landlord.invitation_days", 7, "int", N_("房东邀请链接有效期（天）"), N_("出租房屋与房东"),
               minimum=1, maximum=30),
    # Figures (services.figures.kpi, services.figures.quality): targets from seeds 001 and 004 (登记率、办证率
    # ≥ 90 %, 租赁房屋掌握率和综合服务率 ≥ 95 %, 录入率 98–100 %) and the data-quality thresholds.
    Definition("kpi.target.registration", 95, "percent", N_("登记率目标（％）"), N_("统计与数据质量"),
               hint=N_("月末在册人数占估计流动人口数的比例")),
    Definition("kpi.target.cards", 90, "percent", N_("发卡率目标（％）"), N_("统计与数据质量"),
               hint=N_("在册人员持有便民服务联系卡的比例")),
    Definition("kpi.target.landlord", 95, "percent", N_("房东确认率目标（％）"), N_("统计与数据质量"),
               hint=N_("有效租住关系中房东已确认的比例")),
    Definition("kpi.target.entry", 98, "percent", N_("按时录入率目标（％）"), N_("统计与数据质量"),
               hint=N_("在录入时限内录入的比例")),
    Definition("kpi.target.sweep", 95, "percent", N_("每月入户核查覆盖率目标（％）"), N_("统计与数据质量"),
               hint=N_("本月已走访核查的住所占登记住所的比例（租赁房屋掌握率 95％ 以上）")),
    Definition("kpi.target.services", 95, "percent", N_("服务完成率目标（％）"), N_("统计与数据质量"),
               hint=N_("每种服务本月到期的人次中已完成的比例（综合服务率 95％ 以上）")),
    Definition("figures.max_age_minutes", 10, "int", N_("统计数据刷新间隔（分钟）"), N_("统计与数据质量"),
               minimum=1, maximum=1440, hint=N_("本月的统计数据超过这个时间后，打开页面时重新计算")),
    Definition("quality.pending_days", 7, "int", N_("待审核超过几天列为超期"), N_("统计与数据质量"),
               minimum=1, maximum=365),
    Definition("quality.id_exempt_under_age", 16, "int", N_("未满几周岁可以没有身份证号码"), N_("统计与数据质量"),
               minimum=0, maximum=18, hint=N_("居民身份证自 16 周岁起必须申领")),
    Definition("quality.not_visited_months", 3, "int", N_("住所几个月未走访列为问题"), N_("统计与数据质量"),
               minimum=1, maximum=24, hint=N_("含本月：设为 3 时，12 月统计 10 月至 12 月的入户核查；登记不满这些月的人员不计")),
    Definition("staff.reward_collected", 0.5, "decimal", N_("每采集一条记录的奖励（元）"), N_("工作量与抽查"),
               minimum=0, maximum=1000),
    Definition("staff.reward_entered", 1.0, "decimal", N_("每录入一条记录的奖励（元）"), N_("工作量与抽查"),
               minimum=0, maximum=1000),
    Definition("staff.reward_approved", 1.5, "decimal", N_("每条审核合格记录的奖励（元）"), N_("工作量与抽查"),
               minimum=0, maximum=1000, hint=N_("抽查核实为合格的记录")),
    Definition("audit.sample_size", 20, "int", N_("每个网格每次抽查的记录数"), N_("工作量与抽查"),
               minimum=1, maximum=500),
    # Services: planning vaccinations (services.health.planning, domain.schedules.plan_doses).
    Definition("immunisation.max_injections", 3, "int", N_("每次接种最多注射几针"), N_("免费服务排期"),
               minimum=1, maximum=6, hint=N_("口服疫苗不计。补种时同一种疫苗每次最多一剂，并按最短间隔分次安排；超出的剂次排到下次（至少间隔 4 周）。国家免疫规划程序本身每次最多 3 针")),
    # Services: notices and reminders (services.health.notices, services.health.reminders).
    Definition("notice.days_same_city", 15, "int", N_("催办通知书期限：户籍地在同市（天）"), N_("服务通知与短信提醒"),
               minimum=1, maximum=365, hint=N_("按户籍地远近给出办理期限")),
    Definition("notice.days_same_province", 30, "int", N_("催办通知书期限：户籍地在同省外市（天）"),
               N_("服务通知与短信提醒"), minimum=1, maximum=365),
    Definition("notice.days_other_province", 60, "int", N_("催办通知书期限：户籍地在外省（天）"),
               N_("服务通知与短信提醒"), minimum=1, maximum=365),
    Definition("sms.quiet_start", 21, "int", N_("短信免打扰开始（时，0–23）"), N_("服务通知与短信提醒"),
               minimum=0, maximum=23, hint=N_("免打扰时段内不发短信，结束后再发；开始与结束相同表示不设免打扰")),
    Definition("sms.quiet_end", 8, "int", N_("短信免打扰结束（时，0–23）"), N_("服务通知与短信提醒"),
               minimum=0, maximum=23),
    Definition("sms.max_attempts", 5, "int", N_("短信发送失败时最多尝试次数"), N_("服务通知与短信提醒"),
               minimum=1, maximum=20),
    Definition("sms.retry_minutes", 10, "int", N_("首次重试前等待（分钟，之后每次加倍，最长一天）"),
               N_("服务通知与短信提醒"), minimum=1, maximum=1440),
    Definition("sms.signature", "安居", "text", N_("短信签名"), N_("服务通知与短信提醒"),
               hint=N_("短信开头【】中的名称，须与短信服务商处备案的签名一致")),
    # The exchange between deployments (services.exchange): who this deployment is, deadlines, retries.
    Definition("exchange.county_code", "", "text", N_("本部署所在县（区）的行政区划代码"), N_("两地信息交换"),
               hint=N_("6 位代码，如 330106；对方部署按它识别本部署")),
    Definition("exchange.county_name", "", "text", N_("本部署所在县（区）的名称"), N_("两地信息交换")),
    Definition("exchange.feedback_days", 15, "int", N_("流入通报的反馈期限（天）"), N_("两地信息交换"),
               minimum=1, maximum=90, hint=N_("超过期限未反馈的通报在协查页标为逾期")),
    Definition("kpi.target.exchange_feedback", 99, "percent", N_("流入通报反馈率目标（％）"), N_("两地信息交换"),
               hint=N_("期限内反馈的流入通报占收到的通报的比例（全国平台曾达 99.86％）")),
    Definition("kpi.target.exchange_inquiry", 90, "percent", N_("流出人口函查率目标（％）"), N_("两地信息交换"),
               hint=N_("已函查或流入地已确认的外出人员占外出人员的比例")),
    Definition("kpi.target.four_knows", 95, "percent", N_("流出人口“四知”齐全率目标（％）"), N_("两地信息交换"),
               hint=N_("外出原因、流入地（到乡镇街道）、从事职业、联系方式齐全的记录的比例")),
    Definition("exchange.max_attempts", 8, "int", N_("消息投递失败时最多尝试次数"), N_("两地信息交换"),
               minimum=1, maximum=30, hint=N_("每次失败后等待时间加倍；用尽后列为投递失败，可手动重试")),
)

BY_KEY = {d.key: d for d in DEFINITIONS}


class InvalidSetting(ValueError):
    def __init__(self, message: Message | str):
        super().__init__(str(message))
        self.message = message


def parse(definition: Definition, raw: str | None):
    """The value typed for ``definition``, checked; raises ``InvalidSetting``."""
    text = (raw or "").strip()
    if definition.kind == "bool":
        return text.lower() in ("1", "true", "on", "yes", "y")
    if definition.kind == "text":
        if len(text) > 500:
            raise InvalidSetting(N_("最多 500 个字符"))
        return text
    if not text:
        raise InvalidSetting(N_("请填写数值"))
    try:
        number = Decimal(text)
    except InvalidOperation:
        raise InvalidSetting(N_("请填写数字")) from None
    if not number.is_finite():
        raise InvalidSetting(N_("请填写数字"))
    if definition.kind == "int":
        if number != number.to_integral_value():
            raise InvalidSetting(N_("请填写整数"))
        value = int(number)
    else:
        value = float(number)
    low = 0 if definition.kind == "percent" and definition.minimum is None else definition.minimum
    high = 100 if definition.kind == "percent" and definition.maximum is None else definition.maximum
    if low is not None and value < low:
        raise InvalidSetting(Message(N_("不能小于 %(low)s"), low=_plain(low)))
    if high is not None and value > high:
        raise InvalidSetting(Message(N_("不能大于 %(high)s"), high=_plain(high)))
    return value


def _plain(number) -> str:
    return str(int(number)) if float(number).is_integer() else str(number)


def shown(definition: Definition, value) -> str:
    """A value as it is typed back into the form."""
    if definition.kind == "bool":
        return "1" if value else ""
    if isinstance(value, float):
        return _plain(value)
    return "" if value is None else str(value)
