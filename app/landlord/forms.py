"""Forms of the landlords' pages. Rules are checked again by ``services.rental.landlords``."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, DateField, PasswordField, RadioField, StringField
from wtforms.validators import DataRequired, Length, Optional

from ..core.templating import choice_options
from ..domain import rental
from ..domain.clock import local_today
from ..web.forms import IdNumberField, not_in_future, valid_id_number, valid_mobile


class SetPasswordForm(FlaskForm):
    password = PasswordField(_l("设置密码"), validators=[DataRequired(_l("请设置密码")),
                                                     Length(min=8, max=128, message=_l("密码至少 8 位"))],
                             render_kw={"autocomplete": "new-password"})
    confirm = PasswordField(_l("再次输入密码"), validators=[DataRequired(_l("请再次输入密码"))],
                            render_kw={"autocomplete": "new-password"})


class ArrivalForm(FlaskForm):
    name = StringField(_l("姓名"), validators=[DataRequired(_l("请填写姓名")), Length(max=64)],
                       render_kw={"autocomplete": "off"})
    id_number = IdNumberField(_l("身份证号码"), validators=[DataRequired(_l("请填写身份证号码")), valid_id_number],
                              render_kw={"autocomplete": "off", "maxlength": 20, "autocapitalize": "characters"})
    phone = StringField(_l("手机号码"), validators=[Optional(), valid_mobile],
                        render_kw={"inputmode": "tel", "autocomplete": "off"})
    room = StringField(_l("房间号"), validators=[Optional(), Length(max=20)])
    on = DateField(_l("入住日期"), default=local_today, validators=[DataRequired(_l("请填写日期")), not_in_future])
    note = StringField(_l("备注"), validators=[Optional(), Length(max=200)])


class DisputeForm(FlaskForm):
    reason = RadioField(_l("情况"), choices=[], validators=[DataRequired(_l("请选择情况"))])
    on = DateField(_l("搬走日期"), validators=[Optional(), not_in_future])
    note = StringField(_l("说明"), validators=[Optional(), Length(max=200)])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.reason.choices = choice_options(rental.DISPUTE_REASONS)

    def validate(self, extra_validators=None) -> bool:
        # Here, not as a field validator: Optional() ends a blank field's chain.
        ok = super().validate(extra_validators)
        if self.reason.data == "left" and not self.on.data and not self.on.errors:
            self.on.errors.append(_l("请填写搬走日期"))
            ok = False
        return ok


class DepartureForm(FlaskForm):
    on = DateField(_l("搬走日期"), default=local_today, validators=[DataRequired(_l("请填写日期")), not_in_future])
    destination = StringField(_l("去向（如知道）"), validators=[Optional(), Length(max=200)])
    note = StringField(_l("说明"), validators=[Optional(), Length(max=200)])


class SignForm(FlaskForm):
    agree = BooleanField(_l("我已阅读并同意以上责任书"))
    name = StringField(_l("签名：请输入您的姓名"), validators=[DataRequired(_l("请输入您的姓名")), Length(max=64)],
                       render_kw={"autocomplete": "name"})
