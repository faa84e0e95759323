package racetelinfluxexporter

import "go.opentelemetry.io/collector/consumer/consumererror"

func isPermanent(err error) bool { return consumererror.IsPermanent(err) }
