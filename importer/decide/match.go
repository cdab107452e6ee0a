package decide

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"sort"
	"strings"
	"unicode"

	"golang.org/x/text/width"

	"github.com/custimport/custimport/importer/ledger"
	"github.com/custimport/custimport/internal/flatjson"
)

// Assignment is the record a blank-code row was matched to.
type Assignment struct {
	Record *ledger.Create
	Match  Match
}

// Index holds the ledger's earlier creates by every key a row can match.
// Build it once per run with NewIndex; it is read-only afterwards.
type Index struct {
	byCode    map[string][]*ledger.Create
	byContent map[string][]*ledger.Create
	byTaxID   map[string][]*ledger.Create
	byName    map[string][]*ledger.Create
	byRow     map[rowKey][]*ledger.Create
}

type rowKey struct {
	lineage string
	row     int
}

// NewIndex indexes creates (sending, created or unknown; others are
// ignored). Within a key, created records come first, then the oldest.
func NewIndex(creates []ledger.Create) *Index {
	ix := &Index{byCode: map[string][]*ledger.Create{}, byContent: map[string][]*ledger.Create{}, byTaxID: map[string][]*ledger.Create{},
		byName: map[string][]*ledger.Create{}, byRow: map[rowKey][]*ledger.Create{}}
	list := make([]*ledger.Create, 0, len(creates))
	for i := range creates {
		switch creates[i].State {
		case ledger.Sending, ledger.Created, ledger.Unknown:
			list = append(list, &creates[i])
		}
	}
	sort.SliceStable(list, func(i, j int) bool {
		a, b := list[i].State == ledger.Created, list[j].State == ledger.Created
		if a != b {
			return a
		}
		return list[i].ID < list[j].ID
	})
	for _, c := range list {
		if c.CCODE != "" {
			ix.byCode[c.CCODE] = append(ix.byCode[c.CCODE], c)
		}
		ix.byContent[c.Fingerprint] = append(ix.byContent[c.Fingerprint], c)
		if t := NormTaxID(c.TaxID); t != "" {
			ix.byTaxID[t] = append(ix.byTaxID[t], c)
		}
		for _, n := range names(NormName(c.Name), NormName(c.ShortName)) {
			ix.byName[n] = append(ix.byName[n], c)
		}
		if c.Lineage != "" && c.Row > 0 {
			k := rowKey{c.Lineage, c.Row}
			ix.byRow[k] = append(ix.byRow[k], c)
		}
	}
	return ix
}

// Empty reports whether no record can match anything.
func (ix *Index) Empty() bool { return len(ix.byContent) == 0 }

// candidates returns the records a row may match at level m. A row with
// a code matches only by code; a row without, by everything else.
func (ix *Index) candidates(r Row, m Match) [][]*ledger.Create {
	if (r.Code != "") != (m == SameCode) {
		return nil
	}
	switch m {
	case SameCode:
		return [][]*ledger.Create{ix.byCode[r.Code]}
	case SameContent:
		return [][]*ledger.Create{ix.byContent[r.Fingerprint]}
	case SameTaxID:
		if r.TaxID != "" {
			return [][]*ledger.Create{ix.byTaxID[r.TaxID]}
		}
	case SameName:
		var out [][]*ledger.Create
		for _, n := range names(r.Name, r.ShortName) {
			out = append(out, ix.byName[n])
		}
		return out
	case SameRow:
		if r.Lineage != "" {
			return [][]*ledger.Create{ix.byRow[rowKey{r.Lineage, r.Line}]}
		}
	}
	return nil
}

// Touches reports whether a row could match any record: only such rows
// need to be kept for Assign.
func (ix *Index) Touches(r Row) bool {
	for m := SameCode; m <= SameRow; m++ {
		for _, list := range ix.candidates(r, m) {
			if len(list) > 0 {
				return true
			}
		}
	}
	return false
}

