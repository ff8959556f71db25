"""The lead of an answer: the amount, period or body asked for, quoted first, on real clauses."""

from __future__ import annotations

import pytest

from assistant.answer import answered_text
from assistant.lead import asked_for, lead_lines
from assistant.records import Asked, Hit
from corpus.parser import parse_text
from eval.metrics import verbatim_segments


@pytest.mark.parametrize("question, expected", [
    ("企业职工参加培训的补贴标准是多少？", Asked(amount=True, number=True)),
    ("按什么标准发放生活费补贴？", Asked(amount=True)),
    ("每人最多能领几次补贴？", Asked(amount=True, number=True, unit="次", bound="upper")),
    ("培训补贴资金可以先行拨付多大比例？", Asked(amount=True, number=True, unit="%")),
    # Whether two standards are the same asks both amounts.
    ("两地的以工代训补贴标准一样吗？", Asked(amount=True)),
    ("鉴定补贴标准有什么不同？", Asked(amount=True)),
    ("How much is the training subsidy?", Asked(amount=True, number=True)),
    ("以工代训补贴最长给多久？", Asked(period=True, number=True, bound="upper")),
    ("补贴期限是几个月？", Asked(period=True, number=True)),
    ("职业技能培训由哪个部门负责？", Asked(body=True)),
    ("这项工作谁来牵头？", Asked(body=True)),
    ("这项计划的责任分工是怎样的？", Asked(body=True)),
    ("违反规定要承担什么责任？", Asked()),
    ("怎样申请职业培训补贴？", Asked()),
    ("如何制定职业技能标准？", Asked()),  # a standard to meet, not an amount
    ("新型学徒制培训的对象是谁？", Asked(body=True, who=True)),
    ("哪些人可以参加免费培训？", Asked(who=True, listing=True)),
    ("书面举报应当包括哪些内容？", Asked(listing=True)),
    ("申请时需要提交什么材料？", Asked(listing=True)),
    ("谁可以申请这项补贴？", Asked(who=True)),
    ("申请需要符合什么条件？", Asked(who=True)),
    ("创业培训面向什么群体？", Asked(who=True)),
    # 几 after 十/好/这 says "some", not "how many": no figure is asked.
    ("我在厂里干了十几年，想学技术，有补贴吗", Asked()),
    ("我干家政好几年了，还能再培训吗", Asked()),
    ("这几年计划培训多少人次？", Asked(amount=True, number=True, unit="人次")),
    # …and after a negation, or in a yes-no question (a wh-word there is an indefinite)
    ("开了没几年的小店，店主能学电商吗？", Asked()),
    ("厂里想送几个工人去学焊接，政府补钱吗？", Asked()),
    ("能多拿几个职业资格证书不", Asked()),
    ("每人每年最多能领几次补贴？", Asked(amount=True, number=True, unit="次", bound="upper")),
    ("补贴期限最长几个月？", Asked(period=True, number=True, bound="upper")),
    ("补贴分几个批次拨付？", Asked(amount=True, number=True, unit="个")),
    # A standard, a limit or a list asked for is no number asked for: a rule can answer it
    # (按规定给予, 由各县确定); nor is a frequency (多久…一次, answered by 月报).
    ("补贴最高是什么标准？", Asked(amount=True, bound="upper")),
    ("行业标准制定流程包括哪几个环节？", Asked(listing=True)),  # which ones, not how many
    ("这项工作由哪几个部门负责？", Asked(body=True, listing=True)),
    ("这件事归哪几个单位管？", Asked(body=True, listing=True)),
    # 期限 asks a period only as the thing asked; 标准怎么办 asks what to do, not an amount.
    ("保修期限为？", Asked(period=True)),
    ("更换超过使用期限的部件不及时，会受到什么处罚？", Asked(penalty=True)),
    ("在规定时限内没有完成工作怎么办？", Asked()),
    ("提高收费标准怎么办？", Asked()),
    ("生活费补贴标准怎么定？", Asked(amount=True)),  # a standard of payment
    ("召回的分级标准如何确定？", Asked()),  # a rule to meet
    ("行业标准是必须采用的吗？", Asked()),
    ("工作情况多久报一次？", Asked(period=True, frequency=True)),
    ("How long is the subsidy paid?", Asked(period=True, number=True)),
])
def test_what_a_question_asks_for(question, expected):
    assert asked_for(question) == expected


def _hit(docs_by_id, doc_id: str, section: str) -> Hit:
    document = docs_by_id[doc_id]
    return Hit(clause=document.clause(section), document=document, score=1.0)


