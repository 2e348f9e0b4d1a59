// Where a runaway evaluation spun, stated stably. The profiler samples lines, and a loop whose body has
// several lines would be reported at whichever line it happened to sample most; widening the sample to
// the innermost loop around it (or, for promise jobs that re-schedule themselves, the function) gives
// the same location on every run.
import path from "node:path";
import type { Node, Program } from "typescript";
import type { SourceLocation } from "../diagnostics/diagnostic.ts";
import { ts } from "./typescript.ts";

function isLoop(node: Node): boolean {
  return ts.isWhileStatement(node) || ts.isDoStatement(node) || ts.isForStatement(node) ||
    ts.isForOfStatement(node) || ts.isForInStatement(node);
}

export function runawaySite(root: string, program: Program, sampled: SourceLocation): SourceLocation {
  const file = program.getSourceFile(path.resolve(root, sampled.file));
  if (!file || sampled.line > file.getLineStarts().length) return sampled;
  const position = file.getPositionOfLineAndCharacter(sampled.line - 1, sampled.column - 1);
  let loop: Node | undefined;
  let fn: Node | undefined;
  const visit = (node: Node): void => {
    if (position < node.getStart(file) || position >= node.getEnd()) return;
    if (isLoop(node)) loop = node;
    else if (ts.isFunctionLike(node)) fn = node;
    ts.forEachChild(node, visit);
  };
  ts.forEachChild(file, visit);
  const widest = loop ?? fn;
  if (!widest) return sampled;
  const { line, character } = file.getLineAndCharacterOfPosition(widest.getStart(file));
  return { file: sampled.file, line: line + 1, column: character + 1 };
}
