"""Forms of audit sampling."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField, StringField
from wtforms.validators import Length, Optional, ValidationError

from ..domain import sampling
from ..domain.keys import parse_key


_optional_int = parse_key  # nothing chosen, or no key at all: None


def valid_seed(form, field):
    try:
        sampling.parse_seed(field.data)
    except ValueError:
        raise ValidationError(_l("随机种子应为 1 到 2147483647 之间的整数")) from None


class DrawForm(FlaskForm):
    grid_id = SelectField(_l("网格"), coerce=_optional_int, choices=[])
    month = SelectField(_l("抽查范围"), choices=[], validators=[Optional()])
    seed = StringField(_l("随机种子（可空）"), validators=[Optional(), Length(max=12), valid_seed],
                       render_kw={"inputmode": "numeric", "autocomplete": "off"})


class CheckForm(FlaskForm):
    note = StringField(_l("核实情况（不合格必填）"), validators=[Optional(), Length(max=200)],
                       render_kw={"autocomplete": "off", "placeholder": _l("如：已搬走、电话号码不对")})
