// A synthetic policy repository for the compile benchmark: one mesh module and one module per service,
// in a directory per namespace, with routes (paths, headers, methods, query), percentage splits,
// timeouts, retries, faults, mirrors, resilience settings and cross-service authorization. The same
// seed gives byte-identical files, and every repository it writes checks clean.
//
//   node --import tsx bench/compile/generate.ts [--services 1000] [--out bench/compile/generated] [--seed 1]
import { existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import { callerGraph, type Service } from "./service-graph.ts";

export const DEFAULT_SERVICES = 1000;
export const DEFAULT_OUT = path.join(path.dirname(fileURLToPath(import.meta.url)), "generated");
// Written into every generated directory; the generator only ever empties a directory that has it.
const MARKER = ".typemesh-bench-generated";

/** The line the watch benchmark edits: the first service's catch-all split, 90/10 → 80/20 and back. */
export const EDIT_SPLIT = { before: "split: { v1: 90, v2: 10 }", after: "split: { v1: 80, v2: 20 }" };
export const EDIT_FILE = "storefront/web-0000.policy.ts";

export interface GeneratedRepository {
  dir: string;
  /** Policy files written, relative to dir. */
  files: string[];
  services: number;
  /** A service file containing EDIT_SPLIT.before exactly once. */
  editFile: string;
}

/** mulberry32: small, fast and the same everywhere. */
export function createRandom(seed: number) {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (min: number, max: number) => min + Math.floor(next() * (max - min + 1));
  const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)]!;
  return { next, int, pick, chance: (p: number) => next() < p };
}
export type Random = ReturnType<typeof createRandom>;

const q = (s: string) => JSON.stringify(s);
const ms = (n: number) => q(n % 1000 === 0 ? `${n / 1000}s` : `${n}ms`);

const SPLITS_2 = [[90, 10], [80, 20], [95, 5], [50, 50], [99, 1]] as const;
const SPLITS_3 = [[80, 15, 5], [70, 20, 10], [90, 5, 5]] as const;

function splitOf(versions: readonly string[], random: Random): string {
  const weights = versions.length >= 3 ? random.pick(SPLITS_3) : random.pick(SPLITS_2);
  return `{ ${versions.slice(0, weights.length).map((v, i) => `${v}: ${weights[i]}`).join(", ")} }`;
}

/** A timeout with retries whose worst case fits inside it (no TM1007). */
function timeoutAndRetries(random: Random): string {
  const timeout = random.pick([1000, 1500, 2000, 3000, 5000]);
  const attempts = random.int(1, 3);
  const perTry = Math.floor(timeout / (attempts + 1) / 50) * 50;
  const retryOn = random.pick([`["5xx"]`, `["5xx", "reset"]`, `["gateway-error", "connect-failure"]`, `["5xx", 429]`]);
  const backoff = random.chance(0.5) ? `, backoff: { base: "25ms", max: "250ms" }` : "";
  return `timeout: ${ms(timeout)},\n      retries: { attempts: ${attempts}, perTryTimeout: ${ms(perTry)}, retryOn: ${retryOn}${backoff} },`;
}

function routes(service: Service, random: Random, forceEditSplit: boolean): string[] {
  const { versions, resource } = service;
  const out: string[] = [];
  if (versions.length > 1) {
    out.push(`{
      name: "canary-testers",
      match: [
        { headers: { "x-canary": { exact: "always" } } },
        { headers: { cookie: { prefix: "canary=1" } } },
      ],
      to: ${q(versions[1]!)},
      headers: { request: { set: { "x-canary-route": "testers" } } },
    }`);
  }
  out.push(`{
      name: "read-${resource}",
      match: { path: { prefix: "/${resource}" }, method: ["GET", "HEAD"] },
      ${versions.length > 1 ? `split: ${splitOf(versions, random)}` : `to: "v1"`},
      ${timeoutAndRetries(random)}
    }`);
  const mirror = versions.length > 1 && random.chance(0.15)
    ? `\n      mirror: { to: () => ${service.id}.versions.${versions[1]}, percent: ${random.pick([1, 5, 10])} },` : "";
  out.push(`{
      name: "write-${resource}",
      match: { path: { exact: "/${resource}" }, method: ["POST", "PUT"], headers: { "idempotency-key": { present: true } } },
      to: "v1",
      timeout: ${ms(random.pick([2000, 3000, 5000]))},
      // Safe only because the service deduplicates on the idempotency key the match requires.
      retries: { attempts: 1, perTryTimeout: "1s", retryOn: ["connect-failure"], retryNonIdempotent: true },${mirror}
    }`);
  out.push(`{
      name: "${resource}-by-id",
      match: { path: { regex: "^/${resource}/[0-9a-f]{8,32}$" }, method: "GET", query: { view: { exact: "full" } } },
      to: "v1",
      timeout: ${ms(random.pick([300, 500, 800]))},
    }`);
  if (random.chance(0.2)) {
    out.push(`{
      name: "chaos",
      match: { headers: { "x-chaos": { regex: "^(delay|abort)$" } } },
      to: "v1",
      fault: { delay: { fixed: "200ms", percent: 50 }, abort: { status: 503, percent: 10 } },
    }`);
  }
  const fallback = forceEditSplit ? EDIT_SPLIT.before.replace("split: ", "")
    : versions.length > 1 ? splitOf(versions, random) : undefined;
  out.push(`{
      name: "default",
      ${fallback ? `split: ${fallback}` : `to: "v1"`},
      timeout: ${ms(random.pick([1000, 2000, 3000]))},
      headers: { response: { set: { "x-served-by": ${q(service.name)} }, remove: ["x-powered-by"] } },
    }`);
  return out;
}

