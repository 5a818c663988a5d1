"""Forms of the coordinators' work app. Validation rules come from ``app.domain``."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    DateTimeLocalField,
    HiddenField,
    IntegerField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, NumberRange, Optional, ValidationError

from ..core.templating import choice_options
from ..domain import choices
from ..domain.keys import coerce_key, optional_key, parse_key
from ..web.forms import IdNumberField, valid_id_number, valid_mobile

BLANK = [("", "—")]


def _with_blank(options):
    return BLANK + choice_options(options)


class DwellingFields:
    """Fields of a new dwelling, shared by the person form and the dwelling form."""

    address = StringField(_l("住所地址"), validators=[Optional(), Length(max=200)],
                          render_kw={"placeholder": _l("如：幸福路 12 号 3 栋 201")})
    kind = SelectField(_l("住所类型"), choices=[], validators=[Optional()])
    rooms = IntegerField(_l("房间数"), validators=[Optional(), NumberRange(1, 999)],
                         render_kw={"inputmode": "numeric"})
    landlord_name = StringField(_l("房东姓名"), validators=[Optional(), Length(max=64)])
    landlord_phone = StringField(_l("房东手机"), validators=[Optional(), valid_mobile],
                                 render_kw={"inputmode": "tel", "autocomplete": "off"})
    landlord_id_number = IdNumberField(_l("房东身份证号"), validators=[Optional(), valid_id_number],
                                       render_kw={"autocomplete": "off"})

    def set_dwelling_choices(self):
        self.kind.choices = choice_options(choices.DWELLING_KINDS)

    def new_dwelling(self) -> dict:
        return {name: getattr(self, name).data for name in
                ("address", "kind", "rooms", "landlord_name", "landlord_phone", "landlord_id_number")}


class PersonForm(FlaskForm, DwellingFields):
    version = HiddenField()
    id_number = IdNumberField(_l("身份证号码"), validators=[valid_id_number],
                              render_kw={"autocomplete": "off", "maxlength": 20, "autocapitalize": "characters"})
    no_id_number = BooleanField(_l("暂无身份证号（如婴幼儿）"))
    name = StringField(_l("姓名"), validators=[DataRequired(_l("请填写姓名")), Length(max=64)],
                       render_kw={"autocomplete": "off"})
    sex = SelectField(_l("性别"), choices=[], validators=[Optional()])
    birth_date = DateField(_l("出生日期"), validators=[Optional()])
    phone = StringField(_l("手机号码"), validators=[Optional(), valid_mobile],
                        render_kw={"inputmode": "tel", "autocomplete": "off"})
    ethnicity = SelectField(_l("民族"), choices=[], default="01")
    hukou_area_code = HiddenField()
    hukou_address = StringField(_l("户籍详细地址"), validators=[Optional(), Length(max=200)])
    marital_status = SelectField(_l("婚姻状况"), choices=[], validators=[Optional()])
    education = SelectField(_l("文化程度"), choices=[], validators=[Optional()])
    occupation = StringField(_l("职业"), validators=[Optional(), Length(max=64)])
    reason_for_coming = SelectField(_l("来本地原因"), choices=[], validators=[Optional()])
    arrived_on = DateField(_l("来本地日期"), validators=[Optional()])
    expected_stay = SelectField(_l("预计居住期限"), choices=[], validators=[Optional()])
    employer = StringField(_l("工作单位"), validators=[Optional(), Length(max=100)])
    collected_at = DateTimeLocalField(_l("信息采集时间"), format="%Y-%m-%dT%H:%M", validators=[Optional()])
    grid_id = SelectField(_l("网格"), coerce=coerce_key, choices=[])
    dwelling_id = SelectField(_l("现住所"), coerce=optional_key, choices=[],
                              validators=[Optional()])
    room = StringField(_l("房间号"), validators=[Optional(), Length(max=20)])
    accept_namesake = BooleanField(_l("我已核实，不是同一人"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.sex.choices = _with_blank(choices.SEX)
        self.ethnicity.choices = choice_options(choices.ETHNICITIES)
        self.marital_status.choices = _with_blank(choices.MARITAL_STATUS)
        self.education.choices = _with_blank(choices.EDUCATION)
        self.reason_for_coming.choices = _with_blank(choices.REASONS_FOR_COMING)
        self.expected_stay.choices = _with_blank(choices.EXPECTED_STAY)
        self.set_dwelling_choices()

    def validate_id_number(self, field):
        if not field.data and not self.no_id_number.data:
            raise ValidationError(_l("请填写身份证号码（婴幼儿无号码时请勾选“暂无身份证号”）"))

    def validate(self, extra_validators=None) -> bool:
        # Checked here, not in field validators: Optional() ends a blank field's chain.
        ok = super().validate(extra_validators)
        if self.id_number.data:
            return ok
        if not self.birth_date.data and not self.birth_date.errors:
            self.birth_date.errors.append(_l("无身份证号时请填写出生日期"))
            ok = False
        if not self.sex.data:
            self.sex.errors.append(_l("无身份证号时请选择性别"))
            ok = False
        return ok

    def person_fields(self) -> dict:
        names = ("id_number", "name", "sex", "birth_date", "ethnicity", "phone", "hukou_area_code",
                 "hukou_address", "marital_status", "education", "occupation", "reason_for_coming",
                 "arrived_on", "expected_stay", "employer", "collected_at")
        return {n: getattr(self, n).data for n in names}


class EditPersonForm(PersonForm):
    """Details only: where someone lives changes through a move, not an edit.

    The identity number is not filled in (the page masks it): left blank, the number stays
    as it is, unless 暂无身份证号 is ticked. ``opened`` carries the values the form showed
    when opened, signed, for merging if someone else saves first."""

    opened = HiddenField()
    has_id_number = False  # set by the view: whether the record has a number to keep

    def keeps_id_number(self) -> bool:
        return self.has_id_number and not self.id_number.data and not self.no_id_number.data

    def validate_id_number(self, field):
        if not self.keeps_id_number():
            super().validate_id_number(field)

    def validate(self, extra_validators=None) -> bool:
        if self.keeps_id_number():  # birth date and sex come from the number kept
            return FlaskForm.validate(self, extra_validators)
        return super().validate(extra_validators)

    def person_fields(self) -> dict:
        fields = super().person_fields()
        if self.keeps_id_number():
            del fields["id_number"]
        return fields


class MoveForm(FlaskForm, DwellingFields):
    version = HiddenField()
    on = DateField(_l("迁入新住所日期"), validators=[DataRequired(_l("请填写日期"))])
    grid_id = SelectField(_l("网格"), coerce=coerce_key, choices=[])
    dwelling_id = SelectField(_l("新住所"), coerce=optional_key, choices=[],
                              validators=[Optional()])
    room = StringField(_l("房间号"), validators=[Optional(), Length(max=20)])
    note = StringField(_l("备注"), validators=[Optional(), Length(max=200)])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.set_dwelling_choices()


class DepartForm(FlaskForm):
    version = HiddenField()
    on = DateField(_l("离开日期"), validators=[DataRequired(_l("请填写离开日期"))])
    destination = StringField(_l("去向"), validators=[Optional(), Length(max=200)],
                              render_kw={"placeholder": _l("如：返回户籍地 / 广东省深圳市")})
    reason = SelectField(_l("离开原因"), choices=[], validators=[DataRequired(_l("请选择离开原因"))])
    note = StringField(_l("备注"), validators=[Optional(), Length(max=200)])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.reason.choices = _with_blank(choices.DEPARTURE_REASONS)


class RelativeForm(FlaskForm):
    relation = SelectField(_l("关系"), choices=[])
    id_number = IdNumberField(_l("家庭成员身份证号"), validators=[DataRequired(_l("请填写身份证号码")), valid_id_number],
                              render_kw={"autocomplete": "off"})

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.relation.choices = choice_options(choices.RELATIONS)


class _DwellingPageForm(FlaskForm, DwellingFields):
    """A dwelling on a page of its own, where the address is required."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.set_dwelling_choices()
        self.address.validators = [DataRequired(_l("请填写住所地址")), Length(max=200)]


