package racetelinfluxexporter

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/influxdata/influxdb-observability/common"
	"github.com/influxdata/influxdb-observability/otel2influx"
	"go.opentelemetry.io/collector/component/componenttest"
	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/pmetric"
)

// influx records the bodies POSTed to /write, like InfluxDB's HTTP API would receive them.
type influx struct {
	mu     sync.Mutex
	bodies []string
	query  []string
	auth   []string
	status int
}

func (f *influx) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	f.mu.Lock()
	f.bodies = append(f.bodies, string(body))
	f.query = append(f.query, r.URL.RawQuery)
	f.auth = append(f.auth, r.Header.Get("Authorization"))
	status := f.status
	f.mu.Unlock()
	if status == 0 {
		status = http.StatusNoContent
	}
	w.WriteHeader(status)
}

func (f *influx) lines() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []string
	for _, b := range f.bodies {
		for _, l := range strings.Split(strings.TrimSpace(b), "\n") {
			if l != "" {
				out = append(out, l)
			}
		}
	}
	return out
}

type point struct {
	name  string
	attrs map[string]string
	ts    time.Time
	value float64
}

// write converts gauges with otel2influx (telegraf-prometheus-v2, as the collector does) through the exporter's writer.
func write(t *testing.T, srv *httptest.Server, cfg *Config, points []point) {
	t.Helper()
	cfg.ClientConfig.Endpoint = srv.URL
	w, err := newLineWriter(cfg, componenttest.NewNopTelemetrySettings())
	if err != nil {
		t.Fatal(err)
	}
	if err := w.start(context.Background(), componenttest.NewNopHost()); err != nil {
		t.Fatal(err)
	}
	conv := otel2influx.DefaultOtelMetricsToLineProtocolConfig()
	conv.Writer = w
	conv.Schema = common.MetricsSchemaTelegrafPrometheusV2
	exp, err := otel2influx.NewOtelMetricsToLineProtocol(conv)
	if err != nil {
		t.Fatal(err)
	}
	md := pmetric.NewMetrics()
	rm := md.ResourceMetrics().AppendEmpty()
	rm.Resource().Attributes().PutStr("service.name", "racetel-rpc")
	sm := rm.ScopeMetrics().AppendEmpty()
	sm.Scope().SetName("racetel-rpc")
	for _, p := range points {
		m := sm.Metrics().AppendEmpty()
		m.SetName(p.name)
		dp := m.SetEmptyGauge().DataPoints().AppendEmpty()
		dp.SetTimestamp(pcommon.NewTimestampFromTime(p.ts))
		dp.SetDoubleValue(p.value)
		for k, v := range p.attrs {
			dp.Attributes().PutStr(k, v)
		}
	}
	if err := exp.WriteMetrics(context.Background(), md); err != nil {
		t.Fatal(err)
	}
}

func testConfig() *Config {
	c := createDefaultConfig().(*Config)
	c.Database = "racetel"
	return c
}

var t0 = time.Unix(1_700_000_000, 123_456_789)

func car(index string) map[string]string {
	return map[string]string{"session_id": "42", "car_index": index, "driver": "VER"}
}

func TestSameTagsAndTimeBecomeOneLine(t *testing.T) {
	f := &influx{}
	srv := httptest.NewServer(f)
	defer srv.Close()
	write(t, srv, testConfig(), []point{
		{"racetel.car.speed", car("1"), t0, 80.5},
		{"racetel.car.throttle", car("1"), t0, 1},
		{"racetel.car.lap.distance", car("1"), t0, 1234.25},
	})
	lines := f.lines()
	if len(lines) != 1 {
		t.Fatalf("want one line, got %d: %q", len(lines), lines)
	}
	want := `prometheus,car_index=1,driver=VER,session_id=42 racetel.car.lap.distance=1234.25,racetel.car.speed=80.5,racetel.car.throttle=1 1700000000123456789`
	if lines[0] != want {
		t.Fatalf("line\n got %s\nwant %s", lines[0], want)
	}
}

