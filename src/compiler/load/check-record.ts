// What the type checker answered for one compile of a policies directory, kept beside its saved
// TypeScript state (type-check-state.ts) so that a one-shot compile of unchanged inputs needs no
// TypeScript program at all: the computed import() calls, the type errors and the declaration sites.
// Parsing the program is most of a build that follows a check (3 of 5 s for 1,000 services); this is
// what `tsc -b` does for an up-to-date project.
//
// A record is used only when everything it was computed from is as it was: the content of every file
// the program read (policy files, the authoring API's sources, TypeScript's libraries), the list of
// every file under the policies directory (a new file can change what an import resolves to), the
// TypeScript version and the sources of typemesh's load phase. Anything else is a miss, and the type
// checker runs as usual.
import { createHash } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import path from "node:path";
import { packagePath } from "../../package-root.ts";
import type { Diagnostic } from "../diagnostics/diagnostic.ts";
import type { DeclarationSite } from "./declaration-site.ts";
import { saveTypeCheckState } from "./type-check-state.ts";

/** A file the TypeScript program read, and the hash of its text. */
export interface CheckInput {
  file: string;
  hash: string;
}

export interface CheckRecord {
  key: string;
  inputs: CheckInput[];
  computedImports: Diagnostic[];
  typeDiagnostics: Diagnostic[];
  /** Declaration sites by their call's position (callKey). */
  sites: [string, DeclarationSite][];
}

/**
 * The hash of a file's text. TypeScript drops a UTF-8 byte-order mark when it reads a file; it is dropped
 * here too, so that the program's text and the file read back hash alike.
 */
export const hashText = (text: string): string => createHash("sha1").update(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text).digest("hex");

/** The record beside a directory's TypeScript state file. */
export function checkRecordFile(stateFile: string): string {
  return stateFile.replace(/\.tsbuildinfo$/, "") + ".check.json";
}

let codeFingerprint: string | undefined;

/** The TypeScript version and typemesh's load-phase sources: a change to either can change the answers. */
function fingerprintOfCode(): string {
  if (codeFingerprint) return codeFingerprint;
  const hash = createHash("sha1");
  const require = createRequire(import.meta.url);
  hash.update((JSON.parse(readFileSync(require.resolve("typescript/package.json"), "utf8")) as { version: string }).version);
  for (const dir of ["src/compiler/load", "src/compiler/diagnostics"]) {
    for (const name of readdirSync(packagePath(dir)).sort()) {
      if (/\.(ts|js)$/.test(name) && !name.endsWith(".test.ts")) hash.update(name).update(readFileSync(path.join(packagePath(dir), name)));
    }
  }
  return (codeFingerprint = hash.digest("hex"));
}

/** Every entry under the policies directory (a new or removed file may change how an import resolves). */
function listing(root: string): string[] {
  return (readdirSync(root, { recursive: true }) as string[]).filter((entry) => !entry.split(path.sep).includes("node_modules")).sort();
}

/** What a record for this directory and these root files must have been made under. */
export function checkRecordKey(root: string, files: readonly string[]): string {
  return createHash("sha1").update(JSON.stringify({ code: fingerprintOfCode(), root, files: [...files].sort(), listing: listing(root) })).digest("hex");
}

/** The record, if there is one for this key and every input still has the content it was made from. */
export async function readCheckRecord(file: string, key: string): Promise<CheckRecord | undefined> {
  let record: CheckRecord;
  try {
    record = JSON.parse(await readFile(file, "utf8")) as CheckRecord;
  } catch {
    return undefined; // none yet, or unreadable: a miss
  }
  if (record.key !== key || !Array.isArray(record.inputs) || !Array.isArray(record.sites)) return undefined;
  const unchanged = await Promise.all(record.inputs.map(async (input) => {
    try {
      return hashText(await readFile(input.file, "utf8")) === input.hash;
    } catch {
      return false;
    }
  }));
  return unchanged.every(Boolean) ? record : undefined;
}

export function saveCheckRecord(file: string, record: CheckRecord): void {
  saveTypeCheckState(file, JSON.stringify(record));
}
