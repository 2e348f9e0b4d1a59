// Watches a policies directory and calls back after each settled burst of changes to *.ts files.
import { watch, type FSWatcher } from "node:fs";

export function watchPolicies(dir: string, onChange: () => void, settleMs = 30): FSWatcher {
  let timer: NodeJS.Timeout | undefined;
  return watch(dir, { recursive: true }, (_event, file) => {
    if (file && !String(file).endsWith(".ts")) return;
    clearTimeout(timer);
    timer = setTimeout(onChange, settleMs);
  });
}
