// A large policy repository from the demo mesh: N copies of each service module (catalog-0, catalog-1,
// …), imports and references renamed within each copy, one mesh module. Every copy is a real policy
// file, so compile time is measured on as many services as emit time. Until the compile bench's own
// generator lands, this is the emit bench's 1,000-service repository.
import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

export function writeDemoCopies(demoDir: string, services: number): string {
  const dir = mkdtempSync(path.join(tmpdir(), "typemesh-emit-bench-"));
  const modules = readdirSync(demoDir).filter((f) => f.endsWith(".policy.ts")).sort();
  const mesh = modules.filter((f) => readFileSync(path.join(demoDir, f), "utf8").includes("defineMesh("));
  const serviceModules = modules.filter((f) => !mesh.includes(f));
  const names = serviceModules.map((f) => f.replace(/\.policy\.ts$/, ""));
  for (const f of mesh) writeFileSync(path.join(dir, f), readFileSync(path.join(demoDir, f)));
  const copies = Math.ceil(services / names.length);
  for (let i = 0; i < copies; i++) {
    for (const name of names) {
      let text = readFileSync(path.join(demoDir, `${name}.policy.ts`), "utf8");
      for (const other of names) {
        text = text.replaceAll(`./${other}.policy"`, `./${other}-${i}.policy"`);
        // Identifiers and names, but not the module paths just rewritten.
        text = text.replace(new RegExp(`\\b${other}\\b(?!\\.policy|-)`, "g"), `${other}${i}`);
        text = text.replaceAll(`name: "${other}${i}"`, `name: "${other}-${i}"`);
      }
      writeFileSync(path.join(dir, `${name}-${i}.policy.ts`), text);
    }
  }
  return dir;
}
