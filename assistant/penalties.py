"""Questions that ask what penalty a conduct draws, and the clauses that set one.

Laws and rules state a duty in one article ("经营者不得以假充真") and its penalty in another, in
the chapter 法律责任, in a fixed drafting form: "违反本办法第十条规定，……的，由……责令改正，处一万元
以上三万元以下罚款". A question about the penalty ("以假充真应该受到什么处罚？") shares its topic
words with both, and the duty article, shorter and closer to the wording, often ranks first.
Recognising the question form and the penalty's drafting words lets retrieval prefer the article
that sets a penalty, with the same lift as a definition for 什么是X (`definitions`).

Only the question forms that ask for a sanction are read (受到什么处罚, 承担什么法律责任, 如何处罚):
"怎么处理" and "有什么责任" ask for a procedure or a duty as often as for a penalty (measured on
the Legal-DC development questions, where their gold clause sets no penalty about half the time).
"""

from __future__ import annotations

import re

_ASKS = re.compile(
    r"(?:承担|面临|给予|予以|会有|有|将有|负)(?:什么|哪些|何种|怎样的?|何)(?:样的)?(?:行政)?"
    r"(?:处罚|惩罚|法律责任|制裁)"
    r"|受到?(?:什么|哪些|何种|怎样的?|何)(?:样的)?(?:行政)?(?:处罚|惩罚|制裁)"
    # "哪些行为会受到处罚？": with no question word, only as what the question ends on ("受到处罚
    # 后能申请复议吗" asks about a procedure)
    r"|受到?(?:行政)?(?:处罚|惩罚|制裁)[？?。]?$"
    r"|(?:如何|怎么|怎样|怎么样)(?:处罚|惩罚)|有何(?:处罚|惩罚)|处罚措施")
# The sanctions of 《行政处罚法》 第九条, of 《公职人员政务处分法》 第七条 (警告、记过、记大过、降级、
# 撤职、开除) and of criminal liability, as drafted.
_STATES = re.compile(
    r"罚款|没收|吊销|责令[^。；]{0,12}?(?:改正|停止|停产|停业|关闭|整改)|追究[^。；]{0,6}?责任|处分"
    r"|记过|记大过|降级|撤职|开除"
    r"|警告|(?:给予|予以|依法|进行|规定)处罚|处罚[。；]|撤销|取消[^。；]{0,8}资格|禁赛|拘留")


def asks_penalty(question: str) -> bool:
    """The question asks what sanction a conduct draws."""
    return bool(_ASKS.search(re.sub(r"\s+", "", question)))


def states_penalty(text: str) -> bool:
    """Whether a clause sets a sanction, in the drafting words of a penalty."""
    return bool(_STATES.search(re.sub(r"\s+", "", text)))


__all__ = ["asks_penalty", "states_penalty"]
