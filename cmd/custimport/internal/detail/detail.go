// Package detail says, in either language, what a library error that
// carries its details as fields is about: which columns of a header could
// not be resolved, which rows of a workbook are out of order, which limit
// a file passed. It owns those words (catalog namespace "detail").
//
// It does not know what to do about them, nor how a front end frames
// them: the command line puts them in its fatal line beside an
// explanation, the page beside its own advice about its own controls.
package detail

import (
	"errors"
	"strconv"
	"strings"

	"github.com/custimport/custimport/importer"
	"github.com/custimport/custimport/importer/msg"
	"github.com/custimport/custimport/importer/source"
	"github.com/custimport/custimport/mapping"
)

var _ = msg.Register("detail", msg.Table{
	"no_known_column":        {"標題列沒有任何可辨識的欄位 (找到的標題:%s)", "no column matches a field (found headers %s)"},
	"no_header":              {"標題列沒有任何可辨識的欄位", "no column matches a field"},
	"duplicate_field":        {"兩個欄位對應到同一個 TMS 欄位:%s", "two columns map to the same field: %s"},
	"duplicate_pair":         {"欄 %s%q與欄 %s%q都是 %s %s", "%[5]s %[6]s: column %[1]s %[2]q and column %[3]s %[4]q"},
	"no_code_column":         {"沒有任何欄位對應到 CCODE 客戶代號,但%s看起來是客戶代號", "no column maps to CCODE 客戶代號, but %s looks like a customer code"},
	"column":                 {"欄 %s%q", "column %s %q"},
	"empty_header":           {"檔案沒有標題列", "the file has no header row"},
	"damaged_rows":           {"活頁簿已損壞:第 %d 列出現在第 %d 列之後 (列號重複或倒退)", "the workbook is damaged: row %d comes after row %d"},
	"too_large_file":         {"檔案太大:%s,超過 %s 的上限", "the file is too large: %s is bigger than the %s limit"},
	"too_large_read":         {"檔案太大:超過 %s 的上限", "the file is too large: it is bigger than the %s limit"},
	"too_large_unpacked":     {"檔案太大:活頁簿解壓縮後有 %s,超過 %s 的上限", "the file is too large: the workbook unpacks to %s, more than the %s limit"},
	"too_large_shared_texts": {"檔案太大:活頁簿的共用文字表超過 %s 上限的活頁簿能用的量", "the file is too large: its table of shared texts holds more than a workbook within the %s limit can use"},
	"too_large_line":         {"第 %d 列超過 %s", "line %d is longer than %s"},
	"bytes":                  {"%d 位元組", "%d bytes"},
})

// Of returns what err's fields say, in lang, and the file they are about
// ("" when the error does not name one); what is "" when err is none of
// the errors this package knows (*mapping.HeaderError,
// *importer.DamagedRowsError, *source.TooLargeError).
func Of(err error, lang string) (what, file string) {
	p := msg.In(lang)
	f := func(code string, args ...any) string { return p.Sprint("detail."+code, args...) }
	var (
		header  *mapping.HeaderError
		damaged *importer.DamagedRowsError
		large   *source.TooLargeError
		parse   *source.ParseError
	)
	switch {
	case errors.As(err, &header):
		return headerText(f, lang, header), ""
	case errors.As(err, &damaged):
		return f("damaged_rows", damaged.Row, damaged.After), damaged.Input
	case errors.As(err, &large):
		switch {
		case large.What == source.TooLargeLine && errors.As(err, &parse) && parse.Line > 0:
			return f("too_large_line", parse.Line, size(lang, large.Limit)), large.File
		case large.What == source.TooLargeUnpacked:
			return f("too_large_unpacked", size(lang, large.Size), size(lang, large.Limit)), large.File
		case large.What == source.TooLargeSharedTexts:
			return f("too_large_shared_texts", size(lang, large.Limit)), large.File
		case large.Size > 0:
			return f("too_large_file", size(lang, large.Size), size(lang, large.Limit)), large.File
		}
		return f("too_large_read", size(lang, large.Limit)), large.File
	}
	return "", ""
}

// headerText says which columns of a header could not be resolved.
func headerText(f func(string, ...any) string, lang string, header *mapping.HeaderError) string {
	sep := "、"
	if msg.Lang(lang) == "en" {
		sep = ", "
	}
	switch {
	case errors.Is(header.Kind, mapping.ErrNoKnownColumn) && len(header.Headers) > 0:
		return f("no_known_column", quotedList(lang, header.Headers, 12, sep))
	case errors.Is(header.Kind, mapping.ErrNoKnownColumn):
		return f("no_header")
	case errors.Is(header.Kind, mapping.ErrDuplicateField):
		pairs := make([]string, len(header.Duplicates))
		for i, d := range header.Duplicates {
			pairs[i] = f("duplicate_pair", d.First.Name, d.First.Text, d.Second.Name, d.Second.Text, d.Field, d.Label)
		}
		return f("duplicate_field", strings.Join(pairs, "; "))
	case errors.Is(header.Kind, mapping.ErrNoCodeColumn):
		cols := make([]string, len(header.Columns))
		for i, c := range header.Columns {
			cols[i] = f("column", c.Name, c.Text)
		}
		return f("no_code_column", strings.Join(cols, sep))
	}
	return f("empty_header")
}

// size is n bytes for people: bytes under 1 MB, else MB.
func size(lang string, n int64) string {
	switch {
	case n < 1<<20:
		return msg.In(lang).Sprint("detail.bytes", n)
	case n < 10<<20:
		return strconv.FormatFloat(float64(n)/(1<<20), 'f', 1, 64) + " MB"
	}
	return strconv.FormatInt(n>>20, 10) + " MB"
}

// quotedList is items in lang's quotes, at most max of them.
func quotedList(lang string, items []string, max int, sep string) string {
	out := make([]string, 0, min(len(items), max+1))
	for i, s := range items {
		if i == max {
			out = append(out, "…")
			break
		}
		out = append(out, msg.Quote(lang, s))
	}
	return strings.Join(out, sep)
}
