"""Writing files people open in spreadsheets: cells that cannot run, CSV that Excel reads right."""

from matcher.exports.cells import neutralise
from matcher.exports.csv_writer import write_csv

__all__ = ["neutralise", "write_csv"]
