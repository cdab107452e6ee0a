package results

import (
	"archive/zip"
	"bufio"
	"bytes"
	"compress/flate"
	"encoding/xml"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"path"
	"regexp"
	"strconv"
	"strings"
)

// The second pass over the finished workbook.
//
// excelize's StreamWriter cannot take comments (File.AddComment on a
// streamed sheet keeps every comment and VML shape in memory) and writes
// <dimension ref="A1"/> because the size is unknown when the sheet starts.
// While rows stream, the writer therefore spools the <comment> and VML
// <v:shape> elements to two temporary files. On Close it adds one
// placeholder comment through excelize, which makes excelize write the
// <legacyDrawing> element in its place in the sheet, the sheet
// relationships and the content types. postprocess then copies the zip
// entry by entry: untouched entries are copied raw (no recompression), the
// comments part and the VML drawing are replaced by the spooled ones, and
// the sheet XML is streamed through with its dimension element fixed. Memory
// stays bounded by the buffer sizes, whatever the row count.

const (
	nsRelationships = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
	relComments     = nsRelationships + "/comments"
	relVMLDrawing   = nsRelationships + "/vmlDrawing"
	// maxSheetHead bounds how much of the sheet XML is read looking for
	// <sheetData (the head holds the sheet views and the column widths).
	maxSheetHead = 8 << 20
)

// errBadWorkbook reports a workbook from excelize that postprocess cannot
// understand (a change in excelize's output).
var errBadWorkbook = errors.New("unexpected workbook structure")

type postOptions struct {
	author string
	sheets []sheetPost
}

// sheetPost is what postprocess splices into one results sheet's parts.
type sheetPost struct {
	sheetName string
	dimension string // e.g. "A1:Y100001"
	comments  *spool // nil when there are no comments
	shapes    *spool
	nComments int
	shapeBase int     // the sheet's VML shape ids are shapeBase+1, +2, ...
	cols      []byte  // the <cols> element put before <sheetData>, or nil
	rows      *zspool // the <row> elements put in <sheetData>, or nil
}

var dimensionRE = regexp.MustCompile(`<dimension\b[^>]*?(?:/>|>\s*</dimension>)`)

// part is what postprocess does with one zip entry of a sheet.
type part struct {
	kind  int // partSheet, partComments, partVML
	sheet *sheetPost
}

const (
	partSheet = iota
	partComments
	partVML
)

func postprocess(src io.ReaderAt, size int64, dst io.Writer, o postOptions) error {
	zr, err := zip.NewReader(src, size)
	if err != nil {
		return fmt.Errorf("results: reopen workbook: %w", err)
	}
	parts := map[string]part{}
	want := 0
	for i := range o.sheets {
		sp := &o.sheets[i]
		sheetPath, err := sheetPartPath(zr, sp.sheetName)
		if err != nil {
			return err
		}
		parts[sheetPath] = part{partSheet, sp}
		want++
		if sp.nComments > 0 {
			commentsPath, vmlPath, err := commentParts(zr, sheetPath)
			if err != nil {
				return err
			}
			parts[commentsPath], parts[vmlPath] = part{partComments, sp}, part{partVML, sp}
			want += 2
		}
	}
	zw := zip.NewWriter(dst)
	zw.RegisterCompressor(zip.Deflate, func(w io.Writer) (io.WriteCloser, error) {
		return flate.NewWriter(w, flate.BestSpeed)
	})
	seen := 0
	for _, f := range zr.File {
		p, ok := parts[f.Name]
		switch {
		case !ok:
			err = zw.Copy(f)
		case p.kind == partSheet:
			err = copySheet(zw, f, p.sheet.dimension, p.sheet.cols, p.sheet.rows)
			seen++
		case p.kind == partComments:
			err = writeCommentsPart(zw, f.Name, o.author, p.sheet)
			seen++
		default:
			err = writeVMLPart(zw, f.Name, p.sheet)
			seen++
		}
		if err != nil {
			return fmt.Errorf("results: rewrite %s: %w", f.Name, err)
		}
	}
	if seen != want {
		return fmt.Errorf("results: rewrite workbook: %d of %d parts found: %w", seen, want, errBadWorkbook)
	}
	if err := zw.Close(); err != nil {
		return fmt.Errorf("results: rewrite workbook: %w", err)
	}
	return nil
}

