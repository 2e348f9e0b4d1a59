// Bundles every policy module into one script with esbuild. Only the authoring API (`typemesh`) and
// relative imports of other policy modules resolve; anything else (node:fs, a package, a URL) is refused
// here, before any policy code runs: by esbuild's metafile when it bundles alone, else by the allow-list
// plugin.
import * as esbuild from "esbuild";
import { lstatSync, realpathSync } from "node:fs";
import path from "node:path";
import type { Diagnostic } from "../diagnostics/diagnostic.ts";
import { dslDir, dslEntry, sandboxCollector } from "./paths.ts";
import { relativePolicyPath } from "./policy-files.ts";

export const BUNDLE_NAME = "typemesh-policies.js";
export const RESULT_GLOBAL = "__typemeshDeclarations";

export interface PolicyBundle {
  code: string;
  sourceMap: string;
}

function entrySource(files: readonly string[]): string {
  const imports = files.map((file) => `import ${JSON.stringify(file)};`).join("\n");
  return `${imports}\nimport { collectDeclarations } from ${JSON.stringify(sandboxCollector)};\n` +
    `globalThis.${RESULT_GLOBAL} = collectDeclarations();\n`;
}

const REFUSED = (specifier: string, why: string): esbuild.OnResolveResult => ({
  errors: [{ text: `import "${specifier}" is not allowed: ${why}` }],
});
const ONLY_POLICY_MODULES = `policy modules may import only "typemesh" and other policy modules by relative path`;
// What a policy module is: TypeScript. Anything else esbuild would load (.json, .txt, .js) is data or
// code the type checker never saw.
const POLICY_SOURCE = /\.(c|m)?ts$/;
// Marks the resolution this plugin asks esbuild for, so that it does not come back to the plugin.
const NESTED = Symbol("typemesh nested resolve");

function isInside(dir: string, file: string): boolean {
  const relative = path.relative(dir, file);
  return relative !== "" && !relative.startsWith("..") && !path.isAbsolute(relative);
}

function realPath(file: string): string | undefined {
  try {
    return realpathSync(file);
  } catch {
    return undefined;
  }
}

/** What is at a path, without following a symbolic link there. */
function entryAt(file: string): "file" | "missing" | "other" {
  try {
    return lstatSync(file).isFile() ? "file" : "other";
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "ENOENT" ? "missing" : "other";
  }
}

/**
 * Where esbuild would resolve a relative import, when that is certain without asking it (each nested
 * build.resolve is a round trip to esbuild's process, most of the time of bundling a big repository):
 * the specifier names a TypeScript file, or names nothing and there is a ".ts" file and no ".tsx" for
 * it, which esbuild tries first; and that file is no symbolic link and lies under none (its real path
 * is itself). Anything else (directories, links, other extensions, errors) is left to esbuild.
 */
function plainPolicyModule(candidate: string): string | undefined {
  const exact = entryAt(candidate);
  let file: string | undefined;
  if (exact === "file" && POLICY_SOURCE.test(candidate)) file = candidate;
  else if (exact === "missing" && entryAt(`${candidate}.tsx`) === "missing" && entryAt(`${candidate}.ts`) === "file") file = `${candidate}.ts`;
  return file !== undefined && realPath(file) === file ? file : undefined;
}

// The allow-list's two rules, shared by the plugin (before esbuild resolves) and withinAllowList (on
// what esbuild resolved alone). `typemesh` itself is the callers' case: it must be the authoring API.

/** Why an import written as `specifier` (besides "typemesh") is refused, or undefined. */
function refusedSpecifier(root: string, resolveDir: string, specifier: string): string | undefined {
  if (!specifier.startsWith("./") && !specifier.startsWith("../")) return ONLY_POLICY_MODULES;
  return isInside(root, path.resolve(resolveDir, specifier)) ? undefined : ONLY_POLICY_MODULES;
}

