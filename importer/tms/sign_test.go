package tms

import (
	"errors"
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