type xmlRels struct {
	Rels []struct {
		ID     string `xml:"Id,attr"`
		Type   string `xml:"Type,attr"`
		Target string `xml:"Target,attr"`
	} `xml:"Relationship"`
}

func readXML(zr *zip.Reader, name string, v any) error {
	f, err := zr.Open(name)
	if err != nil {
		return fmt.Errorf("results: read %s: %w", name, err)
	}
	defer func() { _ = f.Close() }()
	if err := xml.NewDecoder(f).Decode(v); err != nil {
		return fmt.Errorf("results: read %s: %w", name, err)
	}
	return nil
}

// resolveTarget resolves a relationship target against the folder of the
// part that owns the relationship.
func resolveTarget(dir, target string) string {
	if strings.HasPrefix(target, "/") {
		return strings.TrimPrefix(target, "/")
	}
	return path.Join(dir, target)
}

// sheetPartPath finds the zip path of the named sheet via the workbook and
// its relationships.
func sheetPartPath(zr *zip.Reader, sheet string) (string, error) {
	var wb struct {
		Sheets []struct {
			Name string `xml:"name,attr"`
			RID  string `xml:"http://schemas.openxmlformats.org/officeDocument/2006/relationships id,attr"`
		} `xml:"sheets>sheet"`
	}
	if err := readXML(zr, "xl/workbook.xml", &wb); err != nil {
		return "", err
	}
	var rels xmlRels
	if err := readXML(zr, "xl/_rels/workbook.xml.rels", &rels); err != nil {
		return "", err
	}
	for _, s := range wb.Sheets {
		if s.Name != sheet {
			continue
		}
		for _, r := range rels.Rels {
			if r.ID == s.RID {
				return resolveTarget("xl", r.Target), nil
			}
		}
	}
	return "", fmt.Errorf("results: sheet %q not in workbook: %w", sheet, errBadWorkbook)
}

// commentParts finds the comments and VML drawing parts of a sheet.
func commentParts(zr *zip.Reader, sheetPath string) (comments, vml string, err error) {
	dir, file := path.Split(sheetPath)
	var rels xmlRels
	if err := readXML(zr, dir+"_rels/"+file+".rels", &rels); err != nil {
		return "", "", err
	}
	for _, r := range rels.Rels {
		switch r.Type {
		case relComments:
			comments = resolveTarget(path.Clean(dir), r.Target)
		case relVMLDrawing:
			vml = resolveTarget(path.Clean(dir), r.Target)
		}
	}
	if comments == "" || vml == "" {
		return "", "", fmt.Errorf("results: comment parts of %s: %w", sheetPath, errBadWorkbook)
	}
	return comments, vml, nil
}

func createPart(zw *zip.Writer, name string) (io.Writer, error) {
	return zw.CreateHeader(&zip.FileHeader{Name: name, Method: zip.Deflate})
}

// copySheet streams the sheet XML, replacing its dimension element in the
// head (before <sheetData>), putting cols (a <cols> element, if any) right
// before <sheetData>, and making the autoFilter reference relative in
// the tail (after </sheetData>): excelize writes "$A$1:$F$9", Excel itself
// writes "A1:F9". The rows, if any, are put in the sheet's <sheetData>,
// which must be empty: they are compressed already, so the part is
// written raw (see zspool).
func copySheet(zw *zip.Writer, f *zip.File, dimension string, cols []byte, rows *zspool) error {
	rc, err := f.Open()
	if err != nil {
		return err
	}
	defer func() { _ = rc.Close() }()
	br := bufio.NewReaderSize(rc, 64<<10)

	head, rest, err := readUntil(br, nil, []byte("<sheetData"), maxSheetHead)
	if err != nil {
		return err
	}
	locs := dimensionRE.FindAllIndex(head, -1)
	if len(locs) != 1 {
		return fmt.Errorf("%d <dimension> elements: %w", len(locs), errBadWorkbook)
	}
	if len(cols) > 0 && bytes.Contains(head, []byte("<cols>")) {
		return fmt.Errorf("<cols> already written: %w", errBadWorkbook)
	}
	var newHead []byte
	for _, p := range [][]byte{head[:locs[0][0]], []byte(`<dimension ref="` + dimension + `"/>`), head[locs[0][1]:], cols} {
		newHead = append(newHead, p...)
	}
	if rows != nil {
		return copySheetRows(zw, f.Name, br, newHead, rest, rows)
	}
	w, err := createPart(zw, f.Name)
	if err != nil {
		return err
	}
	if err := writeAll(w, newHead); err != nil {
		return err
	}
	// The rows: stream through, holding back only a possible partial
	// "</sheetData>" at the end of each chunk.
	_, tail, err := readUntil(br, rest, []byte("</sheetData>"), -1, w)
	if err != nil {
		return err
	}
	tail, err = readTail(br, tail)
	if err != nil {
		return err
	}
	return writeAll(w, tail)
}

