package source

import (
	"bytes"
	"encoding/xml"
	"errors"
	"io"
	"strings"
	"unicode/utf8"
)

// tokKind is the kind of an XML token read by xmlScanner.
type tokKind uint8

const (
	tokEOF   tokKind = iota // clean end of input between tokens
	tokStart                // start tag; a self-closing tag gives tokStart then tokEnd
	tokEnd                  // end tag
	tokText                 // character data or a CDATA section
	tokOther                // comment, processing instruction or directive
)

// Attributes of a start tag that the worksheet reader needs.
const (
	attrR = iota
	attrT
	attrS
	attrHidden
	numAttrs
)

// attrIndex returns the index of an attribute of interest, or -1.
func attrIndex(local []byte) int {
	switch string(local) {
	case "r":
		return attrR
	case "t":
		return attrT
	case "s":
		return attrS
	case "hidden":
		return attrHidden
	}
	return -1
}

// xmlScanner tokenizes a worksheet part for XLSXReader without allocating
// per token. It accepts and refuses exactly what encoding/xml's
// Decoder.RawToken does in strict mode without a CharsetReader (the
// worksheet reader used it before; FuzzXLSXScanner compares the two):
// names are checked, attribute values must be quoted, only the five
// predefined and numeric character entities are known, and character data
// and attribute values must be valid UTF-8 in XML's character range. Like
// RawToken it does not check that end tags match start tags, and a name's
// prefix is dropped (x:row is row).
//
// It reads through a fixed buffer, so memory stays bounded whatever the
// size of the part; only texts the caller asks for are kept.
type xmlScanner struct {
	rd       io.Reader
	buf      []byte
	pos, end int
	rerr     error // error of the last read; seen once buf is used up
	err      error // sticky error

	needClose bool   // the last start tag was self-closing
	name      []byte // name of the last start or end tag, prefix included
	local     []byte // its local part (a slice of name)
	nonASCII  bool   // the last name read had non-ASCII bytes

	attrSeen uint8            // attributes of interest seen in the last start tag
	attrs    [numAttrs][]byte // their decoded values (first occurrence)
	rune     [utf8.UTFMax]byte
}

func newXMLScanner(rd io.Reader) *xmlScanner {
	return &xmlScanner{rd: rd, buf: make([]byte, 64<<10)}
}

// xmlSyntaxError is a syntax error in the worksheet XML.
type xmlSyntaxError string

func (e xmlSyntaxError) Error() string { return "XML syntax error: " + string(e) }

var errUnexpectedEOF = xmlSyntaxError("unexpected EOF")

// fill makes sure buf holds an unread byte; false at the end of the input
// or on a read error (in rerr).
func (s *xmlScanner) fill() bool {
	if s.pos < s.end {
		return true
	}
	if s.rerr != nil {
		return false
	}
	for range 100 {
		n, err := s.rd.Read(s.buf)
		s.pos, s.end = 0, n
		if err != nil {
			s.rerr = err
		}
		if n > 0 {
			return true
		}
		if err != nil {
			return false
		}
	}
	s.rerr = io.ErrNoProgress
	return false
}

// ensure tries to have n unread bytes in buf (fewer at the end of input).
func (s *xmlScanner) ensure(n int) {
	for s.end-s.pos < n && s.rerr == nil {
		if s.pos > 0 {
			copy(s.buf, s.buf[s.pos:s.end])
			s.end -= s.pos
			s.pos = 0
		}
		m, err := s.rd.Read(s.buf[s.end:])
		s.end += m
		if err != nil {
			s.rerr = err
		}
	}
}

// getc reads one byte; false at the end of input or on a read error.
func (s *xmlScanner) getc() (byte, bool) {
	if s.pos >= s.end && !s.fill() {
		return 0, false
	}
	b := s.buf[s.pos]
	s.pos++
	return b, true
}

// mustgetc reads one byte; at the end of input or on a read error it sets
// s.err (the end of input is unexpected).
func (s *xmlScanner) mustgetc() (byte, bool) {
	b, ok := s.getc()
	if !ok {
		s.failRead()
	}
	return b, ok
}

