// A compile session keeps, between compiles of one directory, the type checker's thread (its parsed
// files, its last program and the declaration sites located in unchanged files), esbuild's incremental
// context, the module sandbox that evaluates only what an edit touched (module-session.ts) and the
// later phases' results per unchanged declaration (phase-cache.ts): what --watch and the control
// plane's policy source use to re-check fast. Its first compile starts from the state a previous
// process saved (type-check-state.ts), and its module sandbox from the transforms one kept
// (transform-cache.ts).
import path from "node:path";
import { compilePolicies, type CompileResult } from "./compile.ts";
import { createIncrementalBundler } from "./load/bundle.ts";
import { createModuleSession } from "./load/module-session.ts";
import { createPhaseCache } from "./phase-cache.ts";
import { typeCheckStateFile } from "./load/type-check-state.ts";
import { transformCacheFile } from "./load/transform-cache.ts";
import { createTypeCheckWorker } from "./load/type-check-worker.ts";

export interface CompileSession {
  compile(): Promise<CompileResult>;
  dispose(): Promise<void>;
}

export function createCompileSession(dir: string, options: { evalTimeoutMs?: number } = {}): CompileSession {
  const root = path.resolve(dir);
  const stateFile = typeCheckStateFile(root);
  const typeChecker = createTypeCheckWorker(root, { stateFile });
  const bundler = createIncrementalBundler(root);
  const modules = createModuleSession({ ...(stateFile && { transformCacheFile: transformCacheFile(stateFile) }) });
  const phaseCache = createPhaseCache();
  return {
    compile: () => compilePolicies(root, { ...options, typeChecker, bundler, modules, phaseCache }),
    dispose: async () => {
      modules.dispose();
      await Promise.all([bundler.dispose(), typeChecker.dispose()]);
    },
  };
}
