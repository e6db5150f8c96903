"""The project's format modules (FORMAT_MODULE_PATH), one per language.

One date format per user: every page (lists and detail pages alike) shows dates with
SHORT_DATE_FORMAT and times with SHORT_DATETIME_FORMAT (11/26/2026 in English,
26/11/2026 in French). PDFs and e-mails, read on their own, keep the long forms
(DATE_FORMAT "Nov. 26, 2026" / "26 novembre 2026").
"""