// failRead records the read error, or an unexpected EOF.
func (s *xmlScanner) failRead() {
	if s.rerr == io.EOF || s.rerr == nil {
		s.err = errUnexpectedEOF
	} else {
		s.err = s.rerr
	}
}

func (s *xmlScanner) fail(msg string) { s.err = xmlSyntaxError(msg) }

// space skips XML white space.
func (s *xmlScanner) space() {
	for s.pos < s.end || s.fill() {
		switch s.buf[s.pos] {
		case ' ', '\r', '\n', '\t':
			s.pos++
		default:
			return
		}
	}
}

// is reports whether the local name of the last tag is name.
func (s *xmlScanner) is(name string) bool { return string(s.local) == name }

// attr returns the value of an attribute of interest of the last start tag
// ("" if absent). It is valid until the next call to next.
func (s *xmlScanner) attr(i int) []byte { return s.attrs[i] }

// next reads the next token. Character data is appended to *text when text
// is not nil, as long as *text is shorter than keep bytes; n is the length
// of the token's text, kept or not.
func (s *xmlScanner) next(text *[]byte, keep int) (kind tokKind, n int, err error) {
	if s.err != nil {
		return tokEOF, 0, s.err
	}
	if s.needClose {
		s.needClose = false
		return tokEnd, 0, nil
	}
	if !s.fill() {
		if s.rerr == io.EOF {
			return tokEOF, 0, nil
		}
		s.err = s.rerr
		return tokEOF, 0, s.err
	}
	if s.buf[s.pos] != '<' {
		n, ok := s.text(0, false, text, keep)
		if !ok {
			return tokEOF, 0, s.err
		}
		return tokText, n, nil
	}
	s.pos++
	b, ok := s.mustgetc()
	if !ok {
		return tokEOF, 0, s.err
	}
	switch b {
	case '/':
		ok = s.endTagFast() || s.endTag()
		kind = tokEnd
	case '?':
		ok = s.procInst()
		kind = tokOther
	case '!':
		kind, n, ok = s.bang(text, keep)
	default:
		s.pos--
		ok = s.startTagFast() || s.startTag()
		kind = tokStart
	}
	if !ok {
		if s.err == nil {
			s.fail("bad markup")
		}
		return tokEOF, 0, s.err
	}
	return kind, n, nil
}

// asciiName returns the end of the run of ASCII name bytes of b from i.
func asciiName(b []byte, i int) int {
	for i < len(b) && b[i] < utf8.RuneSelf && nameBytes[b[i]] {
		i++
	}
	return i
}

// nameStart reports whether an ASCII name may start with c (isXMLName).
func nameStart(c byte) bool {
	return 'A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || c == '_' || c == ':'
}

// setName makes name (ASCII, checked) the last tag's name.
func (s *xmlScanner) setName(name, local []byte) {
	s.name = append(s.name[:0], name...)
	s.local = s.name[len(name)-len(local):]
	s.nonASCII = false
}

// endTagFast reads an end tag held whole in the buffer, after "</", when
// it is an ASCII name right followed by '>'; false, with nothing read,
// for any other, which endTag reads to the same token.
func (s *xmlScanner) endTagFast() bool {
	b := s.buf[s.pos:s.end]
	i := asciiName(b, 0)
	if i == 0 || i == len(b) || b[i] != '>' || !nameStart(b[0]) {
		return false
	}
	local, ok := splitName(b[:i])
	if !ok {
		return false
	}
	s.setName(b[:i], local)
	s.pos += i + 1
	return true
}

