package source

import "bytes"

// quoteScan follows which bytes of delimited text are inside a quoted
// cell, the way RFC 4180 (and Excel) read it: a quote opens a quoted cell
// only as the first character of the cell; inside one, "" is a quote and a
// lone " closes it. Any other quote is an ordinary character. It works on
// UTF-8 and on Big5 bytes alike (quote, CR, LF, comma, semicolon and tab
// never occur inside a Big5 character).
type quoteScan struct {
	delim    []byte // the delimiter; nil: any of , ; and tab (not known yet)
	inQuoted bool   // inside a quoted cell
	midCell  bool   // past the first character of an unquoted cell
}

// isDelim reports whether p starts with a delimiter, and its length.
func (q *quoteScan) isDelim(p []byte) (int, bool) {
	if q.delim == nil {
		if c := p[0]; c == ',' || c == ';' || c == '\t' {
			return 1, true
		}
		return 0, false
	}
	if bytes.HasPrefix(p, q.delim) {
		return len(q.delim), true
	}
	return 0, false
}

// loneCR scans line (which ends in LF, or is the end of the input) and
// returns the index of its first CR outside a quoted cell that is a line
// break of its own: not followed, after any more CRs, by LF. It returns -1
// when there is none. The state advances up to that index only (or over
// the whole line); call it again on the rest.
func (q *quoteScan) loneCR(line []byte) int {
	if !q.inQuoted && bytes.IndexByte(line, '"') < 0 {
		q.midCell = false // no quote: every CR is outside quotes
		return firstLoneCR(line)
	}
	for i := 0; i < len(line); {
		c := line[i]
		if q.inQuoted {
			switch {
			case c == '"' && i+1 < len(line) && line[i+1] == '"':
				i += 2
				continue
			case c == '"':
				q.inQuoted, q.midCell = false, true
			}
			i++
			continue
		}
		if n, ok := q.isDelim(line[i:]); ok {
			q.midCell = false
			i += n
			continue
		}
		switch {
		case c == '"' && !q.midCell:
			q.inQuoted = true
		case c == '\n':
			q.midCell = false
		case c == '\r':
			if isLoneCR(line, i) {
				q.midCell = false
				return i
			}
		default:
			q.midCell = true
		}
		i++
	}
	return -1
}

// isLoneCR reports whether the CR at line[i] is not followed, after any
// more CRs, by LF.
func isLoneCR(line []byte, i int) bool {
	for i < len(line) && line[i] == '\r' {
		i++
	}
	return i == len(line) || line[i] != '\n'
}

// firstLoneCR returns the index of the first lone CR in line, or -1.
func firstLoneCR(line []byte) int {
	for off := 0; ; {
		i := bytes.IndexByte(line[off:], '\r')
		if i < 0 {
			return -1
		}
		if isLoneCR(line, off+i) {
			return off + i
		}
		for off += i; off < len(line) && line[off] == '\r'; off++ {
		}
	}
}

// quoteBare rewrites the unquoted cells of one decoded line that hold a
// quote as quoted cells (37°36'37.8"N becomes "37°36'37.8""N"), so that
// encoding/csv reads the quote as Excel does: as an ordinary character.
// Quoted cells, including one that is never closed, are left for
// encoding/csv to read or refuse. It appends the line to dst and advances
// the state as loneCR does.
func (q *quoteScan) quoteBare(dst, line []byte) []byte {
	if !q.inQuoted && bytes.IndexByte(line, '"') < 0 {
		q.midCell = false
		return append(dst, line...)
	}
	cellStart, bare := -1, false // the unquoted cell being read
	flush := func(end int) {
		switch {
		case cellStart < 0:
		case bare:
			dst = append(dst, '"')
			dst = append(dst, bytes.ReplaceAll(line[cellStart:end], []byte{'"'}, []byte{'"', '"'})...)
			dst = append(dst, '"')
		default:
			dst = append(dst, line[cellStart:end]...)
		}
		cellStart, bare = -1, false
	}
	for i := 0; i < len(line); {
		c := line[i]
		if q.inQuoted {
			n := 1
			switch {
			case c == '"' && i+1 < len(line) && line[i+1] == '"':
				n = 2
			case c == '"':
				q.inQuoted = false
				cellStart = -2 // after a closing quote: copied as is
			}
			dst = append(dst, line[i:i+n]...)
			i += n
			continue
		}
		if n, ok := q.isDelim(line[i:]); ok {
			flush(i)
			dst = append(dst, line[i:i+n]...)
			q.midCell = false
			i += n
			continue
		}
		if c == '\n' || (c == '\r' && i+1 < len(line) && line[i+1] == '\n') {
			flush(i)
			dst = append(dst, line[i:]...)
			q.midCell = false
			return dst
		}
		switch {
		case c == '"' && !q.midCell:
			q.inQuoted, q.midCell = true, true
			dst = append(dst, c)
		case cellStart == -2: // text after a closing quote: csv refuses it
			dst = append(dst, c)
		default:
			if cellStart < 0 {
				cellStart = i
			}
			bare = bare || c == '"'
			q.midCell = true
		}
		i++
	}
	flush(len(line))
	return dst
}