def _answer(question: str, terms: list[str], hits: list[Hit]) -> tuple[str, list[str]]:
    text = answered_text(question, terms, hits, asked_for(question))
    return text, text.split("\n")


def _all_verbatim(text: str, hits: list[Hit]) -> bool:
    good, total = verbatim_segments(text, [hit.clause.text for hit in hits])
    return total > 0 and good == total


def test_an_amount_is_said_first_and_quoted_verbatim(docs_by_id):
    hits = [_hit(docs_by_id, "sanmenxia-2019", "2.3.1")]
    text, lines = _answer("以工代训补贴标准是多少？", ["以工代训", "补贴"], hits)
    assert len(lines) == 2  # the lead, then the clause's quote
    assert lines[0].startswith("《三门峡市职业技能提升行动方案（2019—2021年）》：“")
    assert "每人每月200元" in lines[0] and lines[0].endswith("[1]。")
    assert "以上" not in lines[0]  # 就业6个月以上 is a condition, not the amount
    assert _all_verbatim(text, hits)


def test_a_period_prefers_the_bound_to_a_condition(docs_by_id):
    hits = [_hit(docs_by_id, "sanmenxia-2019", "2.3.1")]
    text, lines = _answer("以工代训补贴最长补贴多久？", ["以工代训", "补贴"], hits)
    assert "“最长不超过6个月”[1]" in lines[0]
    assert _all_verbatim(text, hits)


def test_a_number_of_times_is_not_the_amount_of_a_subsidy(docs_by_id):
    # Qijiang's 以工代训 clause sets no amount; the next clause limits the subsidy to 3 times a
    # year, which answers 几次 but not 标准是多少.
    hits = [_hit(docs_by_id, "qijiang-2019", "4.1"), _hit(docs_by_id, "qijiang-2019", "4.2")]
    text, lines = _answer("以工代训补贴标准是多少？", ["以工代训", "补贴", "标准"], hits)
    assert "未写明具体数额" in lines[0] and "3次" not in lines[0]
    assert _all_verbatim(text, hits)
    text, lines = _answer("每人每年最多能享受几次补贴？", ["每人每年", "享受", "补贴"], hits)
    assert "“原则上每人每年可享受不超过3次”[2]" in lines[0]
    assert _all_verbatim(text, hits)


def test_a_clause_without_a_figure_says_so_and_quotes_what_it_says_instead(docs_by_id):
    hits = [_hit(docs_by_id, "tianjin-2019", "3.3.1")]
    text, lines = _answer("新型学徒制培训补贴标准是多少？", ["新型学徒制", "培训", "补贴"], hits)
    assert "未写明具体数额" in lines[0]
    assert "“按规定给予企业新型学徒制培训补贴”[1]" in lines[0]
    assert _all_verbatim(text, hits)


def test_the_body_responsible_is_read_from_the_clause_note(docs_by_id):
    hits = [_hit(docs_by_id, "sanmenxia-2019", "2.1.11")]
    text, lines = _answer("这项工作由哪个部门负责？", [], hits)
    assert "负责单位" in lines[0] and "市城管局" in lines[0]
    assert _all_verbatim(text, hits)


def test_one_lead_per_document_citing_its_own_clauses(docs_by_id):
    hits = [_hit(docs_by_id, "sanmenxia-2019", "2.3.1"), _hit(docs_by_id, "tianjin-2019", "3.3.1")]
    text, lines = _answer("培训补贴标准是多少？", ["培训", "补贴"], hits)
    assert lines[0].startswith("《三门峡") and lines[0].endswith("[1]。")
    assert lines[1].startswith("《天津") and lines[1].endswith("[2]。")
    assert len(lines) == 4
    assert _all_verbatim(text, hits)


def test_questions_asking_for_none_of_the_three_get_no_lead(docs_by_id):
    hits = [_hit(docs_by_id, "sanmenxia-2019", "2.3.1")]
    question = "以工代训是什么？"
    assert lead_lines(asked_for(question), question, [], hits, [[hits[0].clause.text]]) == []


def test_a_statute_period_and_a_calendar_year_are_told_apart():
    document = parse_text("示例管理条例\n第一条　申请应当以书面形式提出。\n"
                          "第二条　申请人应当自2019年1月1日起提出申请，"
                          "行政机关应当自受理之日起二十日内作出决定。\n"
                          "第三条　本条例自公布之日起施行。\n", doc_id="example",
                          source_file="example.txt")
    hit = Hit(clause=document.clause("a2"), document=document, score=1.0)
    text, lines = _answer("作出决定的期限是多久？", ["作出", "决定"], [hit])
    assert "“行政机关应当自受理之日起二十日内作出决定”[1]" in lines[0]
    assert _all_verbatim(text, [hit])


