// Validates emitted manifests against the official schemas: @kubernetes-models for Istio and Gateway API,
// Linkerd's own CRDs (read from ../shared/schemas/linkerd, never copied into the project) with ajv.
// On top, a pruning check: the API server silently drops fields its structural schema does not declare,
// and a silently dropped field is exactly what the emitters must never produce.
import { Ajv, type ErrorObject } from "ajv";
import { readFileSync, readdirSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { parseAllDocuments } from "yaml";
import { DestinationRule } from "@kubernetes-models/istio/networking.istio.io/v1beta1/DestinationRule";
import { VirtualService } from "@kubernetes-models/istio/networking.istio.io/v1beta1/VirtualService";
import { AuthorizationPolicy } from "@kubernetes-models/istio/security.istio.io/v1beta1/AuthorizationPolicy";
import { PeerAuthentication } from "@kubernetes-models/istio/security.istio.io/v1beta1/PeerAuthentication";
import { HTTPRoute } from "@kubernetes-models/gateway-api/gateway.networking.k8s.io/v1/HTTPRoute";
import { ReferenceGrant } from "@kubernetes-models/gateway-api/gateway.networking.k8s.io/v1beta1/ReferenceGrant";

const require = createRequire(import.meta.url);
export const repoRoot = path.resolve(path.dirname(new URL(import.meta.url).pathname), "../../..");
export const linkerdSchemaDir = path.resolve(repoRoot, "../shared/schemas/linkerd");

type Schema = Record<string, any>;
interface Checker { validate(object: object): string[]; schema: Schema }

/** The JSON schema a kubernetes-models module registers (a JSON literal in its source). */
function modelSchema(module: string): Schema {
  const text = readFileSync(require.resolve(module), "utf8");
  const start = text.indexOf("const schema = ") + "const schema = ".length;
  return JSON.parse(text.slice(start, text.indexOf("};\n", start) + 1));
}

function modelChecker(Model: new (data: any) => { validate(): void }, module: string): Checker {
  return {
    schema: modelSchema(module),
    validate(object) {
      try { new Model(object).validate(); return []; } catch (e) { return [(e as Error).message]; }
    },
  };
}

const ISTIO = "@kubernetes-models/istio";
const GATEWAY = "@kubernetes-models/gateway-api/gateway.networking.k8s.io";
const modelCheckers: Record<string, () => Checker> = {
  "networking.istio.io/v1beta1/VirtualService": () => modelChecker(VirtualService, `${ISTIO}/networking.istio.io/v1beta1/VirtualService`),
  "networking.istio.io/v1beta1/DestinationRule": () => modelChecker(DestinationRule, `${ISTIO}/networking.istio.io/v1beta1/DestinationRule`),
  "security.istio.io/v1beta1/PeerAuthentication": () => modelChecker(PeerAuthentication, `${ISTIO}/security.istio.io/v1beta1/PeerAuthentication`),
  "security.istio.io/v1beta1/AuthorizationPolicy": () => modelChecker(AuthorizationPolicy, `${ISTIO}/security.istio.io/v1beta1/AuthorizationPolicy`),
  "gateway.networking.k8s.io/v1/HTTPRoute": () => modelChecker(HTTPRoute, `${GATEWAY}/v1/HTTPRoute`),
  "gateway.networking.k8s.io/v1beta1/ReferenceGrant": () => modelChecker(ReferenceGrant, `${GATEWAY}/v1beta1/ReferenceGrant`),
};

function linkerdCheckers(): Record<string, () => Checker> {
  const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: false });
  const out: Record<string, () => Checker> = {};
  for (const file of readdirSync(linkerdSchemaDir).filter((f) => f.endsWith(".yaml"))) {
    for (const doc of parseAllDocuments(readFileSync(path.join(linkerdSchemaDir, file), "utf8"))) {
      const crd = doc.toJS();
      if (crd?.kind !== "CustomResourceDefinition") continue;
      for (const version of crd.spec.versions) {
        const schema = version.schema.openAPIV3Schema;
        out[`${crd.spec.group}/${version.name}/${crd.spec.names.kind}`] = () => {
          const validate = ajv.compile(schema);
          return { schema, validate: (object) => (validate(object) ? [] : (validate.errors ?? []).map((e: ErrorObject) => `${e.instancePath} ${e.message}`)) };
        };
      }
    }
  }
  return out;
}

const factories: Record<string, () => Checker> = { ...modelCheckers, ...linkerdCheckers() };
const cache = new Map<string, Checker>();

function alternatives(schema: Schema): Schema[] {
  return [schema, ...["oneOf", "anyOf", "allOf"].flatMap((k) => (Array.isArray(schema[k]) ? schema[k].flatMap(alternatives) : []))];
}

/** Paths of fields the API server would prune: not declared where the schema is structural. */
export function prunedFields(value: unknown, schema: Schema | undefined, at = ""): string[] {
  if (!schema || value === null || typeof value !== "object" || schema["x-kubernetes-preserve-unknown-fields"] || schema.$ref) return [];
  if (Array.isArray(value)) return value.flatMap((v, i) => prunedFields(v, schema.items, `${at}[${i}]`));
  const shapes = alternatives(schema);
  const properties = Object.assign({}, ...shapes.map((s) => s.properties ?? {}));
  const additional = shapes.map((s) => s.additionalProperties).find((a) => a !== undefined);
  return Object.entries(value).flatMap(([key, v]) => {
    // The API server keeps these at the root whatever the schema says.
    if (at === "" && ["apiVersion", "kind", "metadata"].includes(key)) return [];
    if (key in properties) return prunedFields(v, properties[key], `${at}.${key}`);
    if (additional === true) return [];
    if (additional && typeof additional === "object") return prunedFields(v, additional, `${at}.${key}`);
    return [`${at}.${key}`];
  });
}

/** Problems with one manifest: schema errors, then fields the API server would drop. */
export function checkManifest(object: { apiVersion?: string; kind?: string }): string[] {
  const key = `${object.apiVersion}/${object.kind}`;
  const factory = factories[key];
  if (!factory) return [`no schema for ${key}`];
  let checker = cache.get(key);
  if (!checker) { checker = factory(); cache.set(key, checker); }
  return [...checker.validate(object), ...prunedFields(object, checker.schema).map((p) => `would be pruned: ${p}`)];
}

export function knownSchemas(): string[] {
  return Object.keys(factories).sort();
}
