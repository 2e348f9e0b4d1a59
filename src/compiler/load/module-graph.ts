// The policy modules of a directory one by one, for the module sandbox of a compile session: each
// module's text, esbuild's CommonJS transform of it and where each of its imports lands. Only what the
// bundle's allow-list takes without doubt is taken here (bundle.ts, resolvePlainImport); anything else
// (a link, a directory import, another extension, a syntax error) answers undefined, and the session
// stays on the one-shot pipeline, whose bundle reports it.
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { SourceMap } from "node:module";
import path from "node:path";
import * as esbuild from "esbuild";
import type { SourceLocation } from "../diagnostics/diagnostic.ts";
import { isPlainPolicyModule, resolvePlainImport } from "./bundle.ts";
import { relativePolicyPath } from "./policy-files.ts";
import type { TransformCache } from "./transform-cache.ts";

export interface PolicyModule {
  /** Path relative to the policies directory, with "/": the module's name in the sandbox and its stacks. */
  id: string;
  file: string;
  text: string;
  /** Of the transformed code: the sandbox compiles a module again only when it changes. */
  hash: string;
  code: string;
  /** esbuild's source map of the transform, parsed on first use. */
  map: string;
  /** Import specifiers in the order written ("typemesh" included). */
  specifiers: string[];
  /** Each relative specifier → the id of the module it resolves to. */
  imports: Record<string, string>;
}

