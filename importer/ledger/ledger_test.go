package ledger

import (
	"context"
	"path/filepath"
	"runtime"
	"testing"
)

func TestNormalizeURL(t *testing.T) {
	tests := []struct {
		in, want string
		wantErr  bool
	}{
		{in: "https://tms.example.com", want: "https://tms.example.com"},
		{in: "HTTPS://TMS.Example.COM/", want: "https://tms.example.com"},
		{in: "https://tms.example.com:443/", want: "https://tms.example.com"},
		{in: "http://tms.example.com:80", want: "http://tms.example.com"},
		{in: "http://tms.example.com:443", want: "http://tms.example.com:443"},
		{in: "https://tms.example.com:8443/api//", want: "https://tms.example.com:8443/api"},
		{in: "https://tms.example.com/TMS/Path/", want: "https://tms.example.com/TMS/Path"},
		{in: "https://user:secret@tms.example.com/?a=1#frag", want: "https://tms.example.com"},
		{in: "  https://tms.example.com/x?q=1  ", want: "https://tms.example.com/x"},
		// This machine by any name is one TMS: one ledger.
		{in: "http://[::1]:80/", want: "http://127.0.0.1"},
		{in: "http://[::1]:8080/", want: "http://127.0.0.1:8080"},
		{in: "http://localhost:8080/api", want: "http://127.0.0.1:8080/api"},
		{in: "http://LocalHost:8080/api", want: "http://127.0.0.1:8080/api"},
		{in: "http://127.0.0.2:8080/api", want: "http://127.0.0.1:8080/api"},
		{in: "http://127.0.0.1:8080", want: "http://127.0.0.1:8080"},
		// A port is a number: leading zeros spell the same port.
		{in: "http://tms.example.com:031401", want: "http://tms.example.com:31401"},
		{in: "http://tms.example.com:0031401/api/", want: "http://tms.example.com:31401/api"},
		{in: "http://tms.example.com:080", want: "http://tms.example.com"},
		{in: "https://tms.example.com:0443/", want: "https://tms.example.com"},
		{in: "http://localhost:08080", want: "http://127.0.0.1:8080"},
		{in: "http://tms.example.com:/api", want: "http://tms.example.com/api"},
		{in: "http://tms.example.com.:8080", want: "http://tms.example.com:8080"},
		{in: "http://[2001:0DB8:0:0::1]:0443", want: "http://[2001:db8::1]:443"},
		{in: "http://[::FFFF:10.0.0.1]:8080", want: "http://10.0.0.1:8080"},
		{in: "http://tms.example.com:0", wantErr: true},
		{in: "http://tms.example.com:65536", wantErr: true},
		{in: "http://tms.example.com:99999999999999999999999", wantErr: true},
		{in: "http://tms.example.com:+80", wantErr: true},
		{in: "", wantErr: true},
		{in: "tms.example.com", wantErr: true},
		{in: "localhost:8080", wantErr: true},
		{in: "https://", wantErr: true},
		{in: "https:///path", wantErr: true},
		{in: "ftp://tms.example.com", wantErr: true},
		{in: "http://tms example.com", wantErr: true},
		{in: "http://%zz", wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := NormalizeURL(tt.in)
			if tt.wantErr {
				if err == nil {
					t.Fatalf("NormalizeURL(%q) = %q, want an error", tt.in, got)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Fatalf("NormalizeURL(%q) = %q, %v; want %q", tt.in, got, err, tt.want)
			}
		})
	}
}

func TestNewTenant(t *testing.T) {
	a, err := NewTenant("HTTPS://tms.example.com:443/", "P1", "")
	if err != nil {
		t.Fatal(err)
	}
	if want := (Tenant{URL: "https://tms.example.com", PNO: "P1", ProNum: "P1"}); a != want {
		t.Fatalf("NewTenant = %+v, want %+v", a, want)
	}
	b, _ := NewTenant("https://tms.example.com", "P1", "P1")
	if a.ID() != b.ID() || len(a.ID()) != 16 {
		t.Errorf("IDs %q and %q: want the same 16 hex digits", a.ID(), b.ID())
	}
	for _, other := range []Tenant{{a.URL, "P1", "P2"}, {a.URL, "P2", "P1"}, {"https://tms2.example.com", "P1", "P1"}} {
		if other.ID() == a.ID() {
			t.Errorf("%v has the ID of %v", other, a)
		}
	}
	if got, want := a.String(), "https://tms.example.com pno=P1 ProNum=P1"; got != want {
		t.Errorf("String() = %q, want %q", got, want)
	}
	if _, err := NewTenant("https://tms.example.com", " ", ""); err == nil {
		t.Error("NewTenant with no PNO: no error")
	}
	if _, err := NewTenant("nope", "P1", ""); err == nil {
		t.Error("NewTenant with a bad URL: no error")
	}
}