def test_a_figure_in_the_unit_asked_comes_before_a_share(docs_by_id):
    hits = [_hit(docs_by_id, "qijiang-2019", "1.2")]
    text, lines = _answer("三年一共培训多少人次？", ["培训"], hits)
    assert "42700人次" in lines[0] and "%" not in lines[0]
    text, lines = _answer("技能劳动者的比例要达到多少？", ["技能", "劳动者", "比例"], hits)
    assert "24%" in lines[0]
    assert _all_verbatim(text, hits)


def test_who_is_eligible_is_the_piece_naming_them_chosen_by_what_they_get(docs_by_id):
    # 白城 4.2 names two groups: the first gets free training, the second training subsidies.
    hits = [_hit(docs_by_id, "baicheng-2019", "4.2")]
    text, lines = _answer("哪些人能参加免费职业技能培训？", ["免费", "职业技能", "培训"], hits)
    assert "写明的对象和条件" in lines[0]
    assert "“对贫困家庭子女、贫困劳动力" in lines[0] and "残疾人”[1]" in lines[0]
    text, lines = _answer("哪些人可以领职业培训补贴？", ["职业培训", "补贴"], hits)
    assert "“对年度高校毕业生和企业职工按规定给予职业培训补贴”[1]" in lines[0]
    assert _all_verbatim(text, hits)


def test_a_body_lead_comes_before_a_who_lead_and_no_piece_no_lead(docs_by_id):
    hits = [_hit(docs_by_id, "sanmenxia-2019", "2.1.11")]
    text, lines = _answer("这项培训的对象由哪个部门负责？", [], hits)
    assert "负责单位" in lines[0]
    tianjin = [_hit(docs_by_id, "tianjin-2019", "3.1.2")]  # 面向… opens no quoted piece here
    question = "高职扩招面向哪些人？"
    quoted = [["以高质量完成高职院校百万扩招任务为目标，在优质高职院校、成人学校选取区域经济建设急需、"
               "社会民生领域紧缺和就业率高的专业，招收退役军人、在岗职工、下岗失业人员、农民工、"
               "新型职业农民，提升职业技能和就业创业能力。"]]
    assert lead_lines(asked_for(question), question, [], tianjin, quoted) == []


def _article(text: str) -> Hit:
    document = parse_text(f"示例管理办法\n{text}\n", doc_id="example", source_file="example.txt")
    return Hit(clause=document.clauses[0], document=document, score=1.0)


def test_a_period_in_a_sentence_of_its_own_is_quoted_and_led_with():
    """反有组织犯罪法第十九条: the duty in one sentence, how long it lasts in the next. The
    question's words are all in the first; the lead must not say the law sets no period."""
    hit = _article("第十九条　对因组织、领导黑社会性质组织被判处刑罚的人员，设区的市级以上公安机关"
                   "可以决定其自刑罚执行完毕之日起，按照国家有关规定向公安机关报告个人财产及日常活动。"
                   "报告期限不超过五年。")
    text, lines = _answer("领导黑社会性质组织被判处刑罚的人员刑满后要向公安机关报告日常活动多久？",
                          ["领导", "黑社会", "刑罚", "公安机关", "报告", "日常", "活动"], [hit])
    assert lines[0].endswith("“报告期限不超过五年”[1]。") and "未写明" not in text
    assert _all_verbatim(text, [hit])


def test_the_sentence_of_the_kind_asked_for_is_quoted_not_the_one_sharing_words():
    """An article that takes effect and repeals its predecessor in one: "何时施行" is answered
    by the first sentence, though the second repeats the title's words; 什么是X by the
    definition, not the sentence before it that only names X."""
    closing = _article("第一百一十九条　本法自2006年3月1日起施行。1986年9月5日公布、1994年5月12日修订"
                       "公布的《中华人民共和国治安管理处罚条例》同时废止。")
    text, _ = _answer("治安管理处罚法什么时候开始施行？", ["治安管理", "处罚法", "施行"], [closing])
    assert "本法自2006年3月1日起施行。" in text and "同时废止" not in text
    definition = _article("第五十一条　药品注册检验，包括标准复核和样品检验。标准复核，是指对申请人申报"
                          "药品标准中设定项目的科学性、检验方法的可行性等进行的实验室评估。")
    text, _ = _answer("标准复核是什么？", ["标准", "复核"], [definition])
    assert "“标准复核，是指" in text and "包括标准复核和样品检验" not in text


