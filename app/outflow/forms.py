"""Forms of the outflow register. The rules are ``domain.outflow``'s and the service's."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, HiddenField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional

from ..core.templating import choice_options
from ..domain import choices
from ..web.forms import IdNumberField, valid_id_number, valid_mobile


class OutflowForm(FlaskForm):
    version = HiddenField()
    grid_id = SelectField(_l("户籍所在网格"), coerce=int, choices=[])
    id_number = IdNumberField(_l("身份证号码"), validators=[DataRequired(_l("请填写身份证号码")), valid_id_number],
                              render_kw={"autocomplete": "off", "maxlength": 20, "autocapitalize": "characters"})
    name = StringField(_l("姓名"), validators=[DataRequired(_l("请填写姓名")), Length(max=64)],
                       render_kw={"autocomplete": "off"})
    left_on = DateField(_l("外出日期"), validators=[DataRequired(_l("请填写外出日期"))])
    dest_address = StringField(_l("流入地详细地址"), validators=[Optional(), Length(max=200)])
    reason = SelectField(_l("外出原因"), choices=[], validators=[Optional()])
    occupation = StringField(_l("从事职业"), validators=[Optional(), Length(max=64)])
    employer = StringField(_l("工作单位"), validators=[Optional(), Length(max=100)])
    phone = StringField(_l("在外联系电话"), validators=[Optional(), valid_mobile], render_kw={"inputmode": "tel"})
    home_contact = StringField(_l("家中联系人"), validators=[Optional(), Length(max=64)])
    home_phone = StringField(_l("家中联系人电话"), validators=[Optional(), valid_mobile], render_kw={"inputmode": "tel"})
    expected_return = DateField(_l("预计返乡日期"), validators=[Optional()])

    def set_choices(self, grids, grid_name):
        self.grid_id.choices = [(g.id, grid_name(g)) for g in grids]
        self.reason.choices = [("", "—")] + choice_options(choices.REASONS_FOR_COMING)

    def fields(self) -> dict:
        return {name: getattr(self, name).data for name in
                ("id_number", "name", "left_on", "dest_address", "reason", "occupation", "employer", "phone",
                 "home_contact", "home_phone", "expected_return")}


class ReturnForm(FlaskForm):
    version = HiddenField()
    returned_on = DateField(_l("返乡日期"), validators=[DataRequired(_l("请填写返乡日期"))])


class LeftBehindForm(FlaskForm):
    name = StringField(_l("姓名"), validators=[DataRequired(_l("请填写姓名")), Length(max=64)])
    id_number = IdNumberField(_l("身份证号码（可不填）"), validators=[Optional(), valid_id_number],
                              render_kw={"autocomplete": "off", "maxlength": 20})
    birth_date = DateField(_l("出生日期"), validators=[Optional()])
    relation = SelectField(_l("与外出人员关系"), choices=[
        SelectChoice("child", _l("子女")), SelectChoice("grandchild", _l("孙子女")),
        SelectChoice("parent", _l("父母")), SelectChoice("other", _l("其他亲属"))])
    carer = StringField(_l("监护人 / 照料人"), validators=[Optional(), Length(max=64)])
    carer_phone = StringField(_l("监护人电话"), validators=[Optional(), valid_mobile], render_kw={"inputmode": "tel"})

    def fields(self) -> dict:
        return {n: getattr(self, n).data for n in ("name", "id_number", "birth_date", "relation", "carer", "carer_phone")}
