package source

// Worksheets returns the names of the workbook's visible worksheets, in
// their order (no hidden sheet, no chart sheet).
func (r *XLSXReader) Worksheets() []string {
	var names []string
	for _, s := range r.sheets {
		if !s.hidden && !s.chart {
			names = append(names, s.name)
		}
	}
	return names
}

// Encrypted reports whether the workbook was password-protected: what is
// read from it deserves the same care.
func (r *XLSXReader) Encrypted() bool { return r.encrypted }
