"""Reports of the oversight module: .xlsx exports, the annual report (第四十一条) and the weekly brief."""
