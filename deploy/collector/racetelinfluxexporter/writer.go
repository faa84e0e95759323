package racetelinfluxexporter

import (
	"bytes"
	"context"
	"encoding/base64"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"sort"
	"time"

	"github.com/influxdata/influxdb-observability/common"
	"github.com/influxdata/influxdb-observability/otel2influx"
	"github.com/influxdata/line-protocol/v2/lineprotocol"
	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/consumer/consumererror"
)

// lineWriter is otel2influx's InfluxWriter: each WriteMetrics call gets a batch that merges its points.
type lineWriter struct {
	cfg       *Config
	telemetry component.TelemetrySettings
	writeURL  string
	auth      string
	client    *http.Client
}

func newLineWriter(cfg *Config, telemetry component.TelemetrySettings) (*lineWriter, error) {
	u, err := url.Parse(cfg.ClientConfig.Endpoint)
	if err != nil {
		return nil, err
	}
	u = u.JoinPath("write")
	q := u.Query()
	q.Set("db", cfg.Database)
	q.Set("precision", "ns")
	u.RawQuery = q.Encode()
	w := &lineWriter{cfg: cfg, telemetry: telemetry, writeURL: u.String()}
	if cfg.Username != "" {
		w.auth = "Basic " + base64.StdEncoding.EncodeToString([]byte(cfg.Username+":"+string(cfg.Password)))
	}
	return w, nil
}

func (w *lineWriter) start(ctx context.Context, host component.Host) error {
	c, err := w.cfg.ClientConfig.ToClient(ctx, host.GetExtensions(), w.telemetry)
	if err != nil {
		return err
	}
	w.client = c
	return nil
}

func (w *lineWriter) NewBatch() otel2influx.InfluxWriterBatch {
	return &mergingBatch{w: w, m: newMerger(w.cfg.DropTags)}
}

type mergingBatch struct {
	w *lineWriter
	m *merger
}

func (b *mergingBatch) EnqueuePoint(_ context.Context, measurement string, tags map[string]string, fields map[string]any, ts time.Time, _ common.InfluxMetricValueType) error {
	b.m.add(measurement, tags, fields, ts)
	return nil
}

// WriteBatch encodes the merged rows as line protocol and POSTs them in payloads of bounded size.
func (b *mergingBatch) WriteBatch(ctx context.Context) error {
	enc := &lineprotocol.Encoder{}
	enc.SetPrecision(lineprotocol.Nanosecond)
	lines := 0
	for _, r := range b.m.rows {
		if err := encodeRow(enc, r); err != nil {
			return consumererror.NewPermanent(err)
		}
		lines++
		if lines >= b.w.cfg.PayloadMaxLines || len(enc.Bytes()) >= b.w.cfg.PayloadMaxBytes {
			if err := b.w.post(ctx, enc.Bytes()); err != nil {
				return err
			}
			enc.Reset()
			lines = 0
		}
	}
	b.m = newMerger(b.w.cfg.DropTags)
	if lines == 0 {
		return nil
	}
	return b.w.post(ctx, enc.Bytes())
}

// encodeRow writes one line; fields in name order so that the same row is the same bytes.
func encodeRow(enc *lineprotocol.Encoder, r *row) error {
	names := make([]string, 0, len(r.fields))
	for name := range r.fields {
		names = append(names, name)
	}
	sort.Strings(names)
	enc.StartLine(r.measurement)
	for _, t := range r.tags {
		enc.AddTag(t.k, t.v)
	}
	fields := 0
	for _, name := range names {
		v, ok := lineprotocol.NewValue(r.fields[name])
		if !ok {
			continue // NaN, infinities and types line protocol has no value for
		}
		enc.AddField(name, v)
		fields++
	}
	if fields == 0 {
		return nil
	}
	enc.EndLine(r.ts)
	if err := enc.Err(); err != nil {
		enc.ClearErr()
		return fmt.Errorf("encoding a line of %s: %w", r.measurement, err)
	}
	return nil
}

func (w *lineWriter) post(ctx context.Context, body []byte) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, w.writeURL, bytes.NewReader(body))
	if err != nil {
		return consumererror.NewPermanent(err)
	}
	req.Header.Set("Content-Type", "text/plain; charset=utf-8")
	if w.auth != "" {
		req.Header.Set("Authorization", w.auth)
	}
	client := w.client
	if client == nil {
		client = http.DefaultClient
	}
	res, err := client.Do(req)
	if err != nil {
		return err // retried by exporterhelper
	}
	msg, _ := io.ReadAll(io.LimitReader(res.Body, 4096))
	_ = res.Body.Close()
	switch {
	case res.StatusCode >= 200 && res.StatusCode < 300:
		return nil
	case res.StatusCode >= 500 || res.StatusCode == http.StatusTooManyRequests:
		return fmt.Errorf("InfluxDB write returned %s: %s", res.Status, msg)
	default:
		return consumererror.NewPermanent(fmt.Errorf("InfluxDB write returned %s: %s", res.Status, msg))
	}
}
