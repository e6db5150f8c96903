# Les heures indiquent leur fuseau (celui du lecteur) : « 1 décembre 2026 15:40 CET ».
DATETIME_FORMAT = "j F Y H:i T"
SHORT_DATETIME_FORMAT = "d/m/Y H:i T"
