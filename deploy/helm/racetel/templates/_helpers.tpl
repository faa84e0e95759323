{{/* Names, labels and shared snippets of the racetel chart. */}}

{{- define "racetel.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Release-scoped prefix of every resource name. */}}
{{- define "racetel.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else if contains (include "racetel.name" .) .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name (include "racetel.name" .) | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}

{{/* Name of one component's resources: <fullname>-<component>. Call with (dict "ctx" $ "component" "rpc"). */}}
{{- define "racetel.componentName" -}}
{{- printf "%s-%s" (include "racetel.fullname" .ctx) .component | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "racetel.selectorLabels" -}}
app.kubernetes.io/name: {{ include "racetel.name" .ctx }}
app.kubernetes.io/instance: {{ .ctx.Release.Name }}
app.kubernetes.io/component: {{ .component }}
{{- end }}

{{- define "racetel.labels" -}}
{{ include "racetel.selectorLabels" . }}
app.kubernetes.io/version: {{ .ctx.Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .ctx.Release.Service }}
app.kubernetes.io/part-of: racetel
helm.sh/chart: {{ printf "%s-%s" .ctx.Chart.Name .ctx.Chart.Version | replace "+" "_" }}
{{- end }}

{{/* image reference; an empty tag means the chart's appVersion. Call with (dict "ctx" $ "image" .Values.x.image). */}}
{{- define "racetel.image" -}}
{{- printf "%s:%s" .image.repository (default .ctx.Chart.AppVersion .image.tag) }}
{{- end }}

{{- define "racetel.influxdbSecretName" -}}
{{- default (include "racetel.componentName" (dict "ctx" . "component" "influxdb")) .Values.influxdb.auth.existingSecret }}
{{- end }}

{{- define "racetel.rpcSecretName" -}}
{{- default (include "racetel.componentName" (dict "ctx" . "component" "rpc-token")) .Values.rpc.auth.existingSecret }}
{{- end }}

{{- define "racetel.grafanaSecretName" -}}
{{- default (include "racetel.componentName" (dict "ctx" . "component" "grafana")) .Values.grafana.existingSecret }}
{{- end }}

{{/* In-cluster URL of InfluxDB's v1 HTTP API, used by the collector and Grafana alike. */}}
{{- define "racetel.influxdbUrl" -}}
{{- printf "http://%s:%d" (include "racetel.componentName" (dict "ctx" . "component" "influxdb")) (int .Values.influxdb.port) }}
{{- end }}

{{/*
A password that survives upgrades: the value already stored in the live Secret if there is one
(lookup), else a new random one. `helm template` has no cluster, so it always generates.
Call with (dict "ctx" $ "secret" "<name>" "key" "<key>").
*/}}
{{- define "racetel.keptPassword" -}}
{{- $existing := lookup "v1" "Secret" .ctx.Release.Namespace .secret }}
{{- if and $existing $existing.data (hasKey $existing.data .key) }}
{{- index $existing.data .key }}
{{- else }}
{{- randAlphaNum 32 | b64enc }}
{{- end }}
{{- end }}

{{/* ConfigMap holding one Grafana dashboard file. Call with (dict "ctx" $ "file" "live-car.json"). */}}
{{- define "racetel.dashboardConfigMap" -}}
{{- $slug := regexReplaceAll "[^a-z0-9-]+" (lower (trimSuffix ".json" .file)) "-" }}
{{- printf "%s-dashboard-%s" (include "racetel.componentName" (dict "ctx" .ctx "component" "grafana")) $slug | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* ingest's RACETEL_RPC_TARGETS: every rpc StatefulSet pod by its DNS name behind the headless Service. */}}
{{- define "racetel.rpcTargets" -}}
{{- $rpc := include "racetel.componentName" (dict "ctx" . "component" "rpc") }}
{{- $targets := list }}
{{- range $i := until (int .Values.rpc.replicas) }}
{{- $targets = append $targets (printf "%s-%d.%s-headless.%s.svc.cluster.local:%d" $rpc $i $rpc $.Release.Namespace (int $.Values.rpc.ports.grpc)) }}
{{- end }}
{{- join "," $targets }}
{{- end }}

{{/* Kafka bootstrap servers: the given brokers, or the chart's own broker. */}}
{{- define "racetel.kafkaBrokers" -}}
{{- if .Values.kafka.brokers -}}
{{- .Values.kafka.brokers -}}
{{- else -}}
{{- $kafka := include "racetel.componentName" (dict "ctx" . "component" "kafka") -}}
{{- printf "%s-0.%s-headless.%s.svc.cluster.local:%d" $kafka $kafka .Release.Namespace (int .Values.kafka.port) -}}
{{- end -}}
{{- end }}
