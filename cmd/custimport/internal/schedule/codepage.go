package schedule

import (
	"unicode/utf8"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/japanese"
	"golang.org/x/text/encoding/korean"
	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/encoding/traditionalchinese"
)

// DecodeOutput returns what a Windows console program printed into a
// pipe as text: UTF-8 as it is, else decoded from the console's code
// page (950 Big5 on a Traditional Chinese Windows, 936 GBK, …). An
// unknown code page leaves the bytes as they are.
func DecodeOutput(data []byte, codePage uint32) string {
	if utf8.Valid(data) {
		return string(data)
	}
	var enc encoding.Encoding
	switch codePage {
	case 950:
		enc = traditionalchinese.Big5
	case 936:
		enc = simplifiedchinese.GBK
	case 932:
		enc = japanese.ShiftJIS
	case 949:
		enc = korean.EUCKR
	case 437:
		enc = charmap.CodePage437
	case 850:
		enc = charmap.CodePage850
	case 1252:
		enc = charmap.Windows1252
	default:
		return string(data)
	}
	out, err := enc.NewDecoder().Bytes(data)
	if err != nil {
		return string(data)
	}
	return string(out)
}
