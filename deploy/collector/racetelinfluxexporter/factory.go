package racetelinfluxexporter

import (
	"context"
	"time"

	"github.com/influxdata/influxdb-observability/common"
	"github.com/influxdata/influxdb-observability/otel2influx"
	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/config/confighttp"
	"go.opentelemetry.io/collector/config/configoptional"
	"go.opentelemetry.io/collector/config/configretry"
	"go.opentelemetry.io/collector/exporter"
	"go.opentelemetry.io/collector/exporter/exporterhelper"
)

// TypeStr is the exporter's name in the collector config.
const TypeStr = "racetel_influxdb"

var componentType = component.MustNewType(TypeStr)

// NewFactory creates the racetel_influxdb exporter factory (metrics only).
func NewFactory() exporter.Factory {
	return exporter.NewFactory(componentType, createDefaultConfig,
		exporter.WithMetrics(createMetricsExporter, component.StabilityLevelBeta))
}

func createDefaultConfig() component.Config {
	client := confighttp.NewDefaultClientConfig()
	client.Timeout = 5 * time.Second
	return &Config{
		ClientConfig:    client,
		QueueSettings:   configoptional.Some(exporterhelper.NewDefaultQueueConfig()),
		BackOffConfig:   configretry.NewDefaultBackOffConfig(),
		PayloadMaxLines: 10_000,
		PayloadMaxBytes: 10_000_000,
		DropTags:        []string{"service.name", "otel.library.name", "otel.library.version"},
	}
}

func createMetricsExporter(ctx context.Context, set exporter.Settings, cfg component.Config) (exporter.Metrics, error) {
	c := cfg.(*Config)
	w, err := newLineWriter(c, set.TelemetrySettings)
	if err != nil {
		return nil, err
	}
	conv := otel2influx.DefaultOtelMetricsToLineProtocolConfig()
	conv.Writer = w
	conv.Schema = common.MetricsSchemaTelegrafPrometheusV2
	exp, err := otel2influx.NewOtelMetricsToLineProtocol(conv)
	if err != nil {
		return nil, err
	}
	return exporterhelper.NewMetrics(ctx, set, cfg, exp.WriteMetrics,
		exporterhelper.WithQueue(c.QueueSettings),
		exporterhelper.WithRetry(c.BackOffConfig),
		exporterhelper.WithStart(w.start))
}