// readTail returns the end of the sheet XML: tail, which was read
// already, and the rest of br, with the autoFilter reference made
// relative.
func readTail(br io.Reader, tail []byte) ([]byte, error) {
	more, err := io.ReadAll(io.LimitReader(br, maxSheetHead))
	if err != nil {
		return nil, err
	}
	tail = append(tail, more...)
	if len(more) == maxSheetHead {
		return nil, fmt.Errorf("sheet tail over %d bytes: %w", maxSheetHead, errBadWorkbook)
	}
	return autoFilterRE.ReplaceAllFunc(tail, func(m []byte) []byte {
		return bytes.ReplaceAll(m, []byte("$"), nil)
	}), nil
}

// copySheetRows writes the sheet part name raw: head and "<sheetData>"
// compressed, the rows spool's deflate blocks as they are, then the rest
// of excelize's sheet (from its "</sheetData>" on; rest is what was read
// of it from "<sheetData" on) compressed as the final block.
func copySheetRows(zw *zip.Writer, name string, br io.Reader, head, rest []byte, rows *zspool) error {
	const empty = "<sheetData></sheetData>"
	for len(rest) < len(empty) {
		more := make([]byte, len(empty)-len(rest))
		n, err := io.ReadFull(br, more)
		rest = append(rest, more[:n]...)
		if err != nil {
			break
		}
	}
	if !bytes.HasPrefix(rest, []byte(empty)) {
		return fmt.Errorf("rows in excelize's <sheetData>: %w", errBadWorkbook)
	}
	head = append(head, "<sheetData>"...)
	tail, err := readTail(br, rest[len("<sheetData>"):])
	if err != nil {
		return err
	}
	headZ, err := deflated(head, false)
	if err != nil {
		return err
	}
	tailZ, err := deflated(tail, true)
	if err != nil {
		return err
	}
	if err := rows.finish(); err != nil {
		return err
	}
	body, bodySize, err := rows.compressed()
	if err != nil {
		return err
	}
	crc := crc32.ChecksumIEEE(head)
	crc = crc32Combine(crc, rows.crc, rows.n)
	crc = crc32Combine(crc, crc32.ChecksumIEEE(tail), int64(len(tail)))
	fh := &zip.FileHeader{
		Name:               name,
		Method:             zip.Deflate,
		Flags:              0x8, // sizes in a data descriptor, as CreateHeader writes them
		CreatorVersion:     zipVersion20,
		ReaderVersion:      zipVersion20,
		CRC32:              crc,
		CompressedSize64:   uint64(len(headZ)) + uint64(bodySize) + uint64(len(tailZ)),
		UncompressedSize64: uint64(len(head)) + uint64(rows.n) + uint64(len(tail)),
	}
	if fh.CompressedSize64 >= 1<<32-1 || fh.UncompressedSize64 >= 1<<32-1 {
		fh.ReaderVersion = zipVersion45 // ZIP64
	}
	w, err := zw.CreateRaw(fh)
	if err != nil {
		return err
	}
	if err := writeAll(w, headZ); err != nil {
		return err
	}
	if n, err := io.Copy(w, body); err != nil {
		return err
	} else if n != bodySize {
		return fmt.Errorf("rows spool: %d of %d bytes read", n, bodySize)
	}
	return writeAll(w, tailZ)
}