def test_an_adverb_before_fuzhe_is_not_part_of_the_body():
    hit = _article("第十三条　起草行政法规，由国务院的一个部门或者几个部门具体负责起草工作。")
    _, lines = _answer("行政法规由谁负责起草？", ["行政法规", "起草"], [hit])
    assert lines[0] == "《示例管理办法》写明的负责单位：“国务院的一个部门或者几个部门”[1]。"


def test_a_list_item_is_quoted_with_its_lead_in_not_alone():
    """保安服务管理条例第三十条: the question's words are in item (一); quoted alone it reads as
    if searching someone were allowed. Its lead-in says it is forbidden; the other items stay
    out."""
    hit = _article("第三十条　保安员不得有下列行为：\n（一）限制他人人身自由、搜查他人身体或者侮辱、殴打他人；\n"
                   "（二）扣押、没收他人证件、财物；\n（三）阻碍依法执行公务；")
    text, lines = _answer("保安员可以搜查他人身体吗？", ["保安员", "搜查", "他人", "身体"], [hit])
    assert "保安员不得有下列行为：" in text and "（一）限制他人人身自由、搜查他人身体" in text
    assert "扣押" not in text and _all_verbatim(text, [hit])


def test_the_quote_does_not_repeat_the_clauses_own_number():
    """The citation says 第九十条; the quote starts with what the article says, still verbatim.
    An item's number inside the article (（一）) is not the article's and stays."""
    hit = _article("第九十条　辞退公务员，按照管理权限决定。辞退决定应当以书面形式通知被辞退的公务员。")
    text, _ = _answer("公务员的辞退由谁决定？", ["公务员", "辞退", "决定"], [hit])
    assert text.startswith("《示例管理办法》第九十条：“辞退公务员，按照管理权限决定。") and \
        "“第九十条" not in text and _all_verbatim(text, [hit])
    listed = _article("第三十条　保安员不得有下列行为：\n（一）限制他人人身自由；\n（二）扣押他人证件。")
    text, _ = _answer("保安员能扣押他人证件吗？", ["保安员", "扣押", "证件"], [listed])
    assert "“保安员不得有下列行为：" in text and "（二）扣押他人证件。" in text


def test_no_who_lead_beside_the_point():
    """A who/condition lead is for a piece naming the people a measure is for. None when the
    first clause quoted lists the conditions itself (the list is the answer; the piece came
    from another clause), none that only repeats the question's subject, none from a purpose
    (为维护…)."""
    listed = _article("第五条　设立房地产开发企业，应当具备下列条件：\n（一）有自己的名称和组织机构；\n"
                      "（二）有固定的经营场所。")
    other = _article("第六条　省、自治区、直辖市人民政府可以根据本地方的实际情况，对设立房地产开发企业的"
                     "注册资本和专业技术人员的条件作出高于前款的规定。")
    _, lines = _answer("设立房地产开发企业，应当具备哪些条件？", ["设立", "房地产", "开发", "企业"],
                       [listed, other])
    assert not any("对象和条件" in line for line in lines)
    restating = _article("第十六条　采集国家一级保护野生植物的，应当按照管理权限向国务院林业行政主管部门"
                         "申请采集证。")
    _, lines = _answer("采集国家一级保护野生植物需要满足哪些条件？", ["采集", "保护", "野生植物"],
                       [restating])
    assert not any("对象和条件" in line for line in lines)
    purpose = _article("第二条　为维护世界和平和促进人类进步事业，对参加交流的人员给予支持。")
    _, lines = _answer("哪些人员可以得到支持？", ["人员", "支持"], [purpose])
    assert lines[0] == "《示例管理办法》写明的对象和条件：“对参加交流的人员给予支持”[1]。"