// startTagFast reads a start tag held whole in the buffer, after '<', in
// the form spreadsheet writers use: ASCII names, each attribute after one
// space, its value quoted and of plainText bytes. It returns false, with
// nothing read, for any other, which startTag reads to the same token.
func (s *xmlScanner) startTagFast() bool {
	b := s.buf[s.pos:s.end]
	i := asciiName(b, 0)
	if i == 0 || !nameStart(b[0]) {
		return false
	}
	name := b[:i]
	local, ok := splitName(name)
	if !ok {
		return false
	}
	var seen uint8
	var at [numAttrs][2]int // value bounds of the attributes of interest
	for {
		if i >= len(b) {
			return false
		}
		switch b[i] {
		case '>', '/':
			end := i + 1
			if b[i] == '/' {
				if end >= len(b) || b[end] != '>' {
					return false
				}
				end++
			}
			s.setName(name, local)
			s.attrSeen = seen
			for k := range s.attrs {
				s.attrs[k] = s.attrs[k][:0]
				if seen&(1<<k) != 0 {
					s.attrs[k] = append(s.attrs[k], b[at[k][0]:at[k][1]]...)
				}
			}
			s.needClose = b[i] == '/'
			s.pos += end
			return true
		case ' ':
			i++
		default:
			return false
		}
		n := i
		i = asciiName(b, i)
		if i == n || !nameStart(b[n]) || i+1 >= len(b) || b[i] != '=' {
			return false
		}
		alocal, ok := splitName(b[n:i])
		if !ok {
			return false
		}
		q := b[i+1]
		if q != '"' && q != '\'' {
			return false
		}
		j := i + 2
		for j < len(b) && plainText[b[j]] {
			j++
		}
		if j >= len(b) || b[j] != q {
			return false
		}
		if k := attrIndex(alocal); k >= 0 && seen&(1<<k) == 0 {
			seen |= 1 << k
			at[k] = [2]int{i + 2, j}
		}
		i = j + 1
	}
}

func (s *xmlScanner) endTag() bool {
	if !s.nsname() {
		if s.err == nil {
			s.fail("expected element name after </")
		}
		return false
	}
	s.space()
	b, ok := s.mustgetc()
	if !ok {
		return false
	}
	if b != '>' {
		s.fail("invalid characters between </" + string(s.local) + " and >")
		return false
	}
	return true
}

func (s *xmlScanner) startTag() bool {
	if !s.nsname() {
		if s.err == nil {
			s.fail("expected element name after <")
		}
		return false
	}
	s.attrSeen = 0
	for i := range s.attrs {
		s.attrs[i] = s.attrs[i][:0]
	}
	for {
		s.space()
		b, ok := s.mustgetc()
		if !ok {
			return false
		}
		switch b {
		case '/':
			if b, ok = s.mustgetc(); !ok {
				return false
			}
			if b != '>' {
				s.fail("expected /> in element")
				return false
			}
			s.needClose = true
			return true
		case '>':
			return true
		}
		s.pos--
		if !s.attribute() {
			return false
		}
	}
}

// attribute reads name="value".
func (s *xmlScanner) attribute() bool {
	start := len(s.name)
	if !s.readName(&s.name) {
		if s.err == nil {
			s.fail("expected attribute name in element")
		}
		return false
	}
	full := s.name[start:]
	local, ok := splitName(full)
	if !ok || !s.isXMLName(full) {
		s.name = s.name[:start]
		if s.err == nil {
			s.fail("expected attribute name in element")
		}
		return false
	}
	var dst *[]byte
	if i := attrIndex(local); i >= 0 && s.attrSeen&(1<<i) == 0 {
		s.attrSeen |= 1 << i
		dst = &s.attrs[i]
	}
	s.name = s.name[:start]
	s.space()
	b, ok := s.mustgetc()
	if !ok {
		return false
	}
	if b != '=' {
		s.fail("attribute name without = in element")
		return false
	}
	s.space()
	if b, ok = s.mustgetc(); !ok {
		return false
	}
	if b != '"' && b != '\'' {
		s.fail("unquoted or missing attribute value in element")
		return false
	}
	// Most values are short and plain: copy them at once.
	i := s.pos
	for i < s.end && plainText[s.buf[i]] {
		i++
	}
	if i < s.end && s.buf[i] == b {
		if dst != nil {
			*dst = append(*dst, s.buf[s.pos:i]...)
		}
		s.pos = i + 1
		return true
	}
	_, ok = s.text(b, false, dst, int(^uint(0)>>1))
	return ok
}

// Shapes of a cell's body that cellBody reads at once.
const (
	bodyNone   = iota // not read: read the cell token by token
	bodyValue         // <v>TEXT</v></c>
	bodyInline        // <is><t>TEXT</t></is></c>
)

// cellText marks the bytes cellBody takes in a text: those that stand for
// themselves in character data, and those of multi-byte characters
// (checked after).
var cellText = func() (t [256]bool) {
	for c := range t {
		t[c] = plainText[c] || c >= utf8.RuneSelf
	}
	return t
}()

