"""Code lists used on people and dwellings.

Codes are stored; labels are Simplified Chinese source strings marked with ``N_`` so
that Babel extracts them, and the web layer translates them when it shows them.
"""
from __future__ import annotations


from .text import N_


SEX = (("M", N_("男")), ("F", N_("女")))

REASONS_FOR_COMING = (
    ("work", N_("务工")),
    ("farming", N_("务农")),
    ("business", N_("经商")),
    ("service", N_("服务")),
    ("business_trip", N_("出差")),
    ("guest_student", N_("借读")),
    ("medical", N_("治病")),
    ("domestic_helper", N_("保姆")),
    ("join_relatives", N_("投靠亲友")),
    ("visit_family", N_("探亲")),
    ("tourism", N_("旅游")),
    ("visit", N_("自报来访")),
    ("student", N_("在校学生")),
    ("other", N_("其他")),
)

MARITAL_STATUS = (
    ("single", N_("未婚")),
    ("married", N_("已婚")),
    ("divorced", N_("离婚")),
    ("widowed", N_("丧偶")),
    ("unknown", N_("未说明")),
)

EDUCATION = (
    ("postgraduate", N_("研究生")),
    ("bachelor", N_("大学本科")),
    ("college", N_("大学专科")),
    ("vocational", N_("中专/中技")),
    ("senior", N_("高中")),
    ("junior", N_("初中")),
    ("primary", N_("小学")),
    ("none", N_("文盲或半文盲")),
    ("unknown", N_("未说明")),
)

EXPECTED_STAY = (
    ("lt1m", N_("一个月以下")),
    ("1to3m", N_("一至三个月")),
    ("3to6m", N_("三至六个月")),
    ("6to12m", N_("六个月至一年")),
    ("gt1y", N_("一年以上")),
    ("long", N_("长期居住")),
)

DWELLING_KINDS = (
    ("rental", N_("出租房屋")),
    ("dormitory", N_("单位内部宿舍")),
    ("site_shed", N_("工地工棚")),
    ("own_home", N_("自购房")),
    ("relatives", N_("借住亲友家")),
    ("hotel", N_("旅馆")),
    ("other", N_("其他")),
)

DEPARTURE_REASONS = (
    ("return_home", N_("返回户籍地")),
    ("moved_away", N_("迁往外地")),
    ("job_ended", N_("务工结束")),
    ("unknown", N_("去向不明")),
    ("other", N_("其他")),
)

RELATIONS = (("spouse", N_("配偶")), ("child", N_("子女")))

# GB 3304: the 56 ethnic groups in their standard order, plus two catch-alls.
ETHNICITIES = tuple(
    (f"{i:02d}", name)
    for i, name in enumerate(
        (
            N_("汉族"), N_("蒙古族"), N_("回族"), N_("藏族"), N_("维吾尔族"), N_("苗族"),
            N_("彝族"), N_("壮族"), N_("布依族"), N_("朝鲜族"), N_("满族"), N_("侗族"),
            N_("瑶族"), N_("白族"), N_("土家族"), N_("哈尼族"), N_("哈萨克族"), N_("傣族"),
            N_("黎族"), N_("傈僳族"), N_("佤族"), N_("畲族"), N_("高山族"), N_("拉祜族"),
            N_("水族"), N_("东乡族"), N_("纳西族"), N_("景颇族"), N_("柯尔克孜族"), N_("土族"),
            N_("达斡尔族"), N_("仫佬族"), N_("羌族"), N_("布朗族"), N_("撒拉族"), N_("毛南族"),
            N_("仡佬族"), N_("锡伯族"), N_("阿昌族"), N_("普米族"), N_("塔吉克族"), N_("怒族"),
            N_("乌孜别克族"), N_("俄罗斯族"), N_("鄂温克族"), N_("德昂族"), N_("保安族"),
            N_("裕固族"), N_("京族"), N_("塔塔尔族"), N_("独龙族"), N_("鄂伦春族"), N_("赫哲族"),
            N_("门巴族"), N_("珞巴族"), N_("基诺族"),
        ),
        start=1,
    )
) + (("97", N_("其他")), ("98", N_("外国血统中国籍人士")))


def codes(choices) -> set[str]:
    return {code for code, _ in choices}


def label(choices, code: str | None) -> str:
    """The (untranslated) label of a code, or the code itself if unknown."""
    return dict(choices).get(code, code or "")