func TestAnyDifferenceMakesAnotherLine(t *testing.T) {
	f := &influx{}
	srv := httptest.NewServer(f)
	defer srv.Close()
	write(t, srv, testConfig(), []point{
		{"racetel.car.speed", car("1"), t0, 80},
		{"racetel.car.speed", car("2"), t0, 81},                   // another tag value
		{"racetel.car.speed", car("1"), t0.Add(time.Nanosecond), 82}, // another time
		{"racetel.car.gear", map[string]string{"session_id": "42", "car_index": "1", "driver": "VER", "wheel": "front_left"}, t0, 7}, // another tag
	})
	if n := len(f.lines()); n != 4 {
		t.Fatalf("want 4 lines, got %d: %q", n, f.lines())
	}
}

func TestDroppedTagsAreGoneFromEveryLine(t *testing.T) {
	f := &influx{}
	srv := httptest.NewServer(f)
	defer srv.Close()
	write(t, srv, testConfig(), []point{{"racetel.car.speed", car("1"), t0, 80}})
	line := f.lines()[0]
	for _, gone := range []string{"service.name", "otel.library.name"} {
		if strings.Contains(line, gone) {
			t.Fatalf("%s still on the line: %s", gone, line)
		}
	}
	cfg := testConfig()
	cfg.DropTags = nil
	f2 := &influx{}
	srv2 := httptest.NewServer(f2)
	defer srv2.Close()
	write(t, srv2, cfg, []point{{"racetel.car.speed", car("1"), t0, 80}})
	if !strings.Contains(f2.lines()[0], "service.name=racetel-rpc") {
		t.Fatalf("without drop_tags the resource tag stays: %s", f2.lines()[0])
	}
}

func TestWriteURLAuthAndPayloadSplit(t *testing.T) {
	f := &influx{}
	srv := httptest.NewServer(f)
	defer srv.Close()
	cfg := testConfig()
	cfg.Username = "writer"
	cfg.Password = "secret"
	cfg.PayloadMaxLines = 2
	var points []point
	for i := 0; i < 5; i++ {
		points = append(points, point{"racetel.car.speed", car("1"), t0.Add(time.Duration(i) * time.Millisecond), float64(i)})
	}
	write(t, srv, cfg, points)
	if len(f.bodies) != 3 {
		t.Fatalf("5 lines at 2 per payload: want 3 POSTs, got %d", len(f.bodies))
	}
	if f.query[0] != "db=racetel&precision=ns" {
		t.Fatalf("query %q", f.query[0])
	}
	if f.auth[0] != "Basic d3JpdGVyOnNlY3JldA==" {
		t.Fatalf("auth %q", f.auth[0])
	}
	if n := len(f.lines()); n != 5 {
		t.Fatalf("want 5 lines, got %d", n)
	}
}

func TestServerErrorsAreRetryableClientErrorsPermanent(t *testing.T) {
	for _, tc := range []struct {
		status    int
		permanent bool
	}{{500, false}, {503, false}, {400, true}, {401, true}} {
		f := &influx{status: tc.status}
		srv := httptest.NewServer(f)
		cfg := testConfig()
		cfg.ClientConfig.Endpoint = srv.URL
		w, _ := newLineWriter(cfg, componenttest.NewNopTelemetrySettings())
		_ = w.start(context.Background(), componenttest.NewNopHost())
		err := w.post(context.Background(), []byte("m f=1 1\n"))
		srv.Close()
		if err == nil {
			t.Fatalf("status %d: no error", tc.status)
		}
		if got := isPermanent(err); got != tc.permanent {
			t.Fatalf("status %d: permanent=%v, want %v (%v)", tc.status, got, tc.permanent, err)
		}
	}
}

func TestConfigValidate(t *testing.T) {
	c := testConfig()
	c.ClientConfig.Endpoint = "http://127.0.0.1:8086"
	if err := c.Validate(); err != nil {
		t.Fatal(err)
	}
	c.Database = ""
	if err := c.Validate(); err == nil || !strings.Contains(err.Error(), "database") {
		t.Fatalf("missing database: %v", err)
	}
}
