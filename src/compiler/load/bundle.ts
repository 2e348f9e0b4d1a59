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

function sandboxImports(root: string): esbuild.Plugin {
  return {
    name: "typemesh-sandbox-imports",
    setup(build) {
      const realRoot = realPath(root) ?? root;
      build.onResolve({ filter: /.*/ }, async (args) => {
        if (args.pluginData === NESTED) return undefined;
        if (args.path === "typemesh") return { path: dslEntry };
        if (args.kind === "entry-point") return undefined;
        const internal = args.importer.endsWith("<stdin>") || args.importer.startsWith(dslDir) ||
          args.importer === sandboxCollector;
        if (internal) return undefined;
        if (!args.path.startsWith("./") && !args.path.startsWith("../")) return REFUSED(args.path, ONLY_POLICY_MODULES);
        const candidate = path.resolve(args.resolveDir, args.path);
        if (!isInside(root, candidate)) return REFUSED(args.path, ONLY_POLICY_MODULES);
        const plain = plainPolicyModule(candidate);
        if (plain !== undefined && isInside(realRoot, plain)) return { path: plain };
        // Where the import really lands: esbuild follows symlinks, and a link inside the directory can
        // point anywhere (policies/registry.json -> ~/.docker/config.json).
        const resolved = await build.resolve(args.path, {
          kind: args.kind, importer: args.importer, resolveDir: args.resolveDir, pluginData: NESTED,
        });
        if (resolved.errors.length > 0 || resolved.external) return undefined; // esbuild reports it (TM0003)
        const real = realPath(resolved.path);
        if (!real || !isInside(realRoot, real)) {
          return REFUSED(args.path, "it leads outside the policies directory (through a symbolic link)");
        }
        if (!POLICY_SOURCE.test(real)) return REFUSED(args.path, `${ONLY_POLICY_MODULES}, and it is not a TypeScript module`);
        return { path: resolved.path };
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
 * what the allow-list would have let in: the entry, the authoring API and the sandbox collector, and
 * TypeScript modules inside the directory (no symbolic link on the way) imported as `typemesh` or by a
 * relative path. Anything else and the bundle is discarded unread, and the allow-list decides.
 */
export function withinAllowList(root: string, metafile: esbuild.Metafile): boolean {
  const realRoot = realPath(root) ?? root;
  for (const [input, { imports }] of Object.entries(metafile.inputs)) {
    if (input === "<stdin>") continue;
    const file = path.resolve(root, input);
    if (file === sandboxCollector || file.startsWith(dslDir + path.sep)) continue;
    if (!POLICY_SOURCE.test(file) || realPath(file) !== file || !isInside(realRoot, file)) return false;
    for (const record of imports) {
      const written = record.original ?? "";
      if (record.external || !(written === "typemesh" || written.startsWith("./") || written.startsWith("../"))) return false;
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
