from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, SelectField, StringField
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from ..core.templating import choice_options
from ..domain import choices
from ..domain.clock import local_today
from ..domain.events import event_date_problem
from ..web import tr
from ..web.forms import valid_mobile


class CodeForm(FlaskForm):
    code = StringField(_l("联系卡上的 8 位编码"), validators=[DataRequired(_l("请填写卡上的编码")), Length(max=20)],
                       render_kw={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"})


class UnlockForm(FlaskForm):
    """No CSRF token: the public page then needs no session, and a forged unlock gains
    nothing (the answer stays in the attacker's hands; failures are rate-limited)."""

    class Meta:
        csrf = False

    last4 = StringField(_l("身份证号后 4 位"), validators=[DataRequired(_l("请填写身份证号后 4 位")), Length(max=8)],
                        render_kw={"autocomplete": "off", "maxlength": 4, "autocapitalize": "characters",
                                   "inputmode": "text"})


class _DatedReport(FlaskForm):
    """A move or a departure on a date, checked by the rule the reviewer's acceptance
    applies (``domain.events``; the service checks it again) so that every error shows at once."""

    arrived_on = None  # the person's arrival here, set by the view

    def validate_on(self, field):
        problem = field.data and event_date_problem(field.data, local_today(), arrived_on=self.arrived_on)
        if problem:
            raise ValidationError(tr(problem))


class AddressReportForm(_DatedReport):
    address = StringField(_l("新住址"), validators=[DataRequired(_l("请填写新住址")), Length(max=200)])
    on = DateField(_l("搬入日期"), validators=[DataRequired(_l("请填写日期"))])
    phone = StringField(_l("手机号码（如有变化）"), validators=[Optional(), valid_mobile], render_kw={"inputmode": "tel"})


class DepartureReportForm(_DatedReport):
    on = DateField(_l("离开日期"), validators=[DataRequired(_l("请填写日期"))])
    destination = StringField(_l("去向"), validators=[DataRequired(_l("请填写去向")), Length(max=200)])
    reason = SelectField(_l("原因"), choices=[], validators=[DataRequired(_l("请选择原因"))])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.reason.choices = [("", "—")] + choice_options(choices.DEPARTURE_REASONS)


class PhoneReportForm(FlaskForm):
    phone = StringField(_l("新手机号码"), validators=[DataRequired(_l("请填写手机号码")), valid_mobile],
                        render_kw={"inputmode": "tel"})


REPORT_FORMS = {"address": AddressReportForm, "departure": DepartureReportForm, "phone": PhoneReportForm}