var (
	openValue   = []byte("<v>")
	closeValue  = []byte("</v></c>")
	openInline  = []byte("<is><t>")
	closeInline = []byte("</t></is></c>")
)

// cellBody reads the rest of a <c> element, right after its start tag,
// when the buffer holds it whole in one of the two shapes that
// spreadsheet writers use for nearly every cell: "<v>TEXT</v></c>" or
// "<is><t>TEXT</t></is></c>", TEXT being at most limit bytes of character
// data that stand for themselves (no markup, entity, CR, quote, ']' or '>')
// and valid characters. It appends TEXT to *dst and returns the shape;
// anything else is left unread (bodyNone), for next to read token by
// token, which reads these shapes to the same text.
func (s *xmlScanner) cellBody(dst *[]byte, limit int) int {
	if s.needClose || s.err != nil {
		return bodyNone
	}
	b := s.buf[s.pos:s.end]
	shape, open, end := bodyValue, openValue, closeValue
	switch {
	case bytes.HasPrefix(b, openValue):
	case bytes.HasPrefix(b, openInline):
		shape, open, end = bodyInline, openInline, closeInline
	default:
		return bodyNone
	}
	i := len(open)
	var or byte
	for i < len(b) && cellText[b[i]] {
		or |= b[i]
		i++
	}
	text := b[len(open):i]
	if len(text) > limit || !bytes.HasPrefix(b[i:], end) {
		return bodyNone
	}
	if or >= utf8.RuneSelf && !validChars(text) {
		return bodyNone
	}
	*dst = append(*dst, text...)
	s.pos += i + len(end)
	return shape
}

// validChars reports whether text is valid UTF-8 in XML's character range
// (its ASCII bytes being plainText), as multiByte checks it.
func validChars(text []byte) bool {
	if !utf8.Valid(text) {
		return false
	}
	for i := bytes.IndexByte(text, 0xEF); i >= 0; {
		if i+2 < len(text) && text[i+1] == 0xBF && text[i+2] >= 0xBE {
			return false
		}
		j := bytes.IndexByte(text[i+1:], 0xEF)
		if j < 0 {
			break
		}
		i += 1 + j
	}
	return true
}

// nsname reads a tag name into s.name and sets s.local.
func (s *xmlScanner) nsname() bool {
	s.name = s.name[:0]
	if !s.readName(&s.name) {
		return false
	}
	if !s.isXMLName(s.name) {
		s.fail("invalid XML name: " + string(s.name))
		return false
	}
	local, ok := splitName(s.name)
	s.local = local
	return ok
}

// splitName returns the local part of a name as encoding/xml splits it;
// false for a name with more than one colon.
func splitName(name []byte) ([]byte, bool) {
	colon := -1
	for i, c := range name {
		if c == ':' {
			if colon >= 0 {
				return nil, false
			}
			colon = i
		}
	}
	if colon <= 0 || colon == len(name)-1 {
		return name, true
	}
	return name[colon+1:], true
}

// readName appends the bytes of a name to *dst: name bytes and any byte of
// a multi-byte character; s.nonASCII tells whether it had any of the
// latter. False if there is none (or at the end of input, which sets
// s.err).
func (s *xmlScanner) readName(dst *[]byte) bool {
	if s.pos >= s.end && !s.fill() {
		s.failRead()
		return false
	}
	if !nameBytes[s.buf[s.pos]] {
		return false
	}
	s.nonASCII = false
	for {
		start := s.pos
		var or byte
		for s.pos < s.end && nameBytes[s.buf[s.pos]] {
			or |= s.buf[s.pos]
			s.pos++
		}
		*dst = append(*dst, s.buf[start:s.pos]...)
		if or >= utf8.RuneSelf {
			s.nonASCII = true
		}
		if s.pos < s.end {
			return true
		}
		if !s.fill() {
			s.failRead()
			return false
		}
	}
}

// nameBytes marks the bytes readName takes.
var nameBytes = func() (t [256]bool) {
	for c := range t {
		t[c] = c >= utf8.RuneSelf || isNameByte(byte(c))
	}
	return t
}()

