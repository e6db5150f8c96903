# Times name their zone (the reader's), on a 12-hour clock as written in the US:
# "Dec. 1, 2026, 9:40 PM EST" (Django's "P" gave "9:40 p.m.", newspaper style).
DATETIME_FORMAT = "N j, Y, g:i A T"
SHORT_DATETIME_FORMAT = "m/d/Y g:i A T"