/** Why a module an import landed on is refused, or undefined: a TypeScript file really inside. */
function refusedModule(realRoot: string, file: string): string | undefined {
  const real = realPath(file);
  // esbuild follows symlinks, and a link inside the directory can point anywhere
  // (policies/registry.json -> ~/.docker/config.json).
  if (!real || !isInside(realRoot, real)) return "it leads outside the policies directory (through a symbolic link)";
  return POLICY_SOURCE.test(real) ? undefined : `${ONLY_POLICY_MODULES}, and it is not a TypeScript module`;
}

/**
 * Where a policy module's import lands when the allow-list's plugin would let it in without asking
 * esbuild (plainPolicyModule), or undefined for anything else: the module sandbox of a compile session
 * (module-graph.ts) resolves imports this way and leaves every other case to the bundle.
 */
export function resolvePlainImport(root: string, importer: string, specifier: string): string | undefined {
  if (refusedSpecifier(root, path.dirname(importer), specifier)) return undefined;
  const plain = plainPolicyModule(path.resolve(path.dirname(importer), specifier));
  return plain !== undefined && isInside(realPath(root) ?? root, plain) ? plain : undefined;
}

/** Whether a file is a policy module the allow-list takes as it is: TypeScript, no link, inside. */
export function isPlainPolicyModule(root: string, file: string): boolean {
  return plainPolicyModule(file) === file && isInside(realPath(root) ?? root, file);
}

/** The modules of typemesh's own that a bundle always holds: not subject to the allow-list. */
function isInternal(file: string): boolean {
  return file.endsWith("<stdin>") || file === sandboxCollector || file.startsWith(dslDir + path.sep);
}

function sandboxImports(root: string): esbuild.Plugin {
  return {
    name: "typemesh-sandbox-imports",
    setup(build) {
      const realRoot = realPath(root) ?? root;
      build.onResolve({ filter: /.*/ }, async (args) => {
        if (args.pluginData === NESTED) return undefined;
        if (args.path === "typemesh") return { path: dslEntry };
        if (args.kind === "entry-point") return undefined;
        if (isInternal(args.importer)) return undefined;
        const written = refusedSpecifier(root, args.resolveDir, args.path);
        if (written) return REFUSED(args.path, written);
        const candidate = path.resolve(args.resolveDir, args.path);
        const plain = plainPolicyModule(candidate);
        if (plain !== undefined && isInside(realRoot, plain)) return { path: plain };
        // Where the import really lands (refusedModule).
        const resolved = await build.resolve(args.path, {
          kind: args.kind, importer: args.importer, resolveDir: args.resolveDir, pluginData: NESTED,
        });
        if (resolved.errors.length > 0 || resolved.external) return undefined; // esbuild reports it (TM0003)
        const landing = refusedModule(realRoot, resolved.path);
        return landing ? REFUSED(args.path, landing) : { path: resolved.path };
      });
    },
  };
}

function toDiagnostic(root: string, message: esbuild.Message): Diagnostic {
  const forbidden = message.pluginName === "typemesh-sandbox-imports";
  const loc = message.location;
  return {
    code: forbidden ? "TM0002" : "TM0003",
    severity: "error",
    message: message.text,
    ...(loc && {
      location: {
        file: relativePolicyPath(root, path.resolve(root, loc.file)),
        line: loc.line,
        column: loc.column + 1,
      },
    }),
    ...(forbidden && {
      hint: "policies are evaluated in a sandbox without files, network, environment or timers",
    }),
  };
}

/**
 * Whether a bundle esbuild made on its own (no plugin: `typemesh` aliased, the metafile kept) holds only
 * what the allow-list would have let in: every module of the policies' a TypeScript file really inside
 * the directory, every import in them written as `typemesh` (and landing on the authoring API) or as a
 * relative path inside. Anything else and the bundle is discarded unread, and the plugin decides.
 */
export function withinAllowList(root: string, metafile: esbuild.Metafile): boolean {
  const realRoot = realPath(root) ?? root;
  for (const [input, { imports }] of Object.entries(metafile.inputs)) {
    const file = path.resolve(root, input);
    if (isInternal(file)) continue;
    if (refusedModule(realRoot, file)) return false;
    for (const record of imports) {
      const written = record.original ?? "";
      if (record.external) return false;
      if (written === "typemesh" ? path.resolve(root, record.path) !== dslEntry : refusedSpecifier(root, path.dirname(file), written)) return false;
    }
  }
  return true;
}