func isNameByte(c byte) bool {
	return 'A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || '0' <= c && c <= '9' ||
		c == '_' || c == ':' || c == '.' || c == '-'
}

// isXMLName reports whether name, just read by readName, is a valid XML
// name as encoding/xml checks it: ASCII names here, others by encoding/xml
// itself.
func (s *xmlScanner) isXMLName(name []byte) bool {
	if len(name) == 0 {
		return false
	}
	if s.nonASCII {
		d := xml.NewDecoder(strings.NewReader("<?" + string(name) + "?>"))
		_, err := d.RawToken()
		return err == nil
	}
	c := name[0]
	return 'A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || c == '_' || c == ':'
}

// procInst reads a processing instruction after "<?".
func (s *xmlScanner) procInst() bool {
	s.name = s.name[:0]
	if !s.readName(&s.name) {
		if s.err == nil {
			s.fail("expected target name after <?")
		}
		return false
	}
	if !s.isXMLName(s.name) {
		s.fail("invalid XML name: " + string(s.name))
		return false
	}
	isDecl := string(s.name) == "xml"
	s.space()
	var data []byte
	var b0 byte
	for {
		b, ok := s.mustgetc()
		if !ok {
			return false
		}
		if isDecl {
			data = append(data, b)
		}
		if b0 == '?' && b == '>' {
			break
		}
		b0 = b
	}
	if !isDecl {
		return true
	}
	content := string(data[:len(data)-2])
	if ver := procInstParam("version", content); ver != "" && ver != "1.0" {
		s.fail("unsupported version " + ver)
		return false
	}
	if enc := procInstParam("encoding", content); enc != "" && !strings.EqualFold(enc, "utf-8") {
		s.fail("unsupported encoding " + enc)
		return false
	}
	return true
}

// procInstParam is encoding/xml's procInst: the value of param="..." or
// param='...' in the content of a processing instruction.
func procInstParam(param, s string) string {
	param += "="
	lenp := len(param)
	i := 0
	var sep byte
	for i < len(s) {
		sub := s[i:]
		k := strings.Index(sub, param)
		if k < 0 || lenp+k >= len(sub) {
			return ""
		}
		i += lenp + k + 1
		if c := sub[lenp+k]; c == '\'' || c == '"' {
			sep = c
			break
		}
	}
	if sep == 0 {
		return ""
	}
	j := strings.IndexByte(s[i:], sep)
	if j < 0 {
		return ""
	}
	return s[i : i+j]
}

// bang reads a comment, a CDATA section or a directive after "<!".
func (s *xmlScanner) bang(text *[]byte, keep int) (tokKind, int, bool) {
	b, ok := s.mustgetc()
	if !ok {
		return tokEOF, 0, false
	}
	switch b {
	case '-':
		if b, ok = s.mustgetc(); !ok {
			return tokEOF, 0, false
		}
		if b != '-' {
			s.fail("invalid sequence <!- not part of <!--")
			return tokEOF, 0, false
		}
		var b0, b1 byte
		for {
			if b, ok = s.mustgetc(); !ok {
				return tokEOF, 0, false
			}
			if b0 == '-' && b1 == '-' {
				if b != '>' {
					s.fail(`invalid sequence "--" not allowed in comments`)
					return tokEOF, 0, false
				}
				return tokOther, 0, true
			}
			b0, b1 = b1, b
		}
	case '[':
		for i := range 6 {
			if b, ok = s.mustgetc(); !ok {
				return tokEOF, 0, false
			}
			if b != "CDATA["[i] {
				s.fail("invalid <![ sequence")
				return tokEOF, 0, false
			}
		}
		n, ok := s.text(0, true, text, keep)
		return tokText, n, ok
	}
	return tokOther, 0, s.directive()
}