// Versions of the zip format (APPNOTE.TXT 4.4.3).
const (
	zipVersion20 = 20 // 2.0: deflate, folders
	zipVersion45 = 45 // 4.5: ZIP64
)

var autoFilterRE = regexp.MustCompile(`<autoFilter ref="[^"]*"`)

// readUntil reads r (after the bytes already in pending) until marker. It
// returns the bytes before the marker and the bytes from the marker on
// that were read. With limit >= 0 everything is kept in memory (error past
// limit bytes); with limit < 0, bytes before the marker are written to
// out[0] as they stream by and the first result is nil.
func readUntil(r io.Reader, pending, marker []byte, limit int, out ...io.Writer) (before, from []byte, err error) {
	buf := append(make([]byte, 0, 128<<10), pending...)
	chunk := make([]byte, 64<<10)
	keep := len(marker) - 1
	for {
		if i := bytes.Index(buf, marker); i >= 0 {
			if limit < 0 {
				if _, err := out[0].Write(buf[:i]); err != nil {
					return nil, nil, err
				}
				return nil, buf[i:], nil
			}
			return buf[:i], buf[i:], nil
		}
		if limit < 0 && len(buf) > keep {
			if _, err := out[0].Write(buf[:len(buf)-keep]); err != nil {
				return nil, nil, err
			}
			buf = append(buf[:0], buf[len(buf)-keep:]...)
		}
		if limit >= 0 && len(buf) > limit {
			return nil, nil, fmt.Errorf("no %s in the first %d bytes: %w", marker, limit, errBadWorkbook)
		}
		n, rerr := r.Read(chunk)
		buf = append(buf, chunk[:n]...)
		if rerr == io.EOF && n == 0 {
			return nil, nil, fmt.Errorf("no %s: %w", marker, errBadWorkbook)
		}
		if rerr != nil && rerr != io.EOF {
			return nil, nil, rerr
		}
	}
}

func writeAll(w io.Writer, parts ...[]byte) error {
	for _, p := range parts {
		if _, err := w.Write(p); err != nil {
			return err
		}
	}
	return nil
}

func writeCommentsPart(zw *zip.Writer, name, author string, o *sheetPost) error {
	w, err := createPart(zw, name)
	if err != nil {
		return err
	}
	var b bytes.Buffer
	b.WriteString(xml.Header)
	b.WriteString(`<comments xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><authors><author>`)
	_ = xml.EscapeText(&b, []byte(truncateUTF16(author, 255)))
	b.WriteString(`</author></authors><commentList>`)
	return writeWrapped(w, b.Bytes(), o.comments, `</commentList></comments>`)
}

func writeVMLPart(zw *zip.Writer, name string, o *sheetPost) error {
	w, err := createPart(zw, name)
	if err != nil {
		return err
	}
	// Shape ids are shapeBase+1, +2, ... (1025, 1026, ... on the first
	// sheet); each drawing cluster of the idmap covers 1024 ids, so list
	// every cluster used.
	var b bytes.Buffer
	b.WriteString(`<xml xmlns:v="urn:schemas-microsoft-com:vml" xmlns:o="urn:schemas-microsoft-com:office:office" xmlns:x="urn:schemas-microsoft-com:office:excel"><o:shapelayout v:ext="edit"><o:idmap v:ext="edit" data="`)
	for c := o.shapeBase / 1024; c <= (o.shapeBase+o.nComments)/1024; c++ {
		if c > o.shapeBase/1024 {
			b.WriteByte(',')
		}
		b.WriteString(strconv.Itoa(c))
	}
	b.WriteString(`"/></o:shapelayout><v:shapetype id="_x0000_t202" coordsize="21600,21600" o:spt="202" path="m,l,21600r21600,l21600,xe"><v:stroke joinstyle="miter"/><v:path gradientshapeok="t" o:connecttype="rect"/></v:shapetype>`)
	return writeWrapped(w, b.Bytes(), o.shapes, `</xml>`)
}

func writeWrapped(w io.Writer, head []byte, body *spool, tail string) error {
	if _, err := w.Write(head); err != nil {
		return err
	}
	r, err := body.reader()
	if err != nil {
		return err
	}
	if _, err := io.Copy(w, r); err != nil {
		return err
	}
	_, err = io.WriteString(w, tail)
	return err
}
