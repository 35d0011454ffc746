"""Reports (issue 7): annex tables, statistics, scoring, disclosure checks and documents.

Pure engine: validated rows in, Table / Inconsistency / OfficialDocument values out, and
writers for docx (公文 layout), xlsx and (with LibreOffice) pdf.
"""
