{{/* Names and labels follow the Go provider's chart so an in-place `helm upgrade` keeps the DaemonSet's selector. */}}

{{- define "provider.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* Release name alone when it already contains the chart name, else "<release>-<name>"; at most 63 characters. */}}
{{- define "provider.fullname" -}}
{{- if .Values.fullnameOverride -}}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- $name := default .Chart.Name .Values.nameOverride -}}
{{- if contains $name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{/* The selector label: `app` as in the Go chart (a DaemonSet's selector cannot change on upgrade). */}}
{{- define "provider.selectorLabels" -}}
app: {{ include "provider.name" . }}
{{- end -}}

{{- define "provider.labels" -}}
{{ include "provider.selectorLabels" . }}
app.kubernetes.io/name: {{ include "provider.name" . }}
app.kubernetes.io/instance: {{ .Release.Name | quote }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service | quote }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | quote }}
{{- end -}}

{{- define "provider.serviceAccountName" -}}
{{- .Values.serviceAccount.name | default "default" -}}
{{- end -}}

{{- define "provider.image" -}}
{{- printf "%s:%s" .Values.linux.image.repository (.Values.linux.image.tag | default .Chart.AppVersion) -}}
{{- end -}}

{{/* The mount path of the extra CA bundle ConfigMap inside the container. */}}
{{- define "provider.extraCADir" -}}/etc/provider-azure/extra-ca{{- end -}}

{{/*
Values this chart cannot honour fail the render with a message that says what to do, instead of installing
something that silently differs from what the values file asked for.
*/}}
{{- define "provider.validate" -}}
{{- if .Values.windows.enabled -}}
{{- fail "windows.enabled=true is not supported: this provider runs on Linux nodes only. Set windows.enabled=false and keep the Go provider's chart for Windows node pools." -}}
{{- end -}}
{{- if .Values.enableArcExtension -}}
{{- fail "enableArcExtension=true is not supported: this chart does not install the Azure Arc extension's logging, monitoring and proxy objects. Set enableArcExtension=false." -}}
{{- end -}}
{{- if dig "proxySettings" "isProxyEnabled" false (.Values.Azure | default dict) -}}
{{- fail "Azure.proxySettings.isProxyEnabled=true (the Go chart's Azure Arc proxy settings) is not supported: set proxy.httpsProxy, proxy.httpProxy, proxy.noProxy and, for a proxy's CA, extraCABundle.configMapName." -}}
{{- end -}}
{{- if .Values.rbac.pspEnabled -}}
{{- fail "rbac.pspEnabled=true is not supported: PodSecurityPolicy was removed in Kubernetes 1.25. Set rbac.pspEnabled=false and use Pod Security Admission (the provider pod meets the baseline level)." -}}
{{- end -}}
{{- $driver := index .Values "secrets-store-csi-driver" -}}
{{- $driverDir := dig "linux" "providersDir" "" $driver -}}
{{- if and $driver.install .Values.linux.enabled $driverDir (ne $driverDir .Values.linux.providersDir) -}}
{{- fail (printf "secrets-store-csi-driver.linux.providersDir %q differs from linux.providersDir %q: the driver would never find azure.sock. Set both to the same directory." $driverDir .Values.linux.providersDir) -}}
{{- end -}}
{{- if .Values.linux.enabled -}}
{{- if not .Values.linux.image.repository -}}
{{- fail "linux.image.repository is empty: build the image from this repository's Dockerfile, push it to your registry and set linux.image.repository (and linux.image.tag)." -}}
{{- end -}}
{{- if regexMatch "(^|/)azure/secrets-store/provider-azure$" .Values.linux.image.repository -}}
{{- fail (printf "linux.image.repository %q is the Go provider's image, which does not accept this chart's flags. Remove linux.image from the values file taken from the Go chart and set it to this provider's image." .Values.linux.image.repository) -}}
{{- end -}}
{{- if and .Values.serviceAccount.create (not .Values.serviceAccount.name) -}}
{{- fail "serviceAccount.name is empty: set the name of the ServiceAccount to create." -}}
{{- end -}}
{{- end -}}
{{- end -}}
