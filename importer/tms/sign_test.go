package tms

import (
	"crypto/hmac"
	"crypto/sha512"
	"encoding/hex"
	"errors"
	"strings"
	"testing"
)

func TestRecipeSign(t *testing.T) {
	// Vectors computed independently with coreutils/openssl:
	//   printf 'TMSDEMOWEB1509371605secret' | sha512sum
	//   printf 'TMSDEMOWEB1509371605{"a":1}' | openssl dgst -sha512 -hmac secret
	tests := []struct {
		recipe string
		body   string
		want   string
	}{
		{"sha512", "", "5926B101AC87E9F02106FBBFBEC6E466859F6CA6B6685122269711C3752EE785A7FC1F6DAC77D84F5B6AFFBE1ECE8E80F56B70BD838CD54C1EE7EE8926CF0A27"},
		{"hmac-sha512", `{"a":1}`, "738B146AA02B194DE428599CA487CBD02B308C84B7B8081586C7F936D26976DB2315537E4B4C1F0B0398D70F818B0EF1D8F680F07284B5989F887C5B45934A56"},
		//   printf '{"a":1}' | openssl dgst -sha512 -hmac secret
		{"hmac-sha512:{body}", `{"a":1}`, "42F08C0DA01C9A46D4E5663D5F2140526A016507C598182C6769CCA2BCF7BA43C395B719B01D288F5AD322564DCE1D40CA28EF50B876FC49A33D13D6783114DD"},
		//   printf 'secret1509371605TMSDEMOWEB' | sha512sum
		{"sha512:{key}{timestamp}{pno}", "", "AE87AB719A680A29808F09B65E04233F775CD26F157BD8F65212F1C7A8971D7E1A3BFF64ADC2B76B53A13C5089054D3EA0EC16A8A3CEB72DB2C79C58D1316A86"},
	}
	for _, tt := range tests {
		t.Run(tt.recipe, func(t *testing.T) {
			r, err := ParseRecipe(tt.recipe)
			if err != nil {
				t.Fatal(err)
			}
			got := r.Sign("secret", "TMSDEMOWEB", "1509371605", []byte(tt.body))
			if got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
			if len(got) != 128 {
				t.Errorf("got %d hex characters, want 128 like the specification's example", len(got))
			}
		})
	}
}

