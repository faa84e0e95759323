package racetelinfluxexporter

import (
	"sort"
	"strings"
	"time"
)

// row is one line to write: a measurement, its tags, its time and every field seen for them.
type row struct {
	measurement string
	tags        []tag
	fields      map[string]any
	ts          time.Time
}

type tag struct{ k, v string }

// merger collects points and merges those with the same measurement, tags and time into one row.
type merger struct {
	drop  map[string]bool
	index map[string]*row
	rows  []*row
	key   strings.Builder
}

func newMerger(drop []string) *merger {
	m := &merger{drop: map[string]bool{}, index: map[string]*row{}}
	for _, k := range drop {
		m.drop[k] = true
	}
	return m
}

// add takes one point (otel2influx's EnqueuePoint arguments); a later field of the same name wins.
func (m *merger) add(measurement string, tags map[string]string, fields map[string]any, ts time.Time) {
	sorted := make([]tag, 0, len(tags))
	for k, v := range tags {
		// Empty keys or values are not valid line protocol tags, and dropped tags carry nothing.
		if k == "" || v == "" || m.drop[k] {
			continue
		}
		sorted = append(sorted, tag{k, v})
	}
	sort.Slice(sorted, func(i, j int) bool { return sorted[i].k < sorted[j].k })
	m.key.Reset()
	m.key.WriteString(measurement)
	for _, t := range sorted {
		m.key.WriteByte(0)
		m.key.WriteString(t.k)
		m.key.WriteByte(0)
		m.key.WriteString(t.v)
	}
	m.key.WriteByte(0)
	m.key.WriteString(ts.Format(time.RFC3339Nano))
	k := m.key.String()
	r, ok := m.index[k]
	if !ok {
		r = &row{measurement: measurement, tags: sorted, fields: make(map[string]any, len(fields)), ts: ts}
		m.index[k] = r
		m.rows = append(m.rows, r)
	}
	for name, v := range fields {
		if name != "" {
			r.fields[name] = v
		}
	}
}

// len is the number of rows (lines) collected.
func (m *merger) len() int { return len(m.rows) }
