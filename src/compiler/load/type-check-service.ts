// Runs in the type checker's thread: keeps the TypeScript program of one policies directory and
// answers what needs it. Everything crosses as plain data: diagnostics, locations, declaration sites.
import { parentPort } from "node:worker_threads";
import type { SourceLocation } from "../diagnostics/diagnostic.ts";
import { hashText, type CheckInput } from "./check-record.ts";
import { findComputedImports } from "./computed-imports.ts";
import { runawaySite } from "./runaway-site.ts";
import { createSiteCache, type FoundSite } from "./site-cache.ts";
import { PolicyTypeChecker, type TypeCheckerOptions, type TypeCheckRun } from "./type-check.ts";

export type TypeCheckAsk =
  | { kind: "start"; files: string[] }
  | { kind: "diagnostics" }
  | { kind: "locate"; calls: SourceLocation[] }
  | { kind: "relocate"; calls: SourceLocation[] }
  | { kind: "runaway"; location: SourceLocation }
  | { kind: "inputs" }
  | { kind: "save" };

export type TypeCheckRequest = TypeCheckAsk & { id: number };

/** How long after a check its state is saved (type-check-state.ts), unless the next compile starts. */
const SAVE_AFTER_MS = 500;

export type TypeCheckReply = { id: number; value: unknown } | { id: number; error: string };

export function serveTypeChecks(root: string, options: TypeCheckerOptions = {}): void {
  const port = parentPort;
  if (!port) throw new Error("type-check-service runs in a worker thread");
  const checker = new PolicyTypeChecker(root, options);
  const sites = createSiteCache();
  let run: TypeCheckRun | undefined;
  let locateSite: ((call: SourceLocation) => FoundSite) | undefined;
  let saveTimer: NodeJS.Timeout | undefined;
  const current = (): TypeCheckRun => {
    if (!run) throw new Error("no program yet: start() comes first");
    return run;
  };

  const answer = async (request: TypeCheckRequest): Promise<unknown> => {
    switch (request.kind) {
      case "start":
        clearTimeout(saveTimer);
        run = checker.start(request.files);
        locateSite = undefined;
        return findComputedImports(root, run.program);
      case "diagnostics": {
        const diagnostics = await current().diagnostics();
        // Saved once the answers a compile waits for are given (locate comes next), or when asked.
        clearTimeout(saveTimer);
        saveTimer = setTimeout(() => checker.saveState(), SAVE_AFTER_MS).unref();
        return diagnostics;
      }
      case "save":
        clearTimeout(saveTimer);
        return checker.saveState();
      case "locate":
        locateSite ??= sites.begin(root, current().program);
        return request.calls.map((call) => locateSite!(call).site);
      case "relocate":
        locateSite ??= sites.begin(root, current().program);
        return request.calls.map((call) => {
          const found = locateSite!(call);
          return found.kept ? null : found.site;
        });
      case "runaway":
        return runawaySite(root, current().program, request.location);
      case "inputs":
        return current().program.getSourceFiles().map((file): CheckInput => ({ file: file.fileName, hash: hashText(file.text) }));
    }
  };

  port.on("message", (request: TypeCheckRequest) => {
    answer(request).then(
      (value) => port.postMessage({ id: request.id, value } satisfies TypeCheckReply),
      (error: unknown) => port.postMessage({ id: request.id, error: String((error as Error)?.stack ?? error) } satisfies TypeCheckReply),
    );
  });
}
