"""Each pair's weekly session: planning it from the rows, calendar files, agreement."""
