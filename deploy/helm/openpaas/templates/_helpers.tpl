{{/* Facts about each service that are the code's, not the operator's: its schema, whether it talks to the cluster. */}}
{{- define "openpaas.facts" -}}
gateway: {schema: "", clusterApi: false, public: true}
project-service: {schema: projects, clusterApi: false}
build-service: {schema: builds, clusterApi: true}
deploy-service: {schema: deploys, clusterApi: true}
secrets-service: {schema: secrets, clusterApi: false}
audit-service: {schema: audit, clusterApi: false}
{{- end -}}

{{- define "openpaas.labels" -}}
app.kubernetes.io/part-of: openpaas
app.kubernetes.io/managed-by: {{ .root.Release.Service }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
{{ include "openpaas.selector" . }}
{{- end -}}

{{- define "openpaas.selector" -}}
app.kubernetes.io/name: {{ .name }}
{{- end -}}

{{- define "openpaas.natsUrl" -}}
{{- .Values.nats.url | default (printf "nats://%s-nats:4222" .Release.Name) -}}
{{- end -}}

{{/* A variable from the credentials Secret. */}}
{{- define "openpaas.secretEnv" -}}
- name: {{ .env }}
  valueFrom:
    secretKeyRef: {name: {{ .root.Values.credentials.secretName }}, key: {{ .key }}{{ if .optional }}, optional: true{{ end }}}
{{- end -}}

{{/* The environment of one service: only what its code reads (checked by DeliveryFilesTest). */}}
{{- define "openpaas.env" -}}
{{- $root := .root -}}{{- $name := .name -}}{{- $facts := index (include "openpaas.facts" . | fromYaml) $name -}}
- {name: OPENPAAS_SERVER_PORT, value: "8080"}
- {name: OPENPAAS_NATS_URL, value: {{ include "openpaas.natsUrl" $root | quote }}}
{{ include "openpaas.secretEnv" (dict "root" $root "env" "OPENPAAS_NATS_PASSWORD" "key" (printf "nats-password-%s" $name)) }}
{{- if $facts.schema }}
- {name: OPENPAAS_DATABASE_HOST, value: {{ $root.Values.postgresql.host | quote }}}
- {name: OPENPAAS_DATABASE_PORT, value: {{ $root.Values.postgresql.port | quote }}}
- {name: OPENPAAS_DATABASE_NAME, value: {{ $root.Values.postgresql.database | quote }}}
{{ include "openpaas.secretEnv" (dict "root" $root "env" "OPENPAAS_DATABASE_PASSWORD" "key" (printf "database-password-%s" $facts.schema)) }}
- {name: OPENPAAS_STATE_DIR, value: /state}
{{- end }}
{{- if ne $name "project-service" }}
- {name: OPENPAAS_AUTH_JWT_PUBLIC_KEY_LOCATION, value: "http://{{ $root.Release.Name }}-project-service:8080/.well-known/jwks.json"}
{{- end }}
{{- if eq $name "gateway" }}
{{- range $s := list "project" "build" "deploy" "secrets" "audit" }}
- {name: OPENPAAS_GATEWAY_{{ upper $s }}_URL, value: "http://{{ $root.Release.Name }}-{{ $s }}-service:8080"}
{{- end }}
{{- with $root.Values.redis.url }}
- {name: OPENPAAS_REDIS_URL, value: {{ . | quote }}}
{{- end }}
{{- else if eq $name "project-service" }}
- {name: OPENPAAS_AUTH_JWT_PRIVATE_KEY_LOCATION, value: /etc/openpaas/jwt/private.pem}
{{ include "openpaas.secretEnv" (dict "root" $root "env" "OPENPAAS_BOOTSTRAP_ADMIN_TOKEN" "key" "bootstrap-admin-token") }}
{{- else if eq $name "build-service" }}
- {name: OPENPAAS_BUILD_EXECUTOR, value: {{ $root.Values.build.executor | quote }}}
- {name: OPENPAAS_BUILD_KUBERNETES_NAMESPACE, value: {{ $root.Values.build.namespace | quote }}}
{{- with $root.Values.build.registrySecret }}
- {name: OPENPAAS_BUILD_KUBERNETES_REGISTRY_SECRET, value: {{ . | quote }}}
{{- end }}
{{ include "openpaas.secretEnv" (dict "root" $root "env" "OPENPAAS_BUILD_CREDENTIALS_KEY" "key" "build-credentials-key") }}
{{- with $root.Values.registry.url }}
- {name: OPENPAAS_REGISTRY_URL, value: {{ . | quote }}}
- {name: OPENPAAS_REGISTRY_PREFIX, value: {{ $root.Values.registry.prefix | quote }}}
{{ include "openpaas.secretEnv" (dict "root" $root "env" "OPENPAAS_REGISTRY_USERNAME" "key" "registry-username" "optional" true) }}
{{ include "openpaas.secretEnv" (dict "root" $root "env" "OPENPAAS_REGISTRY_PASSWORD" "key" "registry-password" "optional" true) }}
{{- end }}
{{- with $root.Values.coolify.url }}
- {name: OPENPAAS_COOLIFY_URL, value: {{ . | quote }}}
{{ include "openpaas.secretEnv" (dict "root" $root "env" "OPENPAAS_COOLIFY_API_KEY" "key" "coolify-api-key") }}
{{- end }}
{{- else if eq $name "deploy-service" }}
{{ include "openpaas.secretEnv" (dict "root" $root "env" "OPENPAAS_DEPLOY_CLUSTERS_CREDENTIALS_KEY" "key" "clusters-credentials-key") }}
{{- else if eq $name "secrets-service" }}
{{ include "openpaas.secretEnv" (dict "root" $root "env" "OPENPAAS_SECRETS_MASTER_KEY" "key" "secrets-master-key") }}
{{- with $root.Values.vault.url }}
- {name: OPENPAAS_VAULT_URL, value: {{ . | quote }}}
- {name: OPENPAAS_VAULT_MOUNT, value: {{ $root.Values.vault.mount | quote }}}
{{ include "openpaas.secretEnv" (dict "root" $root "env" "OPENPAAS_VAULT_TOKEN" "key" "vault-token") }}
{{- end }}
{{- else if eq $name "audit-service" }}
{{ include "openpaas.secretEnv" (dict "root" $root "env" "OPENPAAS_DATABASE_OWNER_PASSWORD" "key" "database-password-audit-owner") }}
{{- end }}
{{- end -}}
