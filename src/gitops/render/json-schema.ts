// JSON Schema of the ImpactReport (schemaVersion 1), for reading a plan.json that may come from an
// untrusted job. It checks what renderers rely on (types, enums, required fields), not every wording.
import { Type } from "@sinclair/typebox";

const Str = Type.String({ maxLength: 100_000 });
const Location = Type.Object({ file: Str, line: Type.Integer({ minimum: 1 }), column: Type.Integer({ minimum: 1 }) });
const Diagnostic = Type.Object({
  code: Str, severity: Type.Union([Type.Literal("error"), Type.Literal("warning")]), message: Str,
  location: Type.Optional(Location), hint: Type.Optional(Str),
});
const Side = Type.Object({ ref: Str, commit: Type.Optional(Str), compiled: Type.Boolean(), diagnostics: Type.Array(Diagnostic) });
const RiskCode = Type.Union(["authz-widened", "mtls-weakened", "non-idempotent-retry", "no-endpoints", "unreachable-route", "emit-unsupported"].map((c) => Type.Literal(c)));
const Risk = Type.Object({ code: RiskCode, service: Str, route: Type.Optional(Str), message: Str, location: Type.Optional(Location) });
const Change = Type.Object({ kind: Str, route: Type.Optional(Str), summary: Str, location: Type.Optional(Location) });
const RouteRow = Type.Object({
  index: Type.Integer({ minimum: 0 }), name: Str, match: Str, to: Str, timeout: Str, retries: Str, worstCase: Str, extras: Type.Array(Str),
  status: Type.Union(["unchanged", "added", "removed", "changed", "moved"].map((s) => Type.Literal(s))),
});
const Level = Type.Union([Type.Literal("all"), Type.Literal("some"), Type.Literal("none")]);
const Access = Type.Object({ level: Level, detail: Str });
const Count = Type.Integer({ minimum: 0 });

export const ImpactReportSchema = Type.Object({
  schemaVersion: Type.Literal(1),
  verdict: Type.Union([Type.Literal("no-change"), Type.Literal("change"), Type.Literal("error")]),
  headline: Str,
  policiesPath: Str,
  base: Side,
  head: Side,
  counts: Type.Object({ servicesAdded: Count, servicesRemoved: Count, servicesChanged: Count, routesAdded: Count, routesRemoved: Count, routesChanged: Count }),
  risks: Type.Array(Risk),
  mesh: Type.Array(Change),
  services: Type.Array(Type.Object({
    id: Str, status: Type.Union([Type.Literal("added"), Type.Literal("removed"), Type.Literal("changed")]),
    changes: Type.Array(Change), routes: Type.Array(RouteRow), location: Type.Optional(Location),
  })),
  authz: Type.Object({
    callers: Type.Array(Str), services: Type.Array(Str),
    cells: Type.Array(Type.Object({ caller: Str, service: Str, before: Type.Optional(Access), after: Type.Optional(Access), changed: Type.Boolean() })),
  }),
  blastRadius: Type.Array(Type.Object({
    service: Str, callers: Type.Array(Str), anyCaller: Type.Boolean(),
    live: Type.Optional(Type.Object({ totalRps: Type.Number(), edges: Type.Array(Type.Object({ caller: Str, rps: Type.Number() })), shifts: Type.Array(Str) })),
  })),
  liveTraffic: Type.Object({ source: Type.Optional(Str), status: Type.Union([Type.Literal("not-requested"), Type.Literal("ok"), Type.Literal("unreachable")]), error: Type.Optional(Str) }),
  emitLimits: Type.Array(Risk),
  replay: Type.Optional(Type.Object({
    samples: Count, changedDestination: Count, changedAuthorization: Count, unreadable: Count,
    examples: Type.Array(Type.Object({ request: Type.Record(Type.String(), Type.Unknown()), before: Str, after: Str })),
  })),
});