// The thunk's return type is written out: with two thunks in one declaration, TypeScript compares them
// (array literals are reduced to their best common type) and would infer through the import cycle.
function reference(to: Service, lazy: boolean): string {
  return lazy ? `(): ServiceRef => ${to.id}` : to.id;
}

function authorization(service: Service, callers: readonly { service: Service; lazy: boolean }[], random: Random): string {
  const refs = callers.map((c) => reference(c.service, c.lazy));
  const rules = [`{ from: [${refs.join(", ")}], methods: ["GET", "HEAD"], paths: ["/${service.resource}", "/${service.resource}/*"] }`];
  if (refs.length > 1) rules.push(`{ from: [${refs[0]}], methods: ["POST", "PUT"], paths: ["/${service.resource}"] }`);
  rules.push(`{ methods: ["GET"], paths: ["/healthz"] }`);
  const deny = random.chance(0.3) ? `\n    deny: [{ paths: ["/admin/*"] }],` : "";
  return `{\n    allow: [\n      ${rules.join(",\n      ")},\n    ],${deny}\n  }`;
}

function serviceModule(service: Service, callers: readonly { service: Service; lazy: boolean }[], random: Random, forceEditSplit: boolean): string {
  const imports = callers.map(({ service: other }) =>
    `import { ${other.id} } from ${q(relativeImport(service, other))};`);
  const versions = service.versions.map((v, i) =>
    `${v}: { labels: { track: ${q(i === 0 ? "stable" : i === 1 ? "canary" : "shadow")} } }`);
  const resilience = random.chance(0.4) ? `
  connectionLimits: { maxConnections: ${random.pick([100, 200, 500])}, maxPendingRequests: 50, maxRequests: ${random.pick([200, 1000])} },
  outlierDetection: { consecutive5xx: ${random.int(3, 7)}, interval: "10s", baseEjectionTime: "30s", maxEjectionPercent: 50 },` : "";
  const balancing = random.chance(0.3) ? `\n  loadBalancer: "least-request",` : "";
  const mtls = random.chance(0.1) ? `\n  mtls: "permissive",` : "";
  return `// ${service.name} (namespace ${service.namespace}): generated by bench/compile/generate.ts.
import { defineService${callers.some((c) => c.lazy) ? ", type ServiceRef" : ""} } from "typemesh";
${imports.join("\n")}${imports.length > 0 ? "\n" : ""}
export const ${service.id} = defineService({
  name: ${q(service.name)},
  namespace: ${q(service.namespace)},
  port: ${service.port},
  versions: { ${versions.join(", ")} },${resilience}${balancing}${mtls}
  routes: [
    ${routes(service, random, forceEditSplit).join(",\n    ")},
  ],
  authorization: ${authorization(service, callers, random)},
});
`;
}

function relativeImport(from: Service, to: Service): string {
  const relative = path.posix.relative(path.posix.dirname(from.file), to.file).replace(/\.ts$/, "");
  return relative.startsWith(".") ? relative : `./${relative}`;
}

function prepare(dir: string): void {
  if (existsSync(dir) && readdirSync(dir).length > 0 && !existsSync(path.join(dir, MARKER))) {
    throw new Error(`${dir} is not empty and was not written by the generator; refusing to overwrite it`);
  }
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, MARKER), "written by bench/compile/generate.ts; emptied on each run\n");
}

export function generatePolicyRepository(
  options: { dir?: string; services?: number; seed?: number } = {},
): GeneratedRepository {
  const dir = path.resolve(options.dir ?? DEFAULT_OUT);
  const count = options.services ?? DEFAULT_SERVICES;
  if (!Number.isInteger(count) || count < 2) throw new Error(`--services must be a whole number ≥ 2, not ${count}`);
  const random = createRandom(options.seed ?? 1);
  const { services, callers } = callerGraph(count, random);
  prepare(dir);
  const files = ["mesh.policy.ts"];
  writeFileSync(path.join(dir, "mesh.policy.ts"),
    `// Mesh-wide defaults: generated by bench/compile/generate.ts.\nimport { defineMesh } from "typemesh";\n\n` +
    `export const mesh = defineMesh({ trustDomain: "bench.typemesh.local", mtls: "strict" });\n`);
  services.forEach((service, i) => {
    mkdirSync(path.join(dir, path.dirname(service.file)), { recursive: true });
    writeFileSync(path.join(dir, service.file), serviceModule(service, callers[i]!, random, i === 0));
    files.push(service.file);
  });
  if (services[0]!.file !== EDIT_FILE) throw new Error(`the first service is ${services[0]!.file}, not ${EDIT_FILE}`);
  return { dir, files: files.sort(), services: count, editFile: EDIT_FILE };
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  const { values } = parseArgs({
    options: {
      services: { type: "string", default: String(DEFAULT_SERVICES) },
      out: { type: "string", default: DEFAULT_OUT },
      seed: { type: "string", default: "1" },
    },
  });
  const repository = generatePolicyRepository({ dir: values.out, services: Number(values.services), seed: Number(values.seed) });
  console.log(`wrote ${repository.files.length} policy files (${repository.services} services) to ${path.relative(process.cwd(), repository.dir) || "."}`);
}
