// Checks HTTP requests against GitHub's published REST description (@octokit/openapi): the operation
// must exist, path and query parameters must be declared and of the right type, and the JSON body must
// match the operation's request schema. Used by the local GitHub API server the GitOps tests run.
import { Ajv, type ValidateFunction } from "ajv";
import { createRequire } from "node:module";

interface Parameter { name: string; in: "path" | "query" | "header"; required?: boolean; schema?: object; $ref?: string }
interface Operation { operationId: string; parameters?: Parameter[]; requestBody?: { required?: boolean; content?: Record<string, { schema: object }> } }
interface Spec { paths: Record<string, Record<string, Operation>>; components: { parameters: Record<string, Parameter> } }

export interface MatchedOperation { operationId: string; template: string; params: Record<string, string>; problems: string[] }

const spec = createRequire(import.meta.url)("@octokit/openapi/generated/api.github.com.json") as Spec;
const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: false, logger: false });
ajv.addSchema(spec as object, "github");
const compiled = new Map<string, ValidateFunction>();

const pointer = (...parts: string[]) => `github#/${parts.map((p) => p.replace(/~/g, "~0").replace(/\//g, "~1")).join("/")}`;

function validator(ref: string): ValidateFunction {
  let v = compiled.get(ref);
  if (!v) {
    v = ajv.compile({ $ref: ref });
    compiled.set(ref, v);
  }
  return v;
}

const templates = Object.keys(spec.paths).map((template) => {
  const names: string[] = [];
  const source = template.replace(/[.*+?^$()|[\]\\]/g, "\\$&").replace(/\\?\{([^}]+)\\?\}/g, (_m, name: string) => { names.push(name); return "([^/]+)"; });
  return { template, names, regex: new RegExp(`^${source}$`), literals: template.split("/").filter((s) => s && !s.startsWith("{")).length };
}).sort((a, b) => b.literals - a.literals);

function resolveParameter(p: Parameter): Parameter {
  return p.$ref ? spec.components.parameters[p.$ref.split("/").pop()!]! : p;
}

function coerce(value: string, schema: { type?: string } | undefined): unknown {
  if (schema?.type === "integer" || schema?.type === "number") return /^-?\d+(\.\d+)?$/.test(value) ? Number(value) : value;
  if (schema?.type === "boolean") return value === "true" ? true : value === "false" ? false : value;
  return value;
}

export function checkRequest(method: string, url: URL, body: unknown): MatchedOperation | undefined {
  const verb = method.toLowerCase();
  for (const t of templates) {
    const m = t.regex.exec(url.pathname);
    const operation = m && spec.paths[t.template]![verb];
    if (!m || !operation) continue;
    const params = Object.fromEntries(t.names.map((n, i) => [n, decodeURIComponent(m[i + 1]!)]));
    const problems: string[] = [];
    const declared = (operation.parameters ?? []).map(resolveParameter);
    for (const p of declared) {
      const raw = p.in === "path" ? params[p.name] : p.in === "query" ? url.searchParams.get(p.name) ?? undefined : undefined;
      if (raw === undefined) {
        if (p.required && p.in !== "header") problems.push(`missing ${p.in} parameter ${p.name}`);
        continue;
      }
      if (p.in === "header" || !p.schema) continue;
      const check = ajv.compile(p.schema);
      if (!check(coerce(raw, p.schema as { type?: string }))) problems.push(`${p.in} parameter ${p.name}=${raw}: ${ajv.errorsText(check.errors)}`);
    }
    for (const key of url.searchParams.keys()) {
      if (!declared.some((p) => p.in === "query" && p.name === key)) problems.push(`undeclared query parameter ${key}`);
    }
    const content = operation.requestBody?.content?.["application/json"];
    if (content) {
      if (body === undefined) {
        if (operation.requestBody?.required) problems.push("missing JSON body");
      } else {
        const v = validator(pointer("paths", t.template, verb, "requestBody", "content", "application/json", "schema"));
        if (!v(body)) problems.push(`body: ${ajv.errorsText(v.errors, { separator: "; " })}`);
      }
    } else if (body !== undefined) problems.push("operation takes no JSON body");
    return { operationId: operation.operationId, template: t.template, params, problems };
  }
  return undefined;
}