type Mode = "metafile" | "allow-list";

function buildOptions(root: string, files: readonly string[], mode: Mode): esbuild.BuildOptions {
  return {
    stdin: { contents: entrySource(files), resolveDir: root, sourcefile: "<stdin>", loader: "ts" },
    absWorkingDir: root,
    bundle: true,
    write: false,
    format: "iife",
    platform: "neutral",
    target: "es2022",
    outfile: path.join(root, BUNDLE_NAME),
    sourcemap: "external",
    // Only positions are read from the map; the sources are on disk (and the map half the size).
    sourcesContent: false,
    logLevel: "silent",
    ...(mode === "allow-list" ? { plugins: [sandboxImports(root)] } : { alias: { typemesh: dslEntry }, metafile: true }),
  };
}

function readResult(result: esbuild.BuildResult): PolicyBundle {
  const files = result.outputFiles ?? [];
  const code = files.find((f) => f.path.endsWith(".js"))?.text ?? "";
  const sourceMap = files.find((f) => f.path.endsWith(".map"))?.text ?? "{}";
  return { code, sourceMap };
}

export type BundleOutcome = { bundle: PolicyBundle; diagnostics: [] } | { bundle?: undefined; diagnostics: Diagnostic[] };

function outcomeOf(root: string, run: () => Promise<esbuild.BuildResult>): Promise<BundleOutcome> {
  return run().then(
    (result) => ({ bundle: readResult(result), diagnostics: [] as [] }),
    (error: { errors?: esbuild.Message[] }) => {
      if (!error.errors) throw error;
      return { diagnostics: error.errors.map((m) => toDiagnostic(root, m)) };
    },
  );
}

/**
 * Bundles in two tries. First esbuild alone, with no plugin: the allow-list's resolve callbacks run on
 * this thread (half of a rebuild of 1,000 modules), and without them bundling proceeds in esbuild's own
 * process while the type check runs here. Its bundle is used only when its metafile shows nothing the
 * allow-list would refuse (withinAllowList); any doubt or error, and the bundle is made again with the
 * allow-list plugin, whose refusals (TM0002) and esbuild's errors (TM0003) are the ones reported. Either
 * way no policy code has run yet: evaluation comes after.
 */
async function twoTries(root: string, metafileRun: () => Promise<esbuild.BuildResult>, allowListRun: () => Promise<esbuild.BuildResult>): Promise<BundleOutcome> {
  const first = await metafileRun().catch(() => undefined);
  if (first?.metafile && withinAllowList(root, first.metafile)) return { bundle: readResult(first), diagnostics: [] };
  return outcomeOf(root, allowListRun);
}

export function bundlePolicies(root: string, files: readonly string[]): Promise<BundleOutcome> {
  return twoTries(root, () => esbuild.build(buildOptions(root, files, "metafile")), () => esbuild.build(buildOptions(root, files, "allow-list")));
}

/** An incremental bundler for --watch: the same options, kept warm between rebuilds. */
export interface IncrementalBundler {
  rebuild(files: readonly string[]): Promise<BundleOutcome>;
  dispose(): Promise<void>;
}

export function createIncrementalBundler(root: string): IncrementalBundler {
  const contexts = new Map<Mode, esbuild.BuildContext>();
  let entryKey = "";
  const context = async (mode: Mode, files: readonly string[]): Promise<esbuild.BuildContext> => {
    let found = contexts.get(mode);
    if (!found) {
      found = await esbuild.context(buildOptions(root, files, mode));
      contexts.set(mode, found);
    }
    return found;
  };
  const disposeAll = async () => {
    await Promise.all([...contexts.values()].map((c) => c.dispose()));
    contexts.clear();
  };
  return {
    async rebuild(files) {
      const key = files.join("\n");
      if (key !== entryKey) {
        await disposeAll();
        entryKey = key;
      }
      return twoTries(root,
        async () => (await context("metafile", files)).rebuild(),
        async () => (await context("allow-list", files)).rebuild());
    },
    dispose: disposeAll,
  };
}