def test_a_who_lead_comes_from_the_documents_first_clause_and_never_a_list_item():
    """A piece of a later clause of the same document (a revocation's 对…的 under a question
    about what an applicant needs), one item of a list, or a pointer to a list (有下列情形之一的)
    answers beside the point: no lead then, the quotes say it. 保健食品注册与备案管理办法 as quoted
    for "保健食品注册申请人应该具备什么条件？"."""
    first = _article("第十一条　国产保健食品注册申请人应当是在中国境内登记的法人或者其他组织。")
    later = _article("第六十六条　有下列情形之一的，国家市场监督管理总局根据利害关系人的请求或者依据职权，"
                     "可以撤销保健食品注册证书：（一）超越法定职权作出准予注册决定的；（二）对不具备申请"
                     "资格或者不符合法定条件的注册申请人准予注册的；（三）依法可以撤销保健食品注册证书的"
                     "其他情形。")
    question, terms = "保健食品注册申请人应该具备什么条件？", ["保健食品", "注册", "申请人", "条件"]
    asked = asked_for(question)
    assert asked.who
    whole = [later.clause.text.split("　", 1)[1]]
    assert lead_lines(asked, question, terms, [first, later],
                      [[first.clause.text.split("　", 1)[1]], whole]) == []
    # The list's own clause first: its items and its lead-in are no lead either.
    assert lead_lines(asked, question, terms, [later], [whole]) == []
    # The document's first clause still leads when it names who the measure is for.
    grant = _article("第三条　对参加培训的就业困难人员给予生活费补贴。")
    assert lead_lines(asked_for("哪些人可以领生活费补贴？"), "哪些人可以领生活费补贴？",
                      ["生活费", "补贴"], [grant, later],
                      [[grant.clause.text.split("　", 1)[1]], whole]) == [
        "《示例管理办法》写明的对象和条件：“对参加培训的就业困难人员给予生活费补贴”[1]。"]


def test_a_question_asking_which_ones_gets_the_whole_list():
    """"包括哪些内容" is answered by the list, not by the one item sharing most words with the
    question and its lead-in; asked about one item, the item comes with its lead-in alone."""
    hit = _article("第十三条　书面举报一般包括下列内容：\n（一）举报人的基本情况；\n（二）被举报人的基本情况；"
                   "\n（三）涉嫌滥用行政权力排除、限制竞争行为的相关事实和证据；\n（四）是否就同一事实已向其他"
                   "机关举报。")
    text, _ = _answer("书面举报滥用行政权力排除、限制竞争行为的，应该提交哪些书面举报内容？",
                      ["书面", "举报", "滥用", "行政", "权力", "排除", "限制", "竞争", "行为", "内容"], [hit])
    for item in ("（一）举报人的基本情况；", "（二）被举报人的基本情况；", "（四）是否就同一事实"):
        assert item in text
    assert _all_verbatim(text, [hit])
    text, _ = _answer("涉嫌滥用行政权力的相关事实和证据要写进书面举报吗？",
                      ["滥用", "行政", "权力", "事实", "证据", "书面", "举报"], [hit])
    assert "（三）涉嫌滥用行政权力" in text and "书面举报一般包括下列内容：" in text
    assert "（一）举报人的基本情况" not in text


def test_a_penalty_answer_quotes_the_graded_sanction_after_the_semicolon():
    """A penalty article grades its sanctions in parts joined by ；: the fine comes after the
    order to correct (特种设备使用单位落实使用安全主体责任监督管理规定 第三十四条)."""
    hit = _article("第三十四条　压力容器使用单位未按规定建立安全管理制度，或者未按规定配备、培训、考核压力容器"
                   "安全总监和压力容器安全员的，由县级以上地方市场监督管理部门责令改正并给予通报批评；拒不改正"
                   "的，处五千元以上五万元以下罚款，并将处罚情况纳入国家企业信用信息公示系统。法律、行政法规另有"
                   "规定的，依照其规定执行。")
    text, _ = _answer("压力容器使用单位未按规定培训压力容器安全总监会受到什么处罚？",
                      ["压力容器", "使用", "单位", "规定", "培训", "安全", "总监"], [hit])
    assert "拒不改正的，处五千元以上五万元以下罚款" in text
    assert "另有规定的" not in text
    assert _all_verbatim(text, [hit])


def test_a_body_opening_the_sentence_leads_and_a_short_form_is_no_body():
    """Laws say 国务院出版行政主管部门负责… with no 由, and rename a body in brackets
    ((以下简称出版行政主管部门)): the lead names the body, never the short-form note, nor the
    body inside a name (负责出版管理的行政部门)."""
    hit = _article("第四条　国务院出版行政主管部门负责全国音像制品的出版、制作、复制、进口、批发、零售和出租的"
                   "监督管理工作；县级以上地方人民政府负责出版管理的行政主管部门(以下简称出版行政主管部门)"
                   "负责本行政区域内音像制品的出版、制作、复制、进口、批发、零售和出租的监督管理工作。")
    _, lines = _answer("谁负责全国音像制品的监督管理工作？", ["全国", "音像制品", "监督管理"], [hit])
    assert lines[0] == "《示例管理办法》写明的负责单位：“国务院出版行政主管部门”[1]。"
    local = _article("第三条　县级以上地方各级人民政府负责出版管理的行政部门（以下简称出版行政部门）负责本行政区域"
                     "内的印刷业监督管理工作。")
    _, lines = _answer("谁负责本行政区域内的印刷业监督管理工作？", ["印刷业", "监督管理"], [local])
    assert lines[0] == "《示例管理办法》写明的负责单位：“县级以上地方各级人民政府负责出版管理的行政部门”[1]。"
    chief = _article("第五条　国务院文化主管部门主管全国营业性演出的监督管理工作。")
    _, lines = _answer("哪个部门主管全国营业性演出的监督管理工作？", ["营业性", "演出", "监督管理"], [chief])
    assert lines[0] == "《示例管理办法》写明的负责单位：“国务院文化主管部门”[1]。"


