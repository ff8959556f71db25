"""How a question writes a number with its unit (三年, 6个月, 第二批, 500人次), for the rules that
read quantities: a follow-up that asks another value of the same unit (`followups`), the
answer decision, which does not take a quantity for a term a region lacks (`decision`), and the
figure lead, which tells figures apart by the question's subject before its years (`lead`)."""

from __future__ import annotations

import re

# Arabic or Chinese numerals (三, 二十, 1.5).
NUMBER = r"(?:\d+(?:\.\d+)?|[零〇一二两三四五六七八九十百千万]+)"
# Units a question counts in, longest first where one begins another (个月 before 月, 人次 before 人).
UNITS = r"个月|年度|年|月|日|天|周|季度|批|期|人次|次|人|万元|元|岁"

# A key term that is nothing but a quantity (三年, 6个月, 2020年, 2021): written in many forms
# (三年, 3年, 2019—2021年), and it says when or how much, not what about.
QUANTITY = re.compile(rf"^{NUMBER}(?:{UNITS}|个)?$")

__all__ = ["NUMBER", "QUANTITY", "UNITS"]
