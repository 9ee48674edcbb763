#!/usr/bin/env bash
# Writes deploy/kubernetes/openpaas.yaml: the chart deploy/helm/openpaas rendered with its default
# values by Helm's own engine (helm-java, from Maven Central), through DeliveryFilesTest, which
# also checks in every test run that the file is still what the chart renders.
set -euo pipefail
cd "$(dirname "$0")/../.."
mvn -B -q -o -pl gateway test -Dtest=DeliveryFilesTest#theChartRendersTheManifestsKeptInTheRepository \
  -Dopenpaas.delivery.write=true -Dsurefire.failIfNoSpecifiedTests=false -DskipITs
echo "wrote deploy/kubernetes/openpaas.yaml"
