"""Forms of the station's service pages."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, HiddenField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from ..core.templating import choice_options
from ..domain import schedules
from ..domain.dates import InvalidMonth, parse_month


def valid_month(form, field):
    try:
        field.data = parse_month(field.data).strftime("%Y-%m")
    except InvalidMonth:
        raise ValidationError(_l("请选择月份，如 2026-12")) from None


class PlanForm(FlaskForm):
    month = StringField(_l("排期月份"), validators=[DataRequired(_l("请选择月份，如 2026-12")), valid_month],
                        render_kw={"type": "month", "placeholder": "2026-12"})


class ResultForm(FlaskForm):
    version = HiddenField()
    done_on = DateField(_l("完成日期"), validators=[DataRequired(_l("请填写日期"))])
    outcome = SelectField(_l("结果"), choices=[], validators=[DataRequired(_l("请选择结果"))])
    place = StringField(_l("地点"), validators=[Optional(), Length(max=200)])
    document_number = StringField(_l("证件号码"), validators=[Optional(), Length(max=40)],
                                  render_kw={"autocomplete": "off"})
    note = TextAreaField(_l("备注"), validators=[Optional(), Length(max=500)], render_kw={"rows": 2})

    def set_outcomes(self, category: str) -> None:
        self.outcome.choices = [("", "—")] + choice_options(schedules.OUTCOMES.get(category, ()))


class NoShowForm(FlaskForm):
    version = HiddenField()


class RescheduleForm(FlaskForm):
    version = HiddenField()
    new_date = DateField(_l("新日期"), validators=[DataRequired(_l("请填写新日期"))])
    place = StringField(_l("新地点（不填则不变）"), validators=[Optional(), Length(max=200)])


class StubForm(FlaskForm):
    number = StringField(_l("回执编号"), validators=[DataRequired(_l("请填写回执上的编号"))],
                         render_kw={"inputmode": "numeric", "autocomplete": "off", "placeholder": "2026-0000123"})
    on = DateField(_l("收回日期"), validators=[Optional()])
