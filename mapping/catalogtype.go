package mapping

import (
	"sort"
	"strings"
)

// Catalog is one entity's field list with its header index: the fields,
// lookup by code, and header matching by code, label and alias. It is
// read-only once built and safe for concurrent use.
type Catalog struct {
	name   string
	key    string // code of the field that identifies a record, "" for none
	fields []Field
	byCode map[string]int // upper-case code → position
	index  map[string]match
}

// NewCatalog builds a catalog of fields. key is the code of the field that
// identifies a record (the header safety net looks for it), "" for none.
// Two fields with the same code (case-insensitively) panic: a catalog is a
// literal in the program.
func NewCatalog(name, key string, fields []Field) *Catalog {
	c := &Catalog{name: name, key: key, fields: fields, byCode: make(map[string]int, len(fields))}
	for i, f := range fields {
		up := strings.ToUpper(f.Code)
		if _, dup := c.byCode[up]; dup {
			panic("mapping: catalog " + name + ": two fields " + f.Code)
		}
		c.byCode[up] = i
	}
	for i, f := range fields {
		c.byCode[f.Code] = i // as spelt, so Index finds it without upper-casing
	}
	c.index = c.buildIndex()
	return c
}

// Name returns the catalog's name ("customers").
func (c *Catalog) Name() string { return c.name }

// Key returns the code of the field that identifies a record.
func (c *Catalog) Key() string { return c.key }

// Len returns the number of fields.
func (c *Catalog) Len() int { return len(c.fields) }

// Fields returns every field, in the catalog's order. The slice is a copy.
func (c *Catalog) Fields() []Field {
	out := make([]Field, len(c.fields))
	copy(out, c.fields)
	return out
}

// Index returns a field's position in Fields, by code case-insensitively.
func (c *Catalog) Index(code string) (int, bool) {
	if i, ok := c.byCode[code]; ok {
		return i, true // the code as the catalog spells it: the common case
	}
	i, ok := c.byCode[strings.ToUpper(strings.TrimSpace(code))]
	return i, ok
}

// Lookup finds a field by its code, case-insensitively.
func (c *Catalog) Lookup(code string) (Field, bool) {
	i, ok := c.Index(code)
	if !ok {
		return Field{}, false
	}
	return c.fields[i], true
}

// MustLookup is Lookup for codes known at compile time; it panics on an
// unknown code, which is a programming error.
func (c *Catalog) MustLookup(code string) Field {
	f, ok := c.Lookup(code)
	if !ok {
		panic("mapping: unknown field " + code)
	}
	return f
}

// Codes returns every field code, sorted.
func (c *Catalog) Codes() []string {
	out := make([]string, len(c.fields))
	for i, f := range c.fields {
		out[i] = f.Code
	}
	sort.Strings(out)
	return out
}

// buildIndex maps normalised header keys to fields: codes and labels
// first, so an alias never shadows them.
func (c *Catalog) buildIndex() map[string]match {
	m := make(map[string]match)
	add := func(key string, f *Field, by string) {
		k := headerKey(key)
		if _, taken := m[k]; !taken {
			m[k] = match{f, by}
		}
	}
	for i := range c.fields {
		add(c.fields[i].Code, &c.fields[i], "code")
	}
	for i := range c.fields {
		add(c.fields[i].Label, &c.fields[i], "label")
	}
	for i := range c.fields {
		for _, a := range c.fields[i].Aliases {
			add(a, &c.fields[i], "alias")
		}
	}
	return m
}
