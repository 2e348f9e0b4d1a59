// TM0002 for `import(expression)`: the bundler can only check imports whose specifier is a literal,
// and leaves a computed one to run. The sandbox would refuse it at run time, but as a rejected promise
// the policy might swallow; refusing it here, before any policy code runs, names the line.
import type { Expression, Node, Program, SourceFile } from "typescript";
import type { Diagnostic } from "../diagnostics/diagnostic.ts";
import { isPolicySource, relativePolicyPath } from "./policy-files.ts";
import { ts } from "./typescript.ts";

function isLiteralSpecifier(node: Expression | undefined): boolean {
  return node !== undefined && (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node));
}

// A parsed file is kept by the type checker while its text is unchanged (type-check.ts), so what was
// found in it stands: a re-check walks only the files an edit changed (1,000 files took 30-50 ms).
const foundIn = new WeakMap<SourceFile, { root: string; found: Diagnostic[] }>();

/** Every computed import() in the policy sources of the program (helpers they import included). */
export function findComputedImports(root: string, program: Program): Diagnostic[] {
  return program.getSourceFiles().flatMap((file) => {
    if (!isPolicySource(root, file.fileName)) return [];
    const known = foundIn.get(file);
    if (known?.root === root) return known.found;
    const found = computedImportsIn(root, file);
    foundIn.set(file, { root, found });
    return found;
  });
}

function computedImportsIn(root: string, file: SourceFile): Diagnostic[] {
  const found: Diagnostic[] = [];
  const visit = (node: Node): void => {
    if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword && !isLiteralSpecifier(node.arguments[0])) {
      const { line, character } = file.getLineAndCharacterOfPosition(node.getStart(file));
      found.push({
        code: "TM0002", severity: "error",
        message: "import() with a computed specifier is not allowed: policy modules may import only \"typemesh\" and other policy modules by relative path",
        location: { file: relativePolicyPath(root, file.fileName), line: line + 1, column: character + 1 },
        hint: "policies are evaluated in a sandbox without files, network, environment or timers",
      });
    }
    ts.forEachChild(node, visit);
  };
  visit(file);
  return found;
}