// Assign matches rows (in run order) to the ledger's creates, strongest
// match first across all rows: every row with a code takes the creates
// that were given its code, then every row without one is offered the
// records of its own content, then by tax id, and so on. Each record goes
// to one row at most. It returns the assignment of each matched row by
// Seq (rows with a code are only there to take records away).
func Assign(rows []Row, creates []ledger.Create) map[int]Assignment {
	return NewIndex(creates).Assign(rows)
}

// Assign is the package-level Assign over an index built beforehand.
//
// A match by row number is offered only in a lineage that is live in
// this run: some row of it without a code matched a record of the same
// lineage by content, tax id or name, so the file is an edited version of
// the one imported before. A new file under an old name (tonight's export
// of new customers, maybe listing last night's under their codes) shares
// no such row with it, and its rows are new customers.
func (ix *Index) Assign(rows []Row) map[int]Assignment {
	out := map[int]Assignment{}
	taken := map[*ledger.Create]bool{}
	live := map[string]bool{}
	for m := SameCode; m <= SameRow; m++ {
		for _, r := range rows {
			if _, done := out[r.Seq]; done || (m == SameRow && !live[r.Lineage]) {
				continue
			}
			if c := ix.take(r, m, taken); c != nil {
				out[r.Seq] = Assignment{Record: c, Match: m}
				if m != SameCode && c.Lineage == r.Lineage && r.Lineage != "" {
					live[r.Lineage] = true
				}
			}
		}
	}
	return out
}

// take marks and returns the first record not taken yet that r matches
// at level m, or nil.
func (ix *Index) take(r Row, m Match, taken map[*ledger.Create]bool) *ledger.Create {
	for _, list := range ix.candidates(r, m) {
		for _, c := range list {
			if !taken[c] {
				taken[c] = true
				return c
			}
		}
	}
	return nil
}

func names(a, b string) []string {
	switch {
	case a == "" && b == "":
		return nil
	case a == "":
		return []string{b}
	case b == "" || a == b:
		return []string{a}
	}
	return []string{a, b}
}

// NormName is a name as matching compares it: full-width folded to
// half-width, lower case, without spaces or punctuation.
func NormName(s string) string {
	if needsFold(s) {
		s = width.Fold.String(s)
	}
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			b.WriteRune(unicode.ToLower(r))
		}
	}
	return b.String()
}

// needsFold reports whether s has a character width.Fold changes: a
// full-width or half-width form (U+FF00 and above) or the ideographic
// space. Most names have none, and folding costs an allocation.
func needsFold(s string) bool {
	for _, r := range s {
		if r >= 0xFF00 || r == 0x3000 {
			return true
		}
	}
	return false
}

// NormTaxID is a 統一編號 as matching compares it: digits only.
func NormTaxID(s string) string {
	s = width.Fold.String(s)
	var b strings.Builder
	for _, r := range s {
		if r >= '0' && r <= '9' {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// howSent reports whether a payload's key says how the row is sent, not
// what it holds.
func howSent(key string) bool {
	return key == "CCODE" || key == "AutoCCODE" || key == "EditItem"
}

// Fingerprint identifies a row's content: the payload as sent, without
// the fields that say how it is sent (CCODE, AutoCCODE, EditItem), so a
// create and the same customer fed back with its new code agree. Keys are
// sorted (encoding/json sorts map keys).
func Fingerprint(payload map[string]any) string {
	var buf [512]byte
	if data, ok := flatjson.AppendObject(buf[:0], payload, true, howSent); ok {
		sum := sha256.Sum256(data)
		return hex.EncodeToString(sum[:16])
	}
	content := make(map[string]any, len(payload))
	for k, v := range payload {
		switch k {
		case "CCODE", "AutoCCODE", "EditItem":
			continue
		}
		content[k] = v
	}
	data, _ := json.Marshal(content)
	sum := sha256.Sum256(data)
	return hex.EncodeToString(sum[:16])
}
