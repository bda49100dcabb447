"""A campaign's files: the PDF report (``pdf.py``) and the XLSX export (``xlsx.py``), both
built from ``selectors.campaign_summary`` so their figures agree with the pages and the API."""

from jamlik.assessments.reports.pdf import Matter, campaign_report_pdf
from jamlik.assessments.reports.xlsx import campaign_xlsx

__all__ = ["Matter", "campaign_report_pdf", "campaign_xlsx"]
