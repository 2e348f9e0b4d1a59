// The declaration (.d.ts) text of one policy file, from a program that was created with noEmit, as the
// type checker's programs are. TypeScript's builder does the same to tell whether an edit changed a
// file's exported types (BuilderState.computeDtsSignature): Program.emit's sixth parameter, not in the
// public typings, forces the declaration emit that noEmit turns off. It reads the types the program's
// checker already knows (or infers them, file by file); no file is written.
import type { EmitResult, Program, SourceFile, WriteFileCallback } from "typescript";

type ForcedDeclarationEmit = (
  targetSourceFile: SourceFile, writeFile: WriteFileCallback, cancellationToken: undefined,
  emitOnlyDtsFiles: true, customTransformers: undefined, forceDtsEmit: true,
) => EmitResult;

/**
 * The .d.ts of `file` as `program` sees it, or undefined when there is none to trust: the emit
 * reported a diagnostic (a type that cannot be named, a private name: the .d.ts would say less than
 * the source) or wrote nothing (a TypeScript whose emit no longer takes the parameter).
 */
export function emitDeclaration(program: Program, file: SourceFile): string | undefined {
  let text: string | undefined;
  const emit = program.emit as unknown as ForcedDeclarationEmit;
  const result = emit.call(program, file, (name, data) => {
    if (name.endsWith(".d.ts")) text = data;
  }, undefined, true, undefined, true);
  return result.diagnostics.length === 0 ? text : undefined;
}
