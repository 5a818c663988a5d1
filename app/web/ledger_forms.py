"""Forms of the ledger import: the upload, and the settings of one upload."""
from __future__ import annotations

from flask_babel import gettext, lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import SelectField
from wtforms.fields.choices import SelectChoice

import re

from ..domain import ledger_columns, ledger_values
from ..domain.masking import mask_id_number
from .lists import grid_choices
from ..domain.keys import parse_key

_ID_LIKE = re.compile(r"^\d{15}(\d{2}[\dX])?$")


def shown(cell) -> str:
    """A cell as the pages show it: what looks like an identity number is masked (the
    user has the file; the page needs only enough to tell the columns apart)."""
    text = ledger_values.text(cell)
    compact = text.replace(" ", "").upper()
    return mask_id_number(compact) if _ID_LIKE.match(compact) else text


class UploadForm(FlaskForm):
    file = FileField(_l("台账文件（.xlsx、.xls 或 .csv）"), validators=[FileRequired(_l("请选择文件"))],
                     render_kw={"accept": ".xlsx,.xls,.csv,.ods,text/csv,application/vnd.ms-excel,"
                                          "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"})


def _choices(pairs) -> list[SelectChoice]:
    """(value, label) pairs as WTForms wants them since 3.3."""
    return [SelectChoice(value, label) for value, label in pairs]


_optional_int = parse_key  # nothing chosen, or no key at all: None


class SettingsForm(FlaskForm):
    """Sheet, header row, target grid; ``with_columns`` adds one select per column."""

    sheet = SelectField(_l("工作表"), choices=[], validate_choice=False)
    header_row = SelectField(_l("表头所在行"), coerce=_optional_int, choices=[], validate_choice=False)
    grid_id = SelectField(_l("导入到网格"), coerce=_optional_int, choices=[], validate_choice=False)

    def column_fields(self):
        return [f for f in self if f.name.startswith("col_")]

    columns = ledger_columns.PEOPLE  # the ledger's fields: set by ``settings_form``

    def mapping(self) -> dict[int, str]:
        return {int(f.name[4:]): f.data for f in self.column_fields() if f.data in self.columns.by_key}


def settings_form(job, preview, grids, posted: bool = False, columns=ledger_columns.PEOPLE) -> SettingsForm:
    """The form for ``job``: a select for each column, labelled with its header and a
    few of its values so that the user sees what the column holds."""
    width = max(preview.width, len(preview.header))

    class Form(SettingsForm):
        pass

    Form.columns = columns
    options = _choices([("", gettext("— 不导入 —"))] + [(f.key, gettext(f.label)) for f in columns.fields])
    mapping = {int(i): k for i, k in (job.mapping or {}).items()}
    samples = preview.sample(job.header_row, 3)
    for i in range(min(width, 80)):
        header = ledger_values.text(preview.header[i]) if i < len(preview.header) else ""
        seen = "、".join(v for v in (shown(r[i])[:20] for r in samples if i < len(r)) if v)
        label = gettext("第 %(n)d 列", n=i + 1) + (f"：{header}" if header else "")
        setattr(Form, f"col_{i}", SelectField(label, choices=options, default=mapping.get(i, ""),
                                              description=seen))
    form = Form() if posted else Form(formdata=None)
    form.sheet.choices = _choices((s, s) for s in preview.ledger.sheets)
    if not posted:
        form.sheet.data = job.sheet or (preview.ledger.sheets[0] if preview.ledger.sheets else None)
        form.header_row.data = job.header_row
        form.grid_id.data = job.grid_id
    form.header_row.choices = _choices([("", gettext("（没有找到，请选择）"))] + [
        (i, gettext("第 %(n)d 行", n=i + 1) + "：" + " | ".join(shown(c)[:12] for c in row[:4] if c not in ("", None))[:60])
        for i, row in enumerate(preview.rows[:ledger_columns.SCAN_ROWS])])
    form.grid_id.choices = _choices([("", gettext("按表中的“网格”列"))] + grid_choices(grids))
    return form
