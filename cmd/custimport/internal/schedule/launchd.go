package schedule

import (
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// LaunchdPlist returns the launchd agent that runs job every day at
// job.At in job.Dir, appending its output to job.Log. launchd starts a
// run missed while the Mac slept as soon as it wakes (not one missed
// while it was off), and never starts a job that still runs.
func LaunchdPlist(job Job) string {
	var b strings.Builder
	str := func(s string) string {
		var e strings.Builder
		xml.EscapeText(&e, []byte(s))
		return "<string>" + e.String() + "</string>"
	}
	b.WriteString(`<?xml version="1.0" encoding="UTF-8"?>` + "\n")
	b.WriteString(`<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">` + "\n")
	b.WriteString(`<!-- Written by custimport schedule install; custimport schedule remove removes it. -->` + "\n")
	b.WriteString("<plist version=\"1.0\">\n<dict>\n")
	b.WriteString("\t<key>Label</key>\n\t" + str(Label) + "\n")
	b.WriteString("\t<key>ProgramArguments</key>\n\t<array>\n")
	for _, a := range append([]string{job.Program}, job.Args...) {
		b.WriteString("\t\t" + str(a) + "\n")
	}
	b.WriteString("\t</array>\n")
	b.WriteString("\t<key>WorkingDirectory</key>\n\t" + str(job.Dir) + "\n")
	fmt.Fprintf(&b, "\t<key>StartCalendarInterval</key>\n\t<dict>\n\t\t<key>Hour</key>\n\t\t<integer>%d</integer>\n\t\t<key>Minute</key>\n\t\t<integer>%d</integer>\n\t</dict>\n", job.At.Hour, job.At.Minute)
	if job.Log != "" {
		b.WriteString("\t<key>StandardOutPath</key>\n\t" + str(job.Log) + "\n")
		b.WriteString("\t<key>StandardErrorPath</key>\n\t" + str(job.Log) + "\n")
	}
	b.WriteString("\t<key>ProcessType</key>\n\t" + str("Background") + "\n")
	b.WriteString("</dict>\n</plist>\n")
	return b.String()
}

// Plist is a property list's top dictionary read back: strings,
// integers, arrays and dictionaries.
type Plist map[string]any

// ParsePlist reads an XML property list whose top value is a dict.
func ParsePlist(text string) (Plist, error) {
	dec := xml.NewDecoder(strings.NewReader(text))
	for {
		tok, err := dec.Token()
		if err != nil {
			return nil, fmt.Errorf("plist: %w", err)
		}
		if se, ok := tok.(xml.StartElement); ok && se.Name.Local == "dict" {
			v, err := plistDict(dec)
			if err != nil {
				return nil, fmt.Errorf("plist: %w", err)
			}
			return v, nil
		}
	}
}

// plistDict reads a dict's keys and values up to its end.
func plistDict(dec *xml.Decoder) (Plist, error) {
	out := Plist{}
	key := ""
	for {
		tok, err := dec.Token()
		if err != nil {
			return nil, err
		}
		switch t := tok.(type) {
		case xml.EndElement:
			return out, nil
		case xml.StartElement:
			if t.Name.Local == "key" {
				if key, err = plistText(dec); err != nil {
					return nil, err
				}
				continue
			}
			v, err := plistValue(dec, t)
			if err != nil {
				return nil, err
			}
			out[key] = v
		}
	}
}

// plistValue reads the value that starts with se.
func plistValue(dec *xml.Decoder, se xml.StartElement) (any, error) {
	switch se.Name.Local {
	case "string":
		return plistText(dec)
	case "integer":
		s, err := plistText(dec)
		if err != nil {
			return nil, err
		}
		return strconv.Atoi(strings.TrimSpace(s))
	case "true", "false":
		return se.Name.Local == "true", dec.Skip()
	case "dict":
		return plistDict(dec)
	case "array":
		var list []any
		for {
			tok, err := dec.Token()
			if err != nil {
				return nil, err
			}
			switch t := tok.(type) {
			case xml.EndElement:
				return list, nil
			case xml.StartElement:
				v, err := plistValue(dec, t)
				if err != nil {
					return nil, err
				}
				list = append(list, v)
			}
		}
	}
	return nil, fmt.Errorf("<%s>: a value custimport does not write", se.Name.Local)
}

// plistText reads an element's text up to its end.
func plistText(dec *xml.Decoder) (string, error) {
	var b strings.Builder
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			return "", io.ErrUnexpectedEOF
		}
		if err != nil {
			return "", err
		}
		switch t := tok.(type) {
		case xml.CharData:
			b.Write(t)
		case xml.EndElement:
			return b.String(), nil
		case xml.StartElement:
			return "", fmt.Errorf("<%s> inside text", t.Name.Local)
		}
	}
}

// Job is the job the agent runs.
func (p Plist) Job() (Job, error) {
	args, _ := p["ProgramArguments"].([]any)
	cal, _ := p["StartCalendarInterval"].(Plist)
	hour, okH := cal["Hour"].(int)
	minute, okM := cal["Minute"].(int)
	if len(args) == 0 || !okH || !okM {
		return Job{}, errors.New("plist: no ProgramArguments or no daily StartCalendarInterval")
	}
	var job Job
	for _, a := range args {
		s, ok := a.(string)
		if !ok {
			return Job{}, errors.New("plist: ProgramArguments holds a value that is not a string")
		}
		job.Args = append(job.Args, s)
	}
	job.Program, job.Args = job.Args[0], job.Args[1:]
	job.At = Clock{hour, minute}
	job.Dir, _ = p["WorkingDirectory"].(string)
	job.Log, _ = p["StandardOutPath"].(string)
	return job, nil
}
