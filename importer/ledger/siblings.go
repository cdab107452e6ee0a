package ledger

import (
	"context"
	"database/sql"
	"path/filepath"
)

// Siblings returns the tenants of the other ledgers in dir that have t's
// PNO and ProNum but another URL: the same company's TMS written another
// way (a host name for an address), or a TMS that moved. Starting a new
// ledger beside one of them would forget every customer the other
// created. Files that cannot be read are passed over.
func Siblings(ctx context.Context, dir string, t Tenant) ([]Tenant, error) {
	paths, err := filepath.Glob(filepath.Join(dir, "*.ledger.db"))
	if err != nil {
		return nil, err
	}
	var out []Tenant
	for _, p := range paths {
		if filepath.Base(p) == filepath.Base(FilePath(dir, t)) {
			continue
		}
		other, ok := tenantOf(ctx, p)
		if ok && other.PNO == t.PNO && other.ProNum == t.ProNum && other.URL != t.URL {
			out = append(out, other)
		}
	}
	return out, nil
}

// tenantOf reads the tenant a ledger file belongs to.
func tenantOf(ctx context.Context, path string) (Tenant, bool) {
	db, err := sql.Open("sqlite", dsn(path, "_pragma=query_only(1)"))
	if err != nil {
		return Tenant{}, false
	}
	defer db.Close()
	var t Tenant
	for key, dst := range map[string]*string{"url": &t.URL, "pno": &t.PNO, "pronum": &t.ProNum} {
		if err := db.QueryRowContext(ctx, "SELECT value FROM meta WHERE key = ?", key).Scan(dst); err != nil {
			return Tenant{}, false
		}
	}
	return t, true
}