func TestParseRecipe(t *testing.T) {
	tests := []struct {
		in      string
		want    string
		wantErr bool
	}{
		{"", "sha512:{pno}{timestamp}{key}", false},
		{"sha512", "sha512:{pno}{timestamp}{key}", false},
		{"SHA512:{key}{timestamp}", "sha512:{key}{timestamp}", false},
		{"hmac-sha512", "hmac-sha512:{pno}{timestamp}{body}", false},
		{"hmac-sha512:{timestamp}{body}", "hmac-sha512:{timestamp}{body}", false},
		{"md5", "", true},
		{"sha512:{pno}{time}{key}", "", true},
		{"sha512:{pno}{key}", "", true},
		{"sha512:{pno}{timestamp}", "", true},
		{"hmac-sha512:{body}", "hmac-sha512:{body}", false},
		{"hmac-sha512:{pno}{timestamp}", "hmac-sha512:{pno}{timestamp}", false},
		{"hmac-sha512:{pno}{key}", "", true},
		{"hmac-sha512:", "", true},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			r, err := ParseRecipe(tt.in)
			if tt.wantErr {
				if !errors.Is(err, ErrBadRecipe) {
					t.Fatalf("got err %v, want ErrBadRecipe", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got := r.String(); got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

// TestPresets: the list holds sha512 over every order of {pno},
// {timestamp} and {key}, and hmac-sha512 over {pno}{timestamp}{body},
// {timestamp}{body} and {body}; each is a valid recipe, once, with a
// comment, and the default comes first.
func TestPresets(t *testing.T) {
	want := []string{
		"sha512:{pno}{timestamp}{key}", "sha512:{pno}{key}{timestamp}", "sha512:{timestamp}{pno}{key}",
		"sha512:{timestamp}{key}{pno}", "sha512:{key}{pno}{timestamp}", "sha512:{key}{timestamp}{pno}",
		"hmac-sha512:{pno}{timestamp}{body}", "hmac-sha512:{timestamp}{body}", "hmac-sha512:{body}",
	}
	seen := map[string]bool{}
	for _, p := range Presets {
		s := p.Recipe.String()
		if seen[s] {
			t.Errorf("%s twice", s)
		}
		seen[s] = true
		r, err := ParseRecipe(s)
		if err != nil || r != p.Recipe {
			t.Errorf("%s does not read back: %v, %v", s, r, err)
		}
		if strings.TrimSpace(p.Comment) == "" {
			t.Errorf("%s has no comment", s)
		}
		if sig := p.Recipe.Sign("k", "P", "1", []byte("{}")); len(sig) != 128 || strings.ToUpper(sig) != sig {
			t.Errorf("%s signs %q", s, sig)
		}
	}
	for _, w := range want {
		if !seen[w] {
			t.Errorf("the presets lack %s", w)
		}
	}
	if Presets[0].Recipe != DefaultRecipe {
		t.Errorf("the first preset is %s, want the default", Presets[0].Recipe)
	}
}

// referenceSign is Sign as it was first written: the template filled by
// a strings.Replacer, then digested.
func referenceSign(r Recipe, key, pno, timestamp string, body []byte) string {
	msg := strings.NewReplacer("{pno}", pno, "{timestamp}", timestamp, "{key}", key, "{body}", string(body)).Replace(r.Template)
	var sum []byte
	if r.Method == "hmac-sha512" {
		m := hmac.New(sha512.New, []byte(key))
		m.Write([]byte(msg))
		sum = m.Sum(nil)
	} else {
		d := sha512.Sum512([]byte(msg))
		sum = d[:]
	}
	return strings.ToUpper(hex.EncodeToString(sum))
}

// Sign fills the template as a Replacer does, for templates Check would
// refuse too: braces that are not placeholders, placeholders side by
// side or inside braces, and values that look like placeholders (never
// filled in again).
func TestRecipeSignMatchesReference(t *testing.T) {
	templates := []string{"", "{", "}", "{}", "{{pno}}", "{pn}{key}", "{pno", "x{timestamp}y{key}z", "{body}{body}{key}{pno}{timestamp}", "{{{key}", "{key}}", "{PNO}{key}"}
	for _, p := range Presets {
		templates = append(templates, p.Recipe.Template)
	}
	for _, method := range []string{"sha512", "hmac-sha512"} {
		for _, tmpl := range templates {
			t.Run(method+":"+tmpl, func(t *testing.T) {
				r := Recipe{Method: method, Template: tmpl}
				got := r.Sign("k{pno}", "P{key}", "1509371605", []byte(`{"a":"{timestamp}"}`))
				if want := referenceSign(r, "k{pno}", "P{key}", "1509371605", []byte(`{"a":"{timestamp}"}`)); got != want {
					t.Errorf("got %s, want %s", got, want)
				}
			})
		}
	}
}

func FuzzRecipeSign(f *testing.F) {
	f.Add(true, "{pno}{timestamp}{key}", "secret", "TMSDEMOWEB", "1509371605", []byte(`{"a":1}`))
	f.Add(false, "{pno}{timestamp}{body}", "k", "p", "1", []byte("{key}"))
	f.Add(false, "{{body}}{", "", "", "", []byte(nil))
	f.Fuzz(func(t *testing.T, sha bool, tmpl, key, pno, ts string, body []byte) {
		r := Recipe{Method: "hmac-sha512", Template: tmpl}
		if sha {
			r.Method = "sha512"
		}
		if got, want := r.Sign(key, pno, ts, body), referenceSign(r, key, pno, ts, body); got != want {
			t.Errorf("Sign(%q) = %s, want %s", tmpl, got, want)
		}
	})
}
