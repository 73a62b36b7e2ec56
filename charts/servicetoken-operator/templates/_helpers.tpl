{{/* Chart name, 63 characters at most. */}}
{{- define "servicetoken-operator.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Full name: the release name, with the chart name unless the release name contains it. */}}
{{- define "servicetoken-operator.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{- define "servicetoken-operator.selectorLabels" -}}
app.kubernetes.io/name: {{ include "servicetoken-operator.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{- define "servicetoken-operator.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{ include "servicetoken-operator.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: servicetoken-operator
{{- end }}

{{- define "servicetoken-operator.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "servicetoken-operator.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- default "default" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{/*
Rules on cluster-scoped objects: always a ClusterRole. The operator reads the kube-system namespace for its uid (the
default cluster id) and watches namespaces for their labels (ClusterTokenIssuer spec.conditions.namespaceSelector);
ClusterTokenIssuers get a finalizer (patch) and a status (update).
*/}}
{{- define "servicetoken-operator.clusterRules" -}}
- apiGroups: [servicetoken.dev]
  resources: [clustertokenissuers]
  verbs: [get, list, watch, patch]
- apiGroups: [servicetoken.dev]
  resources: [clustertokenissuers/status]
  verbs: [get, update, patch]
- apiGroups: [""]
  resources: [namespaces]
  verbs: [get, list, watch]
{{- end }}

{{/*
Rules on namespaced objects: a ClusterRole, or a Role in each watched namespace. ServiceTokens and TokenIssuers are
watched, get a finalizer (patch) and a status (update); target Secrets are watched (label selector), created,
replaced and deleted; Events are recorded; restart targets get a rollout-restart patch.
*/}}
{{- define "servicetoken-operator.namespacedRules" -}}
- apiGroups: [servicetoken.dev]
  resources: [servicetokens, tokenissuers]
  verbs: [get, list, watch, patch]
- apiGroups: [servicetoken.dev]
  resources: [servicetokens/status, tokenissuers/status]
  verbs: [get, update, patch]
- apiGroups: [""]
  resources: [secrets]
  verbs: [get, list, watch, create, update, patch, delete]
- apiGroups: ["", events.k8s.io]
  resources: [events]
  verbs: [create, patch]
- apiGroups: [apps]
  resources: [deployments, statefulsets, daemonsets]
  verbs: [patch]
{{- end }}