func TestDefaultDir(t *testing.T) {
	tests := []struct {
		name, goos, home string
		env              map[string]string
		want             string
		wantErr          bool
	}{
		{name: "linux", goos: "linux", home: "/home/u", want: filepath.Join("/home/u", ".local", "state", "custimport")},
		// One folder however the session is set up: a scheduled task has no XDG_* variables.
		{name: "linux XDG not used", goos: "linux", home: "/home/u", env: map[string]string{"XDG_STATE_HOME": "/xdg/state"}, want: filepath.Join("/home/u", ".local", "state", "custimport")},
		{name: "linux XDG and no home", goos: "linux", env: map[string]string{"XDG_STATE_HOME": "/xdg/state"}, wantErr: true},
		{name: "linux relative XDG ignored", goos: "linux", home: "/home/u", env: map[string]string{"XDG_STATE_HOME": "rel"}, want: filepath.Join("/home/u", ".local", "state", "custimport")},
		{name: "freebsd", goos: "freebsd", home: "/home/u", want: filepath.Join("/home/u", ".local", "state", "custimport")},
		{name: "linux no home", goos: "linux", wantErr: true},
		{name: "windows", goos: "windows", home: `C:\Users\u`, env: map[string]string{"LOCALAPPDATA": `C:\Users\u\AppData\Local`, "APPDATA": `C:\Users\u\AppData\Roaming`}, want: `C:\Users\u\AppData\Local\custimport`},
		{name: "windows trailing slash", goos: "windows", env: map[string]string{"LOCALAPPDATA": `D:\Local\`}, want: `D:\Local\custimport`},
		{name: "windows roaming only", goos: "windows", home: `C:\Users\u`, env: map[string]string{"APPDATA": `C:\Users\u\AppData\Roaming`}, wantErr: true},
		{name: "darwin", goos: "darwin", home: "/Users/u", want: filepath.Join("/Users/u", "Library", "Application Support", "custimport")},
		{name: "darwin no home", goos: "darwin", wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := DefaultDir(tt.goos, func(k string) string { return tt.env[k] }, tt.home)
			if tt.wantErr {
				if err == nil {
					t.Fatalf("DefaultDir = %q, want an error", got)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Fatalf("DefaultDir = %q, %v; want %q", got, err, tt.want)
			}
		})
	}
}

func TestXDGStateDir(t *testing.T) {
	for v, want := range map[string]string{"": "", "rel": "", "/xdg/state": filepath.Join("/xdg/state", "custimport")} {
		if got := XDGStateDir(func(string) string { return v }); got != want {
			t.Errorf("XDG_STATE_HOME=%q: %q, want %q", v, got, want)
		}
	}
}

func TestFileURI(t *testing.T) {
	tests := []struct {
		path    string
		windows bool
		want    string
	}{
		{"/var/lib/x.ledger.db", false, "file:///var/lib/x.ledger.db"},
		{"/tmp/a b?c#d%e/x\\y.db", false, "file:///tmp/a%20b%3Fc%23d%25e/x%5Cy.db"},
		{`C:\Users\王\AppData\x.db`, true, "file:///C:/Users/%E7%8E%8B/AppData/x.db"},
		{`\\server\share\x.db`, true, "file:////server/share/x.db"},
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			if got := fileURI(tt.path, tt.windows); got != tt.want {
				t.Errorf("fileURI(%q, %v) = %q, want %q", tt.path, tt.windows, got, tt.want)
			}
		})
	}
	if got, want := dsn("/x.db", "_txlock=immediate"), "file:///x.db?_pragma=busy_timeout%2810000%29&_txlock=immediate"; runtime.GOOS != "windows" && got != want {
		t.Errorf("dsn = %q, want %q", got, want)
	}
}

// Siblings finds the same company's ledger under another URL, and only
// that one.
func TestSiblings(t *testing.T) {
	dir := tempDir(t)
	ctx := context.Background()
	mk := func(url, pno, proNum string) Tenant {
		tn, err := NewTenant(url, pno, proNum)
		if err != nil {
			t.Fatal(err)
		}
		db, err := Open(ctx, dir, tn, Options{})
		if err != nil {
			t.Fatal(err)
		}
		db.Close()
		return tn
	}
	byName := mk("https://tms.example.com/api", "P1", "")
	mk("https://tms.example.com/api", "P2", "")    // another company
	mk("https://other.example.com/api", "P1", "X") // another project
	byAddress, _ := NewTenant("https://10.0.0.5/api", "P1", "")
	got, err := Siblings(ctx, dir, byAddress)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || got[0] != byName {
		t.Errorf("Siblings = %v, want only %v", got, byName)
	}
	if got, _ := Siblings(ctx, dir, byName); len(got) != 0 {
		t.Errorf("a ledger is its own sibling: %v", got)
	}
}