def test_the_body_is_read_from_the_quoted_sentence_before_the_rest_of_the_clause():
    """A plan's clause opens with the office leading the whole plan; the sentence quoted names
    the one responsible for what was asked."""
    hit = _article("（一）加强组织领导。成立由区府办全面统筹，区人力社保局具体负责的工作组。"
                   "区农业农村委负责职业农民培训；区退役军人事务局负责退役军人培训。")
    text, lines = _answer("谁负责职业农民培训？", ["职业", "农民", "培训"], [hit])
    assert "“区农业农村委负责职业农民培训；”" in text
    assert lines[0] == "《示例管理办法》写明的负责单位：“区农业农村委”[1]。"


def test_a_body_named_after_you_leads_whatever_it_is_said_to_do():
    """Laws name the body acting on a thing with 由 as often as with 负责 (由国家税务总局制定,
    由司法部组织或者协助审定); the name ends at its head noun, and a body said to be responsible
    comes first (由区府办全面统筹，区人力社保局具体负责)."""
    hit = _article("第二十条　税务登记证件的式样，由国家税务总局制定。")
    _, lines = _answer("税务登记证件的式样由谁制定？", ["税务登记", "证件", "式样", "制定"], [hit])
    assert lines[0] == "《示例管理办法》写明的负责单位：“国家税务总局”[1]。"
    hit = _article("第四条　计量基准由市场监督管理部门根据社会、经济发展的需要，统一规划，组织建立。")
    _, lines = _answer("计量基准由哪个部门建立？", ["计量", "基准", "建立"], [hit])
    assert lines[0] == "《示例管理办法》写明的负责单位：“市场监督管理部门”[1]。"
    hit = _article("（一）加强组织领导。成立由区府办全面统筹，区人力社保局具体负责的工作组。")
    _, lines = _answer("工作组由哪个部门负责？", ["工作组"], [hit])
    assert lines[0] == "《示例管理办法》写明的负责单位：“区人力社保局”[1]。"


def test_the_body_a_law_names_in_its_other_drafting_forms():
    # Saying by what it acts before 负责, and supervising as "对…实施统一监督管理".
    hit = _article("第四条　国务院农业机械化主管部门、工业主管部门等有关部门依照本条例和国务院规定的职责，"
                   "负责农业机械安全监督管理工作。")
    _, lines = _answer("谁负责农业机械的安全监督管理工作？", ["农业机械", "安全", "监督管理"], [hit])
    assert lines[0] == ("《示例管理办法》写明的负责单位：“国务院农业机械化主管部门、工业主管部门等有关部门”"
                        "[1]。")
    hit = _article("第三条　国家市场监督管理总局对全国能源计量工作实施统一监督管理。")
    _, lines = _answer("哪个部门监督管理全国能源计量工作？", ["全国", "能源", "计量", "监督管理"], [hit])
    assert lines[0] == "《示例管理办法》写明的负责单位：“国家市场监督管理总局”[1]。"
    # A body opening the sentence that holds the question's words; none named only by kind.
    hit = _article("第二条　国务院药品监督管理部门设置国家药品检验机构。")
    _, lines = _answer("哪些部门可以设置药品检验机构？", ["设置", "药品", "检验", "机构"], [hit])
    assert lines[0] == "《示例管理办法》写明的负责单位：“国务院药品监督管理部门”[1]。"
    hit = _article("五、各相关部门要按照下达的培训任务，精心组织，按时完成培训任务。")
    _, lines = _answer("培训任务由哪个部门完成？", ["培训", "任务", "完成"], [hit])
    assert "写明的负责单位" not in lines[0]