// esbuild writes every import of its CommonJS output as require("…") with a JSON-style string. A
// `require("…")` inside a policy's own string literal is found too: that only adds an edge, which
// makes the session re-describe more modules, never fewer.
const REQUIRE = /\brequire\(("(?:[^"\\\n]|\\.)*")\)/g;
// What else of CommonJS esbuild's output names: `module.exports` once for the exports, once more for
// each `export * from`.
const GENERATED_EXPORTS = [/^module\.exports = __toCommonJS\(\w+\);$/gm, /\b__reExport\(\w+, require\("(?:[^"\\\n]|\\.)*"\), module\.exports\);/g];
const count = (text: string, pattern: RegExp) => text.match(new RegExp(pattern.source, pattern.flags.includes("g") ? pattern.flags : `${pattern.flags}g`))?.length ?? 0;

/**
 * Whether a module names `require`, `module` or `exports` only where esbuild's transform put them, and
 * `arguments` not at all. In the sandbox the first three are its wrapper's parameters (and `arguments`
 * at the top level its arguments); in the bundle they do not exist, so a policy that names them itself
 * (`typeof module`) must be evaluated by the bundle.
 */
function onlyGeneratedCommonJs(code: string, requires: number): boolean {
  const generated = GENERATED_EXPORTS.reduce((sum, pattern) => sum + count(code, pattern), 0);
  return count(code, /\brequire\b/) === requires && count(code, /\bmodule\b/) === generated &&
    count(code, /\bexports\b/) === generated && count(code, /\barguments\b/) === 0;
}

export function readModuleText(file: string): string | undefined {
  try {
    return readFileSync(file, "utf8");
  } catch {
    return undefined;
  }
}

const TRANSFORM_OPTIONS = {
  loader: "ts", format: "cjs", target: "es2022", platform: "neutral", sourcemap: "external", sourcesContent: false, logLevel: "silent",
} as const satisfies esbuild.TransformOptions;

/** What a transform cache's entries depend on besides a module's name and text (transform-cache.ts). */
export const TRANSFORMS_MADE_BY = `esbuild ${esbuild.version} ${JSON.stringify(TRANSFORM_OPTIONS)}`;

/** esbuild's transform of one module, or undefined if it fails or warns. */
async function transformed(id: string, text: string, cache: TransformCache | undefined): Promise<{ code: string; map: string } | undefined> {
  const known = cache?.get(id, text);
  if (known) return known;
  let result: esbuild.TransformResult;
  try {
    result = await esbuild.transform(text, { ...TRANSFORM_OPTIONS, sourcefile: id });
  } catch {
    return undefined;
  }
  // A warning can be a difference from the bundle (import.meta, a direct eval): leave it to the bundle.
  if (result.warnings.length > 0) return undefined;
  const made = { code: result.code, map: result.map };
  cache?.set(id, text, made);
  return made;
}

/** Transforms and resolves one module; undefined when the bundle has to decide (see above). */
export async function transformModule(root: string, file: string, text: string, cache?: TransformCache): Promise<PolicyModule | undefined> {
  if (!isPlainPolicyModule(root, file)) return undefined;
  const id = relativePolicyPath(root, file);
  const result = await transformed(id, text, cache);
  if (!result) return undefined;
  const specifiers: string[] = [];
  const imports: Record<string, string> = {};
  for (const match of result.code.matchAll(REQUIRE)) {
    const specifier = JSON.parse(match[1]!) as string;
    specifiers.push(specifier);
    if (specifier === "typemesh") continue;
    const target = resolvePlainImport(root, file, specifier);
    if (target === undefined) return undefined;
    imports[specifier] = relativePolicyPath(root, target);
  }
  if (!onlyGeneratedCommonJs(result.code, specifiers.length)) return undefined;
  const hash = createHash("sha1").update(result.code).digest("hex");
  return { id, file, text, hash, code: result.code, map: result.map, specifiers, imports };
}

/** Every module the entries reach through their imports, transformed; undefined if any cannot be. */
export async function readModuleGraph(root: string, entries: readonly string[], cache?: TransformCache): Promise<Map<string, PolicyModule> | undefined> {
  const modules = new Map<string, PolicyModule>();
  let frontier = [...entries];
  while (frontier.length > 0) {
    const read = await Promise.all(frontier.map(async (file) => {
      const text = readModuleText(file);
      return text === undefined ? undefined : transformModule(root, file, text, cache);
    }));
    if (read.some((m) => m === undefined)) return undefined;
    for (const module of read as PolicyModule[]) modules.set(module.id, module);
    frontier = [...new Set((read as PolicyModule[]).flatMap((m) => Object.values(m.imports)))]
      .filter((id) => !modules.has(id))
      .map((id) => path.join(root, ...id.split("/")));
  }
  return modules;
}

/** Which modules import each module, directly. */
export function importersOf(modules: ReadonlyMap<string, PolicyModule>): Map<string, Set<string>> {
  const importers = new Map<string, Set<string>>();
  for (const module of modules.values()) {
    for (const target of Object.values(module.imports)) {
      let set = importers.get(target);
      if (!set) importers.set(target, set = new Set());
      set.add(module.id);
    }
  }
  return importers;
}

/** The modules given and every module that imports one of them, transitively. */
export function withImporters(ids: Iterable<string>, importers: ReadonlyMap<string, ReadonlySet<string>>): Set<string> {
  const reached = new Set(ids);
  const queue = [...reached];
  while (queue.length > 0) {
    for (const importer of importers.get(queue.pop()!) ?? []) {
      if (!reached.has(importer)) {
        reached.add(importer);
        queue.push(importer);
      }
    }
  }
  return reached;
}

const FRAME = /typemesh-module:(.+?):(\d+):(\d+)/;
const parsedMaps = new WeakMap<PolicyModule, SourceMap>();

/** The innermost frame of a stack that lies in a policy module, mapped to the module's source. */
export function moduleFrame(stack: string, modules: ReadonlyMap<string, PolicyModule>): SourceLocation | undefined {
  for (const line of stack.split("\n")) {
    const match = FRAME.exec(line);
    const module = match ? modules.get(match[1]!) : undefined;
    if (!module) continue;
    let map = parsedMaps.get(module);
    if (!map) parsedMaps.set(module, map = new SourceMap(JSON.parse(module.map)));
    const entry = map.findEntry(Number(match![2]) - 1, Number(match![3]) - 1) as { originalLine?: number; originalColumn?: number };
    if (entry.originalLine === undefined) continue;
    return { file: module.id, line: entry.originalLine + 1, column: (entry.originalColumn ?? 0) + 1 };
  }
  return undefined;
}
