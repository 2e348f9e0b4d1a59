// A policy source's declaration (.d.ts) text, as the small programs of declaration-program.ts load it in
// place of the source. It is named as tsc would write it beside the source (a.policy.ts → a.policy.d.ts):
// in the same directory, so that its relative imports mean what the source's mean, and with the same
// module name, so that a type printed with its module ("import('./a.policy').T") reads the same as in
// the full program. It is parsed once and the parse shared by every program that loads it.
import type { ScriptTarget, SourceFile } from "typescript";
import { ts } from "./typescript.ts";

export class DeclarationFile {
  readonly fileName: string;
  private parsed: SourceFile | undefined;

  constructor(readonly sourceName: string, readonly text: string, private readonly languageVersion: ScriptTarget) {
    this.fileName = declarationFileName(sourceName);
  }

  get sourceFile(): SourceFile {
    return (this.parsed ??= ts.createSourceFile(this.fileName, this.text, this.languageVersion, true));
  }
}

/** Where tsc would write the declarations of `source` (a .ts file that is not itself a .d.ts). */
export function declarationFileName(source: string): string {
  return source.replace(/\.ts$/, ".d.ts");
}