def test_a_body_opening_a_comma_part_leads_only_before_a_modal():
    hit = _article("第三十七条　根据技术委员会整体规划的需要，国务院标准化行政主管部门可以直接调整技术委员会。")
    _, lines = _answer("哪个部门可以直接调整技术委员会？", ["直接", "调整", "技术委员会"], [hit])
    assert lines[0] == "《示例管理办法》写明的负责单位：“国务院标准化行政主管部门”[1]。"
    # A working group is a body; a part opening with a verb names none.
    hit = _article("（一）区就业工作领导小组统一推进技能提升工作，充分发挥行业主管部门作用。")
    _, lines = _answer("技能提升工作由哪个机构推进？", ["技能", "提升", "工作", "推进"], [hit])
    assert lines[0] == "《示例管理办法》写明的负责单位：“区就业工作领导小组”[1]。"


def test_the_body_applied_to_answers_only_a_question_about_applying():
    # Two items each name a body; the one holding the question's words answers.
    hit = _article("第六条　（三）申请对本部门内部使用的计量器具执行强制检定的授权，向同级人民政府计量行政部门"
                   "提出申请；（四）申请对本单位内部使用的工作计量器具执行强制检定的授权，向当地县（市）级人民"
                   "政府计量行政部门提出申请；")
    _, lines = _answer("本单位内部使用的工作计量器具执行强制检定的授权向哪个部门申请？",
                       ["本单位", "工作", "计量器具", "强制检定", "授权", "申请"], [hit])
    assert lines[0] == "《示例管理办法》写明的负责单位：“当地县（市）级人民政府计量行政部门”[1]。"
    hit = _article("第九条　娱乐场所申请从事经营活动，应当向所在地省、自治区、直辖市人民政府文化主管部门提出申请。")
    _, lines = _answer("娱乐场所应当向谁申请？", ["娱乐场所", "申请"], [hit])
    assert lines[0] == "《示例管理办法》写明的负责单位：“所在地省、自治区、直辖市人民政府文化主管部门”[1]。"
    # Asked who sets a standard up, the body it is sent to for review names nobody who does.
    hit = _article("第八条　最高等级的社会公用计量标准，须向上一级人民政府计量行政部门申请考核。")
    _, lines = _answer("谁负责建立社会公用计量标准？", ["建立", "社会", "公用", "计量", "标准"], [hit])
    assert "写明的负责单位" not in lines[0]


def test_an_explaining_note_and_the_persons_in_charge_name_no_body():
    hit = _article("第三条　本办法适用于从事检验活动的组织（包括政府部门、社会团体、企事业单位等）。")
    _, lines = _answer("哪些单位适用本办法？", ["适用", "本办法"], [hit])
    assert "写明的负责单位" not in lines[0]
    hit = _article("第五条　联席会议由农业、科技、卫生等有关部门的负责人组成，负责协调重大问题。")
    _, lines = _answer("谁负责协调重大问题？", ["协调", "重大", "问题"], [hit])
    assert "有关部门的”" not in lines[0]


def test_a_person_in_charge_is_no_body_asked_for():
    # 负责人 is a person: 负责人…应该受到什么处罚 asks a sanction, not which body is responsible.
    assert not asked_for("单位负责人拒不改正的，应该受到什么处罚？").body
    assert asked_for("哪个部门负责药品注册工作？").body


def test_graded_disciplinary_sanctions_are_quoted_with_the_item_asked_about_only():
    """公职人员政务处分法 第三十二条 grades 警告…记大过；降级或者撤职；开除 in one lead-in: a question
    about one item gets every grade and that item, not the other items."""
    hit = _article("第三十二条　有下列行为之一的，予以警告、记过或者记大过；情节较重的，予以降级或者撤职；情节"
                   "严重的，予以开除：\n（一）在选拔任用、录用、聘用、考核、晋升、评选等干部人事工作中违反有关"
                   "规定的；\n（二）弄虚作假，骗取职务、职级、衔级、级别、岗位和职员等级、职称、待遇、资格、"
                   "学历、学位、荣誉、奖励或者其他利益的；\n（三）以暴力、威胁、贿赂、欺骗等手段破坏选举的。")
    text, _ = _answer("弄虚作假，骗取职务的会受到什么处罚？", ["弄虚作假", "骗取", "职务"], [hit])
    assert "情节较重的，予以降级或者撤职；" in text and "情节严重的，予以开除：" in text
    assert "（二）弄虚作假，骗取职务" in text
    assert "（一）在选拔任用" not in text and "（三）以暴力" not in text
    assert _all_verbatim(text, [hit])


