{{/* Names and labels. */}}
{{- define "rowbook.fullname" -}}
{{- if contains .Chart.Name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name .Chart.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{- define "rowbook.selectorLabels" -}}
app.kubernetes.io/name: {{ .Chart.Name }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{/* The web pods only: the migration Job's pod must not get Service traffic. */}}
{{- define "rowbook.webSelectorLabels" -}}
{{ include "rowbook.selectorLabels" . }}
app.kubernetes.io/component: web
{{- end -}}

{{- define "rowbook.labels" -}}
{{ include "rowbook.selectorLabels" . }}
app.kubernetes.io/version: {{ include "rowbook.tag" . | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version }}
{{- end -}}

{{- define "rowbook.tag" -}}
{{- .Values.image.tag | default .Chart.AppVersion -}}
{{- end -}}

{{- define "rowbook.image" -}}
{{- printf "%s:%s" .Values.image.repository (include "rowbook.tag" .) -}}
{{- end -}}

{{/* The Secret the pods read: the user's own, or the one this chart makes. */}}
{{- define "rowbook.secretName" -}}
{{- .Values.existingSecret | default (include "rowbook.fullname" .) -}}
{{- end -}}

{{/*
"true" when the pods read their secrets from files (SECRET_KEY_FILE, ...).
Rowbook 0.1.2 and older do not know the _FILE variables, so "auto" gives them
environment variables; any other tag (a newer release, a branch) gets files.
*/}}
{{- define "rowbook.secretFiles" -}}
{{- $tag := include "rowbook.tag" . | trimPrefix "v" -}}
{{- if eq .Values.secretsAs "files" -}}
true
{{- else if eq .Values.secretsAs "auto" -}}
{{- if not (and (regexMatch "^[0-9]+\\.[0-9]+\\.[0-9]+$" $tag) (semverCompare "<=0.1.2" $tag)) -}}
true
{{- end -}}
{{- end -}}
{{- end -}}

{{- define "rowbook.trustProxy" -}}
{{- if eq (toString .Values.config.trustProxy) "auto" -}}
{{- .Values.ingress.enabled -}}
{{- else -}}
{{- .Values.config.trustProxy -}}
{{- end -}}
{{- end -}}

{{/*
Cross-field rules the schema cannot say plainly: secrets come from
existingSecret or from the values, never from both, never from neither.
*/}}
{{- define "rowbook.checkSecrets" -}}
{{- if .Values.existingSecret -}}
{{- if or .Values.secretKey .Values.postgresql.password -}}
{{- fail "existingSecret is set, so leave secretKey and postgresql.password empty: the pods read both from that Secret" -}}
{{- end -}}
{{- else -}}
{{- if not .Values.secretKey -}}
{{- fail "secretKey is empty: set it to at least 32 random characters (openssl rand -hex 32), or name a Secret of yours in existingSecret" -}}
{{- else if lt (len .Values.secretKey) 32 -}}
{{- fail (printf "secretKey is too short (%d characters; Rowbook needs at least 32): openssl rand -hex 32 makes one" (len .Values.secretKey)) -}}
{{- end -}}
{{- if not .Values.postgresql.password -}}
{{- fail "postgresql.password is empty: set it, or name a Secret of yours in existingSecret" -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{/* Settings that are not secret: the ConfigMap's data, and the migration Job's env. */}}
{{- define "rowbook.settings" -}}
DOMAIN_NAME: {{ .Values.domainName | quote }}
{{- with .Values.extraHosts }}
ROWBOOK_EXTRA_HOSTS: {{ join "," . | quote }}
{{- end }}
POSTGRES_HOST: {{ .Values.postgresql.host | quote }}
POSTGRES_PORT: {{ .Values.postgresql.port | quote }}
POSTGRES_DB: {{ .Values.postgresql.database | quote }}
POSTGRES_USER: {{ .Values.postgresql.user | quote }}
ROWBOOK_WORKERS: {{ .Values.config.workers | quote }}
ROWBOOK_LOG_LEVEL: {{ .Values.config.logLevel | quote }}
ROWBOOK_TRUST_PROXY: {{ include "rowbook.trustProxy" . | quote }}
ROWBOOK_UPDATE_CHECK: {{ .Values.config.updateCheck | quote }}
{{- range $name, $value := .Values.config.extra }}
{{ $name }}: {{ $value | quote }}
{{- end }}
{{- end -}}

{{/*
The secret settings, as files or as environment variables. Called with a dict:
root (the chart's context) and secretName (the Secret this pod reads).
*/}}
{{- define "rowbook.secretEnv" -}}
{{- $keys := include "rowbook.secretKeys" .root | fromYaml -}}
{{- if include "rowbook.secretFiles" .root }}
- name: SECRET_KEY_FILE
  value: /run/secrets/rowbook/{{ $keys.secretKey }}
- name: POSTGRES_PASSWORD_FILE
  value: /run/secrets/rowbook/{{ $keys.postgresPassword }}
{{- else }}
- name: SECRET_KEY
  valueFrom:
    secretKeyRef:
      name: {{ .secretName }}
      key: {{ $keys.secretKey }}
- name: POSTGRES_PASSWORD
  valueFrom:
    secretKeyRef:
      name: {{ .secretName }}
      key: {{ $keys.postgresPassword }}
{{- end }}
{{- end -}}

{{/* The keys of the Secret: the user's names in existingSecret, else our own. */}}
{{- define "rowbook.secretKeys" -}}
{{- if .Values.existingSecret -}}
{{- toYaml .Values.existingSecretKeys -}}
{{- else -}}
secretKey: secret-key
postgresPassword: postgres-password
{{- end -}}
{{- end -}}

{{/*
Volumes of both pods: /tmp (the only path Rowbook writes) and the secret
files. Called with the same dict as rowbook.secretEnv.
*/}}
{{- define "rowbook.volumes" -}}
- name: tmp
  emptyDir:
    sizeLimit: 64Mi
{{- if include "rowbook.secretFiles" .root }}
- name: secrets
  secret:
    secretName: {{ .secretName }}
    # Owned by root, readable by the group fsGroup gives the pod.
    defaultMode: 0440
{{- end }}
{{- end -}}

{{- define "rowbook.volumeMounts" -}}
- name: tmp
  mountPath: /tmp
{{- if include "rowbook.secretFiles" . }}
- name: secrets
  mountPath: /run/secrets/rowbook
  readOnly: true
{{- end }}
{{- end -}}
