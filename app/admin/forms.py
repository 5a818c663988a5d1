from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, DateField, IntegerField, PasswordField, SelectField, SelectMultipleField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from ..domain.keys import coerce_key, optional_key
from ..web.forms import valid_mobile

ROLE_CHOICES = [SelectChoice("coordinator", _l("网格员")), SelectChoice("supervisor", _l("服务站管理员")),
                SelectChoice("health", _l("卫生服务人员")), SelectChoice("admin", _l("系统管理员"))]


_optional_int = optional_key


class UserForm(FlaskForm):
    username = StringField(_l("用户名"), validators=[DataRequired(_l("请填写用户名")), Length(max=64)],
                           render_kw={"autocapitalize": "none", "autocomplete": "off"})
    name = StringField(_l("姓名"), validators=[DataRequired(_l("请填写姓名")), Length(max=64)])
    phone = StringField(_l("手机号码"), validators=[Optional(), valid_mobile], render_kw={"inputmode": "tel"})
    role = SelectField(_l("角色"), choices=ROLE_CHOICES)
    area_id = SelectField(_l("所属乡镇/街道（站点人员）"), coerce=_optional_int, choices=[], validators=[Optional()])
    grid_ids = SelectMultipleField(_l("负责网格（网格员）"), coerce=coerce_key, choices=[], validators=[Optional()])
    password = PasswordField(_l("初始密码"), validators=[Optional(), Length(min=8, max=128, message=_l("密码至少 8 位"))],
                             render_kw={"autocomplete": "new-password"})


class ResetPasswordForm(FlaskForm):
    password = PasswordField(_l("新密码"), validators=[DataRequired(), Length(min=8, max=128, message=_l("密码至少 8 位"))],
                             render_kw={"autocomplete": "new-password"})


class AreaForm(FlaskForm):
    parent_id = SelectField(_l("上级区域"), coerce=_optional_int, choices=[], validators=[Optional()])
    code = StringField(_l("代码"), validators=[DataRequired(_l("请填写区域代码")), Length(max=32)])
    name = StringField(_l("名称"), validators=[DataRequired(_l("请填写名称")), Length(max=100)])
    address = StringField(_l("服务站地址"), validators=[Optional(), Length(max=200)])
    phone = StringField(_l("服务站电话"), validators=[Optional(), Length(max=40)])
    hours = StringField(_l("办公时间"), validators=[Optional(), Length(max=100)])
    estimated_population = IntegerField(_l("估计流动人口数"), validators=[
        Optional(), NumberRange(0, 1_000_000, message=_l("请填写 0 到 1,000,000 之间的整数"))],
        render_kw={"inputmode": "numeric"})


class ApiTokenForm(FlaskForm):
    name = StringField(_l("对接系统名称"), validators=[DataRequired(_l("请填写对接系统名称")), Length(max=80)],
                       render_kw={"placeholder": _l("如：区卫健局免疫规划系统")})
    access = SelectField(_l("权限"), choices=[SelectChoice("read", _l("只读（查人、变动、服务日程）")),
                                              SelectChoice("write", _l("读写（另可登记新来人员）"))])
    area_ids = SelectMultipleField(_l("可访问的区域"), coerce=coerce_key, choices=[],
                                   validators=[DataRequired(_l("请至少选择一个区域"))])
    full_id_numbers = BooleanField(_l("返回完整身份证号（否则打码）"))


class CalendarDayForm(FlaskForm):
    """One day of the holiday calendar: off (a holiday) or a working day (调休)."""
    day = DateField(_l("日期"), validators=[DataRequired(_l("请填写日期"))])
    workday = SelectField(_l("这一天"), choices=[SelectChoice("0", _l("放假休息")), SelectChoice("1", _l("调休上班"))])
    name = StringField(_l("名称（可不填）"), validators=[Optional(), Length(max=40)],
                       render_kw={"placeholder": _l("如：春节")})
