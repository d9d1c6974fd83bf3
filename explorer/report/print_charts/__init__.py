"""The report's charts drawn for paper with QPainter onto a white image (QtGui only: the
headless export loads neither widgets, pyqtgraph nor numpy).

They carry what the on-screen charts carry — title, axis with units, labels in words,
honest notes and sources with their kinds — in black and greys that survive a greyscale
printer, with type sized for the report variant (larger for the patient handout). The
small print (notes, sources, knowledge-base version) is returned as text for the report
to set under the picture, where it stays sharp and searchable.
"""

from explorer.report.print_charts.figure import PRINT_WIDTH, PrintChart
from explorer.report.print_charts.icons import icon_chart
from explorer.report.print_charts.outcomes import outcome_chart
from explorer.report.print_charts.timeline import timeline_chart

__all__ = ["PRINT_WIDTH", "PrintChart", "icon_chart", "outcome_chart", "timeline_chart"]
