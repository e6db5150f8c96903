# Times name their zone (the reader's): "Dec. 1, 2026, 9:40 p.m. EST".
DATETIME_FORMAT = "N j, Y, P T"
SHORT_DATETIME_FORMAT = "m/d/Y P T"