def test_a_who_phrase_in_two_alternatives_is_quoted_whole(docs_by_id):
    # "…吸纳贫困劳动力就业6个月以上并开展以工代训的，以及参保企业吸纳就业困难人员…的，按每人每月
    # 200元…": both cases qualify; the lead quotes them as the clause writes them, not the
    # second alone (which opens with 以及 and reads as if it were the only one).
    hits = [_hit(docs_by_id, "sanmenxia-2019", "2.3.1")]
    text, lines = _answer("企业吸纳什么人员开展以工代训才能领补贴？", ["企业", "吸纳", "人员", "以工代训", "补贴"],
                          hits)
    assert "写明的对象和条件" in lines[0]
    assert "吸纳贫困劳动力就业6个月以上并开展以工代训的，以及参保企业吸纳就业困难人员" in lines[0]
    assert "“以及" not in lines[0]
    assert _all_verbatim(text, hits)


def test_a_lead_in_closing_its_line_brings_the_lines_after_it_numbered_or_not():
    # A statute's lead-in whose items are lines without numbers: the periods are in them.
    hit = _article("第十二条　中药保护品种的保护期限：\n中药一级保护品种分别为三十年、二十年、十年。\n"
                   "中药二级保护品种为七年。")
    text, lines = _answer("中药品种保护的期限是多久？", ["中药", "品种保护", "期限"], [hit])
    assert "未写明" not in lines[0] and "三十年" in lines[0]
    assert "中药二级保护品种为七年。" in lines[1]
    assert _all_verbatim(text, [hit])


def test_at_least_is_the_bound_of_a_period_asked():
    hit = _article("第十七条　回收网点应当依法建立回收台账，如实记录回收时间等内容。回收台账应当至少保存两年。")
    text, lines = _answer("回收台账应当保存几年？", ["回收", "台账"], [hit])
    assert "“回收台账应当至少保存两年”[1]" in lines[0]
    assert _all_verbatim(text, [hit])


def test_the_rule_comes_before_its_exception():
    hit = _article("第三十条　查封、扣押的期限不得超过三十日；情况复杂的，经市场监督管理部门负责人批准，可以延长，"
                   "但是延长期限不得超过三十日。")
    text, lines = _answer("市场监督管理部门查封、扣押的期限是多久？",
                          ["市场", "监督", "管理部门", "查封", "扣押", "期限"], [hit])
    assert "“查封、扣押的期限不得超过三十日”[1]" in lines[0]  # one piece: no list of figures
    assert _all_verbatim(text, [hit])


def test_the_documents_own_title_words_do_not_pick_the_figure():
    # Every sentence of 《行业标准管理办法》 is about 行业标准: 修订 says which period is asked.
    document = parse_text("行业标准管理办法\n第二十条　行业标准制定周期一般不超过24个月，修订周期一般不超过18个月。\n",
                          doc_id="standards", source_file="standards.txt")
    hit = Hit(clause=document.clauses[0], document=document, score=1.0)
    text, lines = _answer("行业标准的修订周期是多久？", ["行业标准", "修订", "周期"], [hit])
    assert "“修订周期一般不超过18个月”[1]" in lines[0]
    assert _all_verbatim(text, [hit])


def test_how_often_is_answered_by_a_frequency():
    # 季报、年报 says how often; "每人每年可享受不超过3次" is a rate, not how often it is reported.
    hit = _article("第五条　原则上每人每年可享受不超过3次。建立工作情况季报、年报制度，及时报送工作情况。")
    text, lines = _answer("工作情况多长时间报送一次？", ["工作", "情况"], [hit])
    assert "“建立工作情况季报、年报制度”[1]" in lines[0]
    assert "未写明" not in lines[0]
    assert _all_verbatim(text, [hit])


# -- who made a document: its promulgation note --------------------------------------------------
@pytest.mark.parametrize(("note", "body"), [
    ("中华人民共和国某某法（2016年4月28日第十二届全国人民代表大会常务委员会第二十次会议通过）",
     "全国人民代表大会常务委员会"),
    ("（2023年2月25日国家市场监督管理总局令第72号公布　自2023年5月1日起施行）", "国家市场监督管理总局"),
    ("（2019年3月2日中华人民共和国国务院令第709号公布）", "中华人民共和国国务院"),
    ("2019年5月10日市政府第58次常务会议审议通过", "市政府"),
])
def test_the_body_a_promulgation_note_names(note, body):
    from assistant.entry_into_force import enacting_body, states_enactment

    assert states_enactment(note)
    assert enacting_body(note) == body


@pytest.mark.parametrize("text", ["本办法自2019年1月1日起施行。",
                                  "2016年7月4日原国家工商行政管理总局令第87号公布的《某某暂行办法》同时废止。",
                                  "县级以上人民政府应当制定培训计划。"])
def test_no_promulgation_note(text):
    from assistant.entry_into_force import enacting_body, states_enactment

    assert not states_enactment(text)
    assert enacting_body(text) == ""
