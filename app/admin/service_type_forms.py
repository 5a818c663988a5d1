"""The admin's form for a service type. Numbers are text fields: the rules in
``domain.schedules`` check them and say what is wrong in the user's language."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField, SelectField, SelectMultipleField, StringField, TextAreaField
from wtforms.validators import Length, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from ..core.templating import choice_options
from ..domain import choices, schedules

NUMBER = {"inputmode": "numeric", "autocomplete": "off"}


class CheckboxesField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class ServiceTypeForm(FlaskForm):
    version = HiddenField()
    code = StringField(_l("编码"), validators=[Optional(), Length(max=40)],
                       render_kw={"autocapitalize": "none", "autocomplete": "off", "placeholder": "health_checkup"})
    name = StringField(_l("名称"), validators=[Optional(), Length(max=60)])
    category = SelectField(_l("类别"), choices=[], validators=[Optional()])
    active = BooleanField(_l("启用"))
    place = StringField(_l("服务地点"), validators=[Optional(), Length(max=200)],
                        render_kw={"placeholder": _l("不填则为服务站地址")})
    instructions = TextAreaField(_l("通知单上的须知（携带什么等）"), validators=[Optional(), Length(max=500)],
                                 render_kw={"rows": 2})
    sms_enabled = BooleanField(_l("发送短信提醒"))
    sms_days_before = StringField(_l("提前几天提醒"), render_kw=NUMBER)
    deadline_rule = SelectField(_l("催办通知书期限"), choices=[], validators=[Optional()])
    sort_order = StringField(_l("排列顺序"), render_kw=NUMBER)
    # who is eligible
    sex = SelectField(_l("性别"), choices=[], validators=[Optional()])
    age_min = StringField(_l("最小年龄（周岁）"), render_kw=NUMBER)
    age_max = StringField(_l("最大年龄（周岁）"), render_kw=NUMBER)
    marital = CheckboxesField(_l("婚姻状况（不选则不限）"), choices=[], validators=[Optional()])
    household_role = SelectField(_l("家庭角色"), choices=[], validators=[Optional()])
    child_age_max = StringField(_l("有不超过几岁的子女"), render_kw=NUMBER)
    opt_in = BooleanField(_l("本人申请后才安排（自愿参加）"))
    # how often
    kind = SelectField(_l("周期类型"), choices=[], validators=[Optional()])
    times = StringField(_l("每年次数"), render_kw=NUMBER)
    months = StringField(_l("间隔月数"), render_kw=NUMBER)
    doses = TextAreaField(_l("接种程序（每行：编码 名称 月龄，如 HepB-1 乙肝疫苗第1剂 0m；岁用 y，如 4y）"),
                          validators=[Optional(), Length(max=5000)], render_kw={"rows": 8})
    apply_after_months = StringField(_l("居住满几个月可以办理"), render_kw=NUMBER)
    renew_every_months = StringField(_l("每几个月签注一次（不填则不需签注）"), render_kw=NUMBER)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.category.choices = choice_options(schedules.CATEGORIES)
        self.deadline_rule.choices = choice_options(schedules.DEADLINE_RULES)
        self.sex.choices = [("", _l("不限"))] + choice_options(choices.SEX)
        self.marital.choices = choice_options(choices.MARITAL_STATUS)
        self.household_role.choices = [("", _l("不限"))] + choice_options(schedules.HOUSEHOLD_ROLES)
        self.kind.choices = choice_options(schedules.CADENCE_KINDS)

    def fields(self) -> dict:
        return {name: f.data for name, f in self._fields.items() if name not in ("csrf_token", "version")}
