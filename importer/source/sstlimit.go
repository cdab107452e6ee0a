package source

import (
	"archive/zip"
	"fmt"
)

// A workbook whose shared-string table is far larger than its sheets can
// use (a few hundred KB that unpack to tens of millions of empty texts)
// is refused from the sizes its zip archive declares and the count its
// table declares, before the table is built; a table that declares
// nothing is refused as soon as it passes the limit, long before it
// could take seconds or memory. The bounds:
//
//   - a cell that points to a shared text takes at least minRefBytes of
//     sheet XML (<c t="s"><v>0</v></c>), so the workbook's worksheets,
//     unpacked, can point to at most their size / minRefBytes texts;
//   - cells that point to different texts do not compress below about
//     3 bytes each (their indexes differ digit by digit: measured 0.26 to
//     0.37 texts per compressed byte), so they point to at most
//     refsPerCompressedByte texts per byte of their compressed size;
//   - spareTexts more, for texts no cell uses (a workbook saved by a
//     program that keeps them);
//   - and, as before, at most a workbook within the input limit can use:
//     maxBytes/32 texts and maxBytes/4 bytes of text.
const (
	minRefBytes           = 21
	refsPerCompressedByte = 4
	spareTexts            = 1 << 16
)

// sstLimit is how many shared texts a workbook may load.
type sstLimit struct {
	sheets   int   // what its worksheets can point to, spare texts included
	input    int   // what a workbook within the input limit can use
	maxText  int64 // bytes of text
	maxBytes int64 // the input limit
}

// newSSTLimit works out the limit from the workbook's worksheet parts (nil
// entries, parts missing from the archive, count for nothing) and the
// input limit.
func newSSTLimit(sheets []*zip.File, maxBytes int64) sstLimit {
	var unpacked, packed uint64
	for _, zf := range sheets {
		if zf != nil {
			unpacked += zf.UncompressedSize64
			packed += zf.CompressedSize64
		}
	}
	refs := min(unpacked/minRefBytes, packed*refsPerCompressedByte, 1<<40)
	return sstLimit{
		sheets:   int(refs) + spareTexts,
		input:    int(min(maxBytes/32, 1<<30)),
		maxText:  min(maxBytes/4, 1<<31),
		maxBytes: maxBytes,
	}
}

// count is the number of texts the table may hold.
func (l sstLimit) count() int { return min(l.sheets, l.input) }

// checkCount returns the error for a table of more than n texts (what it
// declares, or what was read of it so far); nil when n is within the
// limit.
func (l sstLimit) checkCount(name string, n int, declared bool) error {
	if n <= l.count() {
		return nil
	}
	holds := fmt.Sprintf("holds more than the %d texts", l.count())
	if declared {
		holds = fmt.Sprintf("says it holds %d texts, more than the %d", n, l.count())
	}
	if l.sheets < l.input {
		return fileError(name, ErrCorrupt,
			"its table of shared texts %s its sheets can use: a damaged or doctored workbook", holds)
	}
	return tooLarge(name, TooLargeSharedTexts, 0, l.maxBytes,
		"its table of shared texts %s a workbook within the %s limit can use; save the workbook again in Excel, or split it",
		holds, mb(l.maxBytes))
}

// checkText returns the error for a table of n bytes of text; nil within
// the limit.
func (l sstLimit) checkText(name string, n int64) error {
	if n <= l.maxText {
		return nil
	}
	return tooLarge(name, TooLargeSharedTexts, 0, l.maxBytes,
		"its table of shared texts holds more than %s of text, more than a workbook within the %s limit can use; save the workbook again in Excel, or split it",
		mb(l.maxText), mb(l.maxBytes))
}
