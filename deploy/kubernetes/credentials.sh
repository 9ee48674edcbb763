#!/usr/bin/env bash
# Creates (once) the two Secrets the chart and deploy/kubernetes/openpaas.yaml read, with fresh
# random values; nothing secret is kept in the repository (docs/delivery.md).
#   openpaas-credentials: database-password-<schema>, database-password-audit-owner,
#     nats-password-<service>, jwt-private-key, bootstrap-admin-token, secrets-master-key,
#     build-credentials-key, clusters-credentials-key (+ vault-token, registry-*, coolify-api-key: add your own)
#   openpaas-nats-auth: auth.conf, the NATS users and their permissions (deploy/nats/gen-auth.sh)
# It also prints the SQL-side step: run deploy/postgres/init-db.sh against your PostgreSQL with the
# same OPENPAAS_DB_PASSWORD_* (written to <out>/db-passwords.env, mode 0600).
# Usage: credentials.sh [namespace] [out dir]     (needs kubectl, openssl)
set -euo pipefail
NS="${1:-openpaas}"; OUT="${2:-$(mktemp -d)}"
HERE="$(cd "$(dirname "$0")" && pwd)"
umask 077
if kubectl -n "$NS" get secret openpaas-credentials >/dev/null 2>&1; then
  echo "openpaas-credentials exists in $NS: keeping it (delete it first to make new credentials)"; exit 0
fi
rnd() { head -c 48 /dev/urandom | base64 | tr -dc 'A-Za-z0-9' | head -c "${1:-32}"; }
"$HERE/../nats/gen-auth.sh" "$OUT"
openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$OUT/jwt-private.pem" 2>/dev/null
args=()
: > "$OUT/db-passwords.env"
for schema in projects builds deploys secrets audit audit_owner; do
  p="$(rnd)"; key="database-password-${schema//_/-}"
  args+=(--from-literal="$key=$p")
  echo "export OPENPAAS_DB_PASSWORD_$(echo "$schema" | tr 'a-z' 'A-Z')=$p" >> "$OUT/db-passwords.env"
done
for svc in gateway project-service build-service deploy-service secrets-service audit-service; do
  args+=(--from-file="nats-password-$svc=$OUT/nats/passwords/$svc")
done
kubectl create namespace "$NS" --dry-run=client -o yaml | kubectl apply -f -
kubectl -n "$NS" create secret generic openpaas-credentials "${args[@]}" \
  --from-file=jwt-private-key="$OUT/jwt-private.pem" \
  --from-literal=bootstrap-admin-token="opaas_admin_$(rnd 40)" \
  --from-literal=secrets-master-key="$(head -c 32 /dev/urandom | base64)" \
  --from-literal=build-credentials-key="$(head -c 32 /dev/urandom | base64)" \
  --from-literal=clusters-credentials-key="$(head -c 32 /dev/urandom | base64)"
kubectl -n "$NS" create secret generic openpaas-nats-auth --from-file=auth.conf="$OUT/nats/auth.conf"
echo "Secrets made in $NS. Now, with a superuser's PGHOST/PGUSER/PGPASSWORD:"
echo "  source $OUT/db-passwords.env && deploy/postgres/init-db.sh openpaas"
