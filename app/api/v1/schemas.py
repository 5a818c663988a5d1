"""The API's request and response bodies (pydantic). They are the contract: the OpenAPI
document is generated from them, and requests are checked against them before a view runs."""
from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from ...domain import choices


def _codes(options) -> tuple[str, ...]:
    return tuple(code for code, _label in options)


def Text(max_length: int, min_length: int = 0, description: str | None = None):  # noqa: N802 — reads like a type
    """A string without NUL characters (no keyboard types one; PostgreSQL text cannot hold one)."""
    return Annotated[str, Field(min_length=min_length, max_length=max_length, pattern=r"^[^\x00]*$",
                                description=description)]


Sex = Literal[_codes(choices.SEX)]
Ethnicity = Literal[_codes(choices.ETHNICITIES)]
MaritalStatus = Literal[_codes(choices.MARITAL_STATUS)]
Education = Literal[_codes(choices.EDUCATION)]
Reason = Literal[_codes(choices.REASONS_FOR_COMING)]
ExpectedStay = Literal[_codes(choices.EXPECTED_STAY)]
DwellingKind = Literal[_codes(choices.DWELLING_KINDS)]
Key = Annotated[int, Field(ge=1, le=2**31 - 1)]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


# --- requests ------------------------------------------------------------------------------

class LookupIn(Strict):
    id_number: Text(30, 1, "身份证号码（18 位，或 15 位旧号码）")


class ChangesQuery(Strict):
    since: dt.datetime = Field(description="RFC 3339 时间（无时区按 UTC）：此时刻及以后记录的变动")
    cursor: Text(200) | None = Field(None, description="上一页返回的 next_cursor")
    limit: int = Field(100, ge=1, le=500)


class NewDwellingIn(Strict):
    address: Text(200, 1)
    kind: DwellingKind | None = None
    rooms: int | None = Field(None, ge=1, le=999)
    landlord_name: Text(64) | None = None
    landlord_phone: Text(20) | None = None
    landlord_id_number: Text(30) | None = None


class RegistrationIn(Strict):
    """The registration form's fields; the same rules check them (``PersonForm``)."""

    grid_code: Text(32, 1, "登记到的网格（区域代码）")
    id_number: Text(30) | None = Field(None, description="身份证号码；婴幼儿无号码时留空并设 no_id_number")
    no_id_number: bool = False
    name: Text(64, 1)
    sex: Sex | None = Field(None, description="无身份证号时必填；有号码时由号码得出")
    birth_date: dt.date | None = Field(None, description="无身份证号时必填")
    phone: Text(20) | None = None
    ethnicity: Ethnicity = "01"
    hukou_area_code: Annotated[str, Field(pattern=r"^[0-9]{2,12}$")] | None = Field(
        None, description="户籍地区划代码（省、市、县或乡镇）")
    hukou_address: Text(200) | None = None
    marital_status: MaritalStatus | None = None
    education: Education | None = None
    occupation: Text(64) | None = None
    reason_for_coming: Reason | None = None
    arrived_on: dt.date | None = None
    expected_stay: ExpectedStay | None = None
    employer: Text(100) | None = None
    collected_at: dt.datetime | None = Field(None, description="信息采集时间（本地时间）")
    dwelling_id: Key | None = Field(None, description="该网格中已登记的住所")
    new_dwelling: NewDwellingIn | None = Field(None, description="或新建住所")
    room: Text(20) | None = None
    accept_namesake: bool = Field(False, description="已核实同名同出生日期者不是同一人")


# --- responses -----------------------------------------------------------------------------

class AreaOut(BaseModel):
    code: str
    name: str


class PersonOut(BaseModel):
    id: int
    id_number: str | None = Field(description="首 6 位和末 4 位，其余打码（令牌有权查看完整号码时为完整号码）")
    name: str
    sex: str | None
    birth_date: dt.date | None
    phone: str | None = Field(description="打码的手机号码")
    status: Literal["present", "left"]
    grid: AreaOut
    dwelling_address: str | None
    room: str | None
    arrived_on: dt.date | None
    left_on: dt.date | None
    version: int


class ChangeOut(BaseModel):
    id: int
    kind: Literal["arrive", "move", "transfer", "leave"]
    on_date: dt.date
    recorded_at: dt.datetime
    person: PersonOut
    from_grid: AreaOut | None
    to_grid: AreaOut | None
    destination: str | None


class ChangesOut(BaseModel):
    changes: list[ChangeOut]
    next_cursor: str | None = Field(description="还有下一页时的游标；为 null 时已到最新")


class VisitOut(BaseModel):
    slot: str
    due_on: dt.date
    status: str
    done_on: dt.date | None
    overdue: bool
    catch_up: bool


class NextDueOut(BaseModel):
    on: dt.date
    month_only: bool
    label: str


class ServiceOut(BaseModel):
    code: str
    name: str
    applies: bool
    next_due: NextDueOut | None
    visits: list[VisitOut]


class ScheduleOut(BaseModel):
    person_id: int
    services: list[ServiceOut]


class Problem(BaseModel):
    """RFC 9457 problem details."""

    type: str
    title: str
    status: int
    code: str = Field(description="稳定的错误代码，供程序判断")
    detail: str | None = None
    instance: str | None = None
    errors: dict[str, list[str]] | None = Field(None, description="字段 → 错误信息")
    duplicate: dict | None = Field(None, description="重复登记：在范围内时含 person_id，否则只有区域名称")
