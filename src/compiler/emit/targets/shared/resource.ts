// A Kubernetes object as the emitters build it: plain data, namespaced, labelled as typemesh's so a
// GitOps engine can prune what typemesh no longer emits.
export interface Resource {
  apiVersion: string;
  kind: string;
  metadata: {
    name: string;
    namespace: string;
    labels: Record<string, string>;
    annotations?: Record<string, string>;
  };
  spec: Record<string, unknown>;
}

export const MANAGED_BY = { "app.kubernetes.io/managed-by": "typemesh" } as const;

export function resource(
  apiVersion: string,
  kind: string,
  meta: { name: string; namespace: string; annotations?: Record<string, string> },
  spec: Record<string, unknown>,
): Resource {
  const annotations = meta.annotations && Object.keys(meta.annotations).length > 0 ? meta.annotations : undefined;
  return {
    apiVersion,
    kind,
    metadata: { name: meta.name, namespace: meta.namespace, labels: { ...MANAGED_BY }, ...(annotations && { annotations }) },
    spec,
  };
}