// directive skips a directive (<!DOCTYPE ...>) as encoding/xml reads it:
// quoted angle brackets and comments do not count for nesting.
func (s *xmlScanner) directive() bool {
	var inquote byte
	depth := 0
	for {
		b, ok := s.mustgetc()
		if !ok {
			return false
		}
		if inquote == 0 && b == '>' && depth == 0 {
			return true
		}
	handle:
		switch {
		case b == inquote:
			inquote = 0
		case inquote != 0:
		case b == '\'' || b == '"':
			inquote = b
		case b == '>':
			depth--
		case b == '<':
			for i := range 3 {
				if b, ok = s.mustgetc(); !ok {
					return false
				}
				if b != "!--"[i] {
					depth++
					goto handle
				}
			}
			var b0, b1 byte
			for {
				if b, ok = s.mustgetc(); !ok {
					return false
				}
				if b0 == '-' && b1 == '-' && b == '>' {
					break
				}
				b0, b1 = b1, b
			}
		}
	}
}

// plainText marks the bytes that stand for themselves in character data and
// attribute values and need no check.
var plainText = func() (t [256]bool) {
	for c := 0x20; c < 0x80; c++ {
		t[c] = true
	}
	for _, c := range []byte("<&]>\"'\r") {
		t[c] = false
	}
	t['\t'], t['\n'] = true, true
	return t
}()

// text reads character data (quote 0, cdata false), a quoted attribute value
// (quote ' or ", after the opening quote) or a CDATA section (after
// "<![CDATA["), decoding entities and line ends as encoding/xml does. The
// decoded text is appended to *dst (if not nil) while *dst is shorter than
// keep; n is its whole length.
func (s *xmlScanner) text(quote byte, cdata bool, dst *[]byte, keep int) (n int, ok bool) {
	var out *[]byte // dst while it keeps text
	if dst != nil && len(*dst) < keep {
		out = dst
	}
	brackets := 0 // ']' just read, in a row
	for {
		if s.pos >= s.end && !s.fill() {
			if cdata {
				s.failRead()
				if s.err == errUnexpectedEOF {
					s.fail("unexpected EOF in CDATA section")
				}
				return 0, false
			}
			return n, true // the read error, if any, is seen next
		}
		start := s.pos
		for s.pos < s.end && plainText[s.buf[s.pos]] {
			s.pos++
		}
		if s.pos > start {
			n += s.pos - start
			out = keepText(out, keep, s.buf[start:s.pos])
			brackets = 0
			continue
		}
		b := s.buf[s.pos]
		if b == '>' && quote == 0 && brackets >= 2 { // "]]>"
			s.pos++
			if !cdata {
				s.fail("unescaped ]]> not in CDATA section")
				return 0, false
			}
			n -= 2
			if dst != nil && len(*dst) >= 2 {
				*dst = (*dst)[:len(*dst)-2]
			}
			return n, true
		}
		piece, end, ok := s.textByte(b, quote, cdata)
		switch {
		case !ok:
			return 0, false
		case end:
			return n, true
		}
		n += len(piece)
		out = keepText(out, keep, piece)
		if b == ']' {
			brackets++
		} else {
			brackets = 0
		}
	}
}

// textByte reads what starts at a byte of text that is not plainText: a
// character of several bytes, an entity, a line end, or the byte itself.
// It returns the text that stands for (valid until the next read), or
// end at the end of the text (a '<', or the closing quote, left unread).
func (s *xmlScanner) textByte(b, quote byte, cdata bool) (piece []byte, end, ok bool) {
	switch {
	case b >= utf8.RuneSelf:
		run, ok := s.multiByte()
		return run, false, ok
	case b == '<' && !cdata:
		if quote != 0 {
			s.fail("unescaped < inside quoted string")
			return nil, false, false
		}
		return nil, true, true
	case b == quote && quote != 0:
		s.pos++
		return nil, true, true
	case b == '&' && !cdata:
		s.pos++
		r, ok := s.entity()
		if !ok {
			return nil, false, false
		}
		return utf8.AppendRune(s.rune[:0], r), false, true
	case b == '\r':
		s.pos++
		if s.fill() && s.buf[s.pos] == '\n' {
			s.pos++
		}
		return newline, false, true
	case b < 0x20 && b != '\t' && b != '\n':
		s.fail("illegal character code")
		return nil, false, false
	}
	// '<' and '&' in CDATA, ']', '>', quotes.
	s.pos++
	return s.buf[s.pos-1 : s.pos], false, true
}

var newline = []byte{'\n'}

