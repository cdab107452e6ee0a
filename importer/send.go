package importer

import (
	"strings"

	"github.com/custimport/custimport/importer/internal/dispatch"
	"github.com/custimport/custimport/importer/validate"
	"github.com/custimport/custimport/mapping"
)

// ownCode reports whether a problem is the one an ImportErrorCode of the
// importer's own (EXISTS, LOST_ZEROS) names.
func ownCode(code string) bool {
	return strings.HasPrefix(code, "exists") || code == msgCodeZeros
}

// errorKeys names the errors of a row for the summary's per-error counts.
func errorKeys(it *item) []string {
	res := it.Result()
	switch res.Status {
	case StatusInvalid:
		seen := map[string]bool{}
		var keys []string
		if res.ErrorCode != "" {
			// EXISTS, LOST_ZEROS: the row's own kind of trouble.
			seen["row"], keys = true, []string{"INVALID " + res.ErrorCode}
		}
		for _, ps := range [][]validate.Problem{it.Outcome.Problems, it.Extra} {
			for _, p := range ps {
				if p.Severity != validate.Error || (res.ErrorCode != "" && ownCode(p.Code)) {
					continue
				}
				k := p.Field
				if f, ok := mapping.Lookup(p.Field); ok {
					k = f.Code + " " + f.Label
				}
				if k == "" {
					k = "row"
				}
				if !seen[k] {
					seen[k] = true
					keys = append(keys, "INVALID "+k)
				}
			}
		}
		return keys
	case StatusFailed:
		return []string{strings.TrimSpace("FAILED " + res.ErrorCode + " " + firstClause(dispatch.TMSSaid(res.Message)))}
	case StatusUnknown:
		return []string{"UNKNOWN"}
	}
	return nil
}
