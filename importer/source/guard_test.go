package source

import "testing"

// refGuard is lineFilter.guard as it was, byte by byte: the reference for
// FuzzCSVGuard.
func refGuard(f *lineFilter, text []byte) bool {
	if f.fieldLen == 0 {
		f.fieldStart = f.line
	}
	for _, c := range text {
		switch {
		case c == '"':
			f.inQuote = !f.inQuote
		case !f.inQuote && (c == '\n' || c == ',' || c == ';' || c == '\t' || rune(c) == f.delim):
			f.fieldLen = 0
			f.fieldStart = f.line
			continue
		}
		f.fieldLen++
	}
	return f.fieldLen > 2*f.maxCell+2
}

// FuzzCSVGuard feeds the same lines to guard and to refGuard and compares
// the cell length, quote state, start line and verdict after each.
func FuzzCSVGuard(f *testing.F) {
	f.Add([]byte("a,b\n\"x,y\"\n"), byte(','), uint8(3))
	f.Add([]byte("a;\"b\n\nc\"\"d\";e\n"), byte(';'), uint8(1))
	f.Add([]byte("\"open and never closed...................."), byte('\t'), uint8(7))
	f.Add([]byte("a\xe9b\xe9c\n"), byte(0xe9), uint8(2))
	f.Fuzz(func(t *testing.T, data []byte, delim byte, chunk uint8) {
		size := 1 + int(chunk%16)
		a := &lineFilter{maxCell: 8, delim: rune(delim)}
		b := &lineFilter{maxCell: 8, delim: rune(delim)}
		for i := 0; i < len(data); i += size {
			text := data[i:min(i+size, len(data))]
			a.line++
			b.line++
			got, want := a.guard(text), refGuard(b, text)
			if got != want || a.fieldLen != b.fieldLen || a.inQuote != b.inQuote || a.fieldStart != b.fieldStart {
				t.Fatalf("after %q: got (%v, len %d, quote %v, start %d), want (%v, len %d, quote %v, start %d)",
					data[:i+len(text)], got, a.fieldLen, a.inQuote, a.fieldStart, want, b.fieldLen, b.inQuote, b.fieldStart)
			}
			if got {
				return
			}
		}
	})
}
