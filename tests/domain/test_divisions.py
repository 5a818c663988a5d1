from app.domain import divisions
from app.domain.divisions import CodeStatus


def test_provinces_and_children():
    names = {d.name for d in divisions.provinces()}
    assert "浙江省" in names and len(names) >= 31
    counties = {d.code for d in divisions.children("3301")}
    assert "330106" in counties


def test_lineage_down_to_township():
    chain = [d.name for d in divisions.lineage("330106002")]
    assert chain == ["浙江省", "杭州市", "西湖区", "北山街道"]


def test_full_name_skips_filler_levels():
    assert divisions.full_name("110101001") == "北京市东城区东华门街道"


def test_code_status():
    assert divisions.status("330106") is CodeStatus.CURRENT
    assert divisions.status("342101") is CodeStatus.RETIRED  # 阜阳地区 阜阳市
    assert divisions.status("999999") is CodeStatus.UNKNOWN


def test_retired_codes_keep_their_historical_name():
    assert divisions.full_name("342101") != ""


def test_normalises_padded_statistical_codes():
    assert divisions.normalise_code("330106000000") == "330106"
    assert divisions.normalise_code("330106002000") == "330106002"
    assert divisions.normalise_code("330100") == "3301"
    assert divisions.get("330106002001") is not None or divisions.normalise_code("330106002001") == "330106002"
