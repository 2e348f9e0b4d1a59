// One DestinationRule per service: a subset per version (selected by the version's labels), the
// balancing algorithm, connection limits and outlier detection, and Istio mutual TLS to every subset.
import type { ServiceIR } from "../../../ir/schema.ts";
import { istioDuration } from "../shared/durations.ts";
import { serviceHost } from "../shared/names.ts";
import type { TargetReport } from "../shared/report.ts";
import { resource, type Resource } from "../shared/resource.ts";
import { ISTIO_NETWORKING } from "./virtual-service.ts";

const BALANCER = { "round-robin": "ROUND_ROBIN", "least-request": "LEAST_REQUEST" } as const;

function connectionPool(limits: ServiceIR["connectionLimits"]): Record<string, unknown> | undefined {
  if (!limits) return undefined;
  const tcp = limits.maxConnections !== undefined ? { maxConnections: limits.maxConnections } : undefined;
  const http = {
    ...(limits.maxPendingRequests !== undefined && { http1MaxPendingRequests: limits.maxPendingRequests }),
    ...(limits.maxRequests !== undefined && { http2MaxRequests: limits.maxRequests }),
  };
  return { ...(tcp && { tcp }), ...(Object.keys(http).length > 0 && { http }) };
}

export function destinationRule(service: ServiceIR, clusterDomain: string, report: TargetReport): Resource {
  const outlier = service.outlierDetection;
  const pool = connectionPool(service.connectionLimits);
  if (outlier && !Number.isInteger(outlier.maxEjectionPercent)) {
    report.report("TM3008", service.source, `${service.id} ejects at most ${outlier.maxEjectionPercent}% of endpoints, but Istio takes whole percentages: written as ${Math.floor(outlier.maxEjectionPercent)}%`);
  }
  return resource(ISTIO_NETWORKING, "DestinationRule", { name: service.name, namespace: service.namespace }, {
    host: serviceHost(service, clusterDomain),
    subsets: service.versions.map((v) => ({ name: v.name, labels: v.labels })),
    trafficPolicy: {
      loadBalancer: { simple: BALANCER[service.loadBalancer] },
      ...(pool && Object.keys(pool).length > 0 && { connectionPool: pool }),
      ...(outlier && {
        outlierDetection: {
          consecutive5xxErrors: outlier.consecutive5xx,
          interval: istioDuration(outlier.intervalMs),
          baseEjectionTime: istioDuration(outlier.baseEjectionTimeMs),
          maxEjectionPercent: Math.floor(outlier.maxEjectionPercent),
        },
      }),
      tls: { mode: "ISTIO_MUTUAL" },
    },
  });
}
