"""The messages two Anju deployments exchange: their types, the fields each carries (the
minimum the other side needs; docs/exchange.md says why), and the outcomes of processing."""
from __future__ import annotations

from .text import N_

MESSAGE_TYPES = {
    "inflow_notice": N_("流入通报"),
    "feedback": N_("反馈"),
    "inquiry": N_("函查"),
    "inquiry_answer": N_("函查回复"),
    "departure": N_("离开通报"),
    "return": N_("返乡通报"),
    "correction": N_("信息更正"),
}

# The fields of ``data`` each type carries (the envelope adds id, type, from, from_name, sent_at, reply_to).
FIELDS = {
    "inflow_notice": ("person.id_number", "person.name", "person.sex", "person.birth_date", "person.household_code",
                      "since", "where.area_code", "where.township", "where.county", "where.station_phone",
                      "where.station_address"),
    "feedback": ("outcome", "home_contact", "home_phone", "left_behind"),
    "inquiry": ("person.id_number", "person.name"),
    "inquiry_answer": ("found", "since", "where.area_code", "where.township", "where.county", "where.station_phone",
                       "where.station_address"),
    "departure": ("person.id_number", "person.name", "left_on"),
    "return": ("person.id_number", "person.name", "returned_on"),
    "correction": ("old_id_number", "person.id_number", "person.name"),
}

OUTCOMES = {
    "linked": N_("已在流出人口名册中"),
    "created": N_("原未建档，已建流出记录待核实"),
    "not_resident": N_("非本地户籍"),
    "found": N_("查到"),
    "not_found": N_("未查到"),
    "noted": N_("已记录"),
    "applied": N_("已更正"),
    "open": N_("待处理"),
    "unknown": N_("无对应记录"),
}

OUTFLOW_ACTIONS = {
    "outflow.register": N_("登记外出"),
    "outflow.update": N_("修改"),
    "outflow.return": N_("返乡"),
    "outflow.confirm": N_("流入地确认"),
    "outflow.correct": N_("流入地更正身份信息"),
    "outflow.left_destination": N_("已离开流入地"),
}