class DwellingForm(_DwellingPageForm):
    grid_id = SelectField(_l("网格"), coerce=coerce_key, choices=[])
    invite_landlord = BooleanField(_l("保存后邀请房东（出示二维码给房东扫描）"))


class EditDwellingForm(_DwellingPageForm):
    """Address, kind, rooms and landlord; the grid is not edited."""

    version = HiddenField()

    def opened_version(self) -> int:
        """The version the form was opened on; one that cannot be read counts as outdated."""
        return parse_key(self.version.data) or 0


class TransferForm(FlaskForm):
    id_number = IdNumberField(validators=[DataRequired(), valid_id_number])
    grid_id = SelectField(_l("转入网格"), coerce=coerce_key, choices=[])
    note = StringField(_l("说明"), validators=[Optional(), Length(max=200)])


class AcceptForm(FlaskForm):
    """What the reviewer may correct before accepting a report."""

    on = DateField(_l("日期"), validators=[Optional()])
    phone = StringField(_l("手机号码"), validators=[Optional(), valid_mobile], render_kw={"inputmode": "tel"})
    address = StringField(_l("新住所地址"), validators=[Optional(), Length(max=200)])
    grid_id = SelectField(_l("网格"), coerce=coerce_key, choices=[], validators=[Optional()])
    dwelling_id = SelectField(_l("已登记的住所"), coerce=optional_key, choices=[],
                              validators=[Optional()])
    room = StringField(_l("房间号"), validators=[Optional(), Length(max=20)])
    destination = StringField(_l("去向"), validators=[Optional(), Length(max=200)])
    reason = SelectField(_l("离开原因"), choices=[], validators=[Optional()])
    # A landlord's new tenant: registered from these, as corrected by the reviewer.
    name = StringField(_l("姓名"), validators=[Optional(), Length(max=64)])
    id_number = IdNumberField(_l("身份证号码"), validators=[Optional(), valid_id_number],
                              render_kw={"autocomplete": "off", "maxlength": 20})
    accept_namesake = BooleanField(_l("我已核实，不是同一人"))
    move_existing = BooleanField(_l("是同一人：登记为迁入此房屋"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.reason.choices = _with_blank(choices.DEPARTURE_REASONS)

    FIELDS = {"address": ("on", "address", "grid_id", "dwelling_id", "room", "phone"),
              "departure": ("on", "destination", "reason"), "phone": ("phone",), "transfer": (),
              "tenant_arrival": ("name", "id_number", "phone", "room", "on", "accept_namesake", "move_existing"),
              "tenant_departure": ("on", "destination", "reason"), "tenancy_dispute": ("on", "destination", "reason")}

    def edits(self, kind: str) -> dict:
        return {name: getattr(self, name).data for name in self.FIELDS.get(kind, ())}


class RejectForm(FlaskForm):
    reason = TextAreaField(_l("拒绝理由"), validators=[DataRequired(_l("请填写拒绝理由")), Length(max=200)])


class ForwardForm(FlaskForm):
    grid_id = SelectField(_l("转交给网格"), coerce=coerce_key, choices=[])
