// TM0002 for `import(expression)`: the bundler can only check imports whose specifier is a literal,
// and leaves a computed one to run. The sandbox would refuse it at run time, but as a rejected promise
// the policy might swallow; refusing it here, before any policy code runs, names the line.
import type { Expression, Node, Program } from "typescript";
import type { Diagnostic } from "../diagnostics/diagnostic.ts";
import { isPolicySource, relativePolicyPath } from "./policy-files.ts";
import { ts } from "./typescript.ts";

function isLiteralSpecifier(node: Expression | undefined): boolean {
  return node !== undefined && (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node));
}

/** Every computed import() in the policy sources of the program (helpers they import included). */
export function findComputedImports(root: string, program: Program): Diagnostic[] {
  const found: Diagnostic[] = [];
  for (const file of program.getSourceFiles()) {
    if (!isPolicySource(root, file.fileName)) continue;
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
  }
  return found;
}
