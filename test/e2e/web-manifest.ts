/** The `web` namespace and Deployment the end-to-end tests deploy (image radixdev.azurecr.io/web, glob:master-*). */
export const webManifest = (tag: string, replicas = 1): string => `apiVersion: v1
kind: Namespace
metadata:
  name: web
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: web
  annotations:
    fluxcd.io/automated: "true"
    filter.fluxcd.io/web: glob:master-*
spec:
  replicas: ${replicas}
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
        - name: web
          image: radixdev.azurecr.io/web:${tag}
`;
