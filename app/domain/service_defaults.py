"""The service types a new deployment starts with (``flask install-service-types``).

They are data: the admin changes or switches off any of them at /admin/service-types,
and installing again never overwrites a change (types are matched by ``code``).
Every one is free and voluntary (DESIGN §2, seed 003: 以现居住地管理为主, services
where people live, no forced return for checks).
"""
from __future__ import annotations

from .schedules import Cadence, Dose, Eligibility

# The national immunisation schedule for children (国家免疫规划), as the issue lists it, with
# what catching up needs (国家免疫规划疫苗儿童免疫程序及说明, 2021 edition, 补种原则): the
# shortest intervals between the doses of a vaccine — HepB 28 days then 60 days, polio 28 days
# (IPV and bOPV are one series), DTaP 28 days for the first three and 6 months before the
# fourth, MMR 28 days, JE-L 12 months, meningococcal A 3 months then A+C 12 months and 3 years —
# which vaccines are oral (bOPV, no injection) and which injected live (BCG, MMR, JE-L,
# HepA-L: the same day or 28 days apart), and the age after which a dose is no longer caught
# up: BCG from 3 years only after a skin test (booked by hand), meningococcal A not from
# 2 years (A+C instead).
NATIONAL_IMMUNISATION = (
    Dose("HepB-1", "乙肝疫苗 第1剂", 0), Dose("BCG", "卡介苗", 0, live=True, until_months=36),
    Dose("HepB-2", "乙肝疫苗 第2剂", 1, after_days=28),
    Dose("IPV-1", "脊灰灭活疫苗 第1剂", 2, series="polio"), Dose("DTaP-1", "百白破疫苗 第1剂", 2),
    Dose("IPV-2", "脊灰灭活疫苗 第2剂", 3, series="polio", after_days=28),
    Dose("bOPV-1", "脊灰减毒活疫苗 第1剂", 4, series="polio", after_days=28, oral=True),
    Dose("DTaP-2", "百白破疫苗 第2剂", 4, after_days=28),
    Dose("HepB-3", "乙肝疫苗 第3剂", 6, after_days=60), Dose("DTaP-3", "百白破疫苗 第3剂", 6, after_days=28),
    Dose("MPSV-A-1", "A群流脑多糖疫苗 第1剂", 6, series="MPSV", until_months=24),
    Dose("MMR-1", "麻腮风疫苗 第1剂", 8, live=True), Dose("JE-L-1", "乙脑减毒活疫苗 第1剂", 8, live=True),
    Dose("MPSV-A-2", "A群流脑多糖疫苗 第2剂", 9, series="MPSV", after_months=3, until_months=24),
    Dose("DTaP-4", "百白破疫苗 第4剂", 18, after_months=6), Dose("MMR-2", "麻腮风疫苗 第2剂", 18, after_days=28, live=True),
    Dose("HepA-L", "甲肝减毒活疫苗", 18, live=True),
    Dose("JE-L-2", "乙脑减毒活疫苗 第2剂", 24, after_months=12, live=True),
    Dose("MPSV-AC-1", "A群C群流脑多糖疫苗 第1剂", 36, series="MPSV", after_months=12),
    Dose("bOPV-2", "脊灰减毒活疫苗 第2剂", 48, series="polio", after_days=28, oral=True),
    Dose("DTaP-5", "百白破疫苗 第5剂", 72, after_months=12),
    Dose("MPSV-AC-2", "A群C群流脑多糖疫苗 第2剂", 72, series="MPSV", after_months=36),
)

DEFAULT_TYPES = (
    dict(code="reproductive_health", name="已婚育龄妇女生殖健康检查", category="checkup", active=True,
         eligibility=Eligibility(sex="F", age_min=20, age_max=49, marital=("married",), opt_in=True),
         cadence=Cadence("per_year", times=3), place="社区卫生服务中心 妇科门诊",
         instructions="免费、自愿，本人申请后安排。请携带身份证。检查结果只有本人和医务人员可以看到。",
         sms_enabled=True, sms_days_before=3, deadline_rule="due_date"),
    dict(code="health_checkup", name="免费健康体检", category="checkup", active=True,
         eligibility=Eligibility(age_min=18), cadence=Cadence("per_year", times=4),
         place="社区卫生服务中心 体检科", instructions="免费、自愿。请空腹前来，携带身份证。",
         sms_enabled=True, sms_days_before=3, deadline_rule="due_date"),
    dict(code="child_immunisation", name="儿童免疫规划疫苗接种", category="vaccination", active=True,
         eligibility=Eligibility(age_max=6), cadence=Cadence("age_schedule", doses=NATIONAL_IMMUNISATION),
         place="社区卫生服务中心 预防接种门诊", instructions="免费。请携带儿童预防接种证，由家长陪同。",
         sms_enabled=True, sms_days_before=3, deadline_rule="due_date"),
    dict(code="residence_permit", name="居住证", category="document", active=True,
         eligibility=Eligibility(age_min=16),
         cadence=Cadence("document", apply_after_months=6, renew_every_months=12, lead_months=1),
         place="街道便民服务中心 居住证窗口",
         instructions="居住满半年可以申领，每年签注一次。请携带身份证、近期一寸照片和居住证明（租房合同或房东证明）。",
         sms_enabled=True, sms_days_before=30, deadline_rule="due_date"),
    # Legacy (the 2009 regulation was repealed in 2021): kept as a switched-off type.
    dict(code="marriage_childbirth_certificate", name="流动人口婚育证明", category="document", active=False,
         eligibility=Eligibility(sex="F", age_min=18, age_max=49, marital=("married",)),
         cadence=Cadence("document", apply_after_months=0), place="户籍地乡（镇）人民政府或街道办事处",
         instructions="由户籍地出具，可委托家人代办。", sms_enabled=False, sms_days_before=3,
         deadline_rule="by_distance"),
)
