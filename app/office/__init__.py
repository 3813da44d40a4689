"""Office tools: spreadsheet import and export, reports and charts."""