// keepText appends p to *out and returns out, or nil once *out holds keep
// bytes or more.
func keepText(out *[]byte, keep int, p []byte) *[]byte {
	if out == nil {
		return nil
	}
	*out = append(*out, p...)
	if len(*out) >= keep {
		return nil
	}
	return out
}

// multiByte returns a run of checked non-ASCII characters at s.pos.
func (s *xmlScanner) multiByte() ([]byte, bool) {
	if s.end-s.pos < utf8.UTFMax {
		s.ensure(utf8.UTFMax)
	}
	start := s.pos
	for s.pos < s.end && s.buf[s.pos] >= utf8.RuneSelf {
		s.pos++
	}
	run := s.buf[start:s.pos]
	if s.pos == s.end && s.rerr == nil {
		// Leave a character cut by the end of the buffer for next time.
		i := len(run) - 1
		for i > 0 && i > len(run)-utf8.UTFMax && !utf8.RuneStart(run[i]) {
			i--
		}
		if !utf8.FullRune(run[i:]) {
			if i == 0 {
				// Cannot happen: ensure left UTFMax bytes.
				s.fail("invalid UTF-8")
				return nil, false
			}
			s.pos -= len(run) - i
			run = run[:i]
		}
	}
	if !utf8.Valid(run) {
		s.fail("invalid UTF-8")
		return nil, false
	}
	// U+FFFE and U+FFFF are the only valid multi-byte UTF-8 sequences out
	// of XML's character range.
	for i := bytes.IndexByte(run, 0xEF); i >= 0; {
		if i+2 < len(run) && run[i+1] == 0xBF && run[i+2] >= 0xBE {
			s.fail("illegal character code")
			return nil, false
		}
		j := bytes.IndexByte(run[i+1:], 0xEF)
		if j < 0 {
			break
		}
		i += 1 + j
	}
	return run, true
}

var namedEntities = map[string]rune{"lt": '<', "gt": '>', "amp": '&', "apos": '\'', "quot": '"'}

var errEntity = errors.New("invalid character entity")

// entity reads a character reference after '&' and returns its character.
func (s *xmlScanner) entity() (rune, bool) {
	b, ok := s.mustgetc()
	if !ok {
		return 0, false
	}
	if b != '#' {
		s.pos--
		var name [8]byte
		nb := name[:0]
		for {
			if b, ok = s.mustgetc(); !ok {
				return 0, false
			}
			if b < utf8.RuneSelf && !isNameByte(b) {
				break
			}
			if len(nb) < len(name) {
				nb = append(nb, b)
			} else {
				nb = append(nb[:0], '?') // too long for an entity of ours
			}
		}
		if r, known := namedEntities[string(nb)]; known && b == ';' {
			return r, true
		}
		s.err = errEntity
		return 0, false
	}
	if b, ok = s.mustgetc(); !ok {
		return 0, false
	}
	base := rune(10)
	if b == 'x' {
		base = 16
		if b, ok = s.mustgetc(); !ok {
			return 0, false
		}
	}
	var r rune
	digits := 0
	for {
		var d rune
		switch {
		case '0' <= b && b <= '9':
			d = rune(b - '0')
		case base == 16 && 'a' <= b && b <= 'f':
			d = rune(b-'a') + 10
		case base == 16 && 'A' <= b && b <= 'F':
			d = rune(b-'A') + 10
		default:
			d = -1
		}
		if d < 0 {
			break
		}
		digits++
		if r <= utf8.MaxRune {
			r = r*base + d
		}
		if b, ok = s.mustgetc(); !ok {
			return 0, false
		}
	}
	if b != ';' || digits == 0 || r > utf8.MaxRune {
		s.err = errEntity
		return 0, false
	}
	if 0xD800 <= r && r <= 0xDFFF {
		r = utf8.RuneError
	}
	if !isInCharacterRange(r) {
		s.fail("illegal character code")
		return 0, false
	}
	return r, true
}

// isInCharacterRange reports whether r is in XML's Char production.
func isInCharacterRange(r rune) bool {
	return r == 0x09 || r == 0x0A || r == 0x0D ||
		r >= 0x20 && r <= 0xD7FF ||
		r >= 0xE000 && r <= 0xFFFD ||
		r >= 0x10000 && r <= 0x10FFFF
}
