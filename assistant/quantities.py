"""How a question writes a number with its unit (三年, 6个月, 第二批, 500人次), for the rules that
read quantities: a follow-up that asks another value of the same unit (`followups`), and the
answer decision, which does not take a quantity for a term a region lacks (`decision`)."""

from __future__ import annotations

# Arabic or Chinese numerals (三, 二十, 1.5).
NUMBER = r"(?:\d+(?:\.\d+)?|[零〇一二两三四五六七八九十百千万]+)"
# Units a question counts in, longest first where one begins another (个月 before 月, 人次 before 人).
UNITS = r"个月|年度|年|月|日|天|周|季度|批|期|人次|次|人|万元|元|岁"

__all__ = ["NUMBER", "UNITS"]
