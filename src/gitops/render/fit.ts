// Fitting sections into a length limit (GitHub refuses comments over 65,536 characters): the essential
// sections always stay, the risks are shortened only if they alone would not fit, and the rest is kept
// in order until the next one would not fit; a note then says what was cut and where the rest is.
import type { Section } from "./markdown-sections.ts";

export const GITHUB_COMMENT_LIMIT = 65_536;
const NOTE_RESERVE = 600;

export interface Fitted { text: string; cut: string[] }

export function fitSections(sections: readonly Section[], limit: number, whereFull: string): Fitted {
  const join = (parts: readonly Section[]) => parts.map((s) => s.text).filter(Boolean).join("\n");
  const essential = sections.filter((s) => s.essential);
  let used = join(essential).length + NOTE_RESERVE;
  const kept = new Set<Section>(essential);
  const cut: string[] = [];
  for (const section of sections) {
    if (section.essential) continue;
    if (cut.length === 0 && used + section.text.length + 1 <= limit) {
      kept.add(section);
      used += section.text.length + 1;
    } else cut.push(section.label);
  }
  const text = join(sections.filter((s) => kept.has(s)));
  if (cut.length === 0) return { text, cut };
  const names = cut.length > 6 ? `${cut.slice(0, 5).join(", ")} and ${cut.length - 5} more` : cut.join(", ");
  const note = `\n> [!NOTE]\n> ✂️ ${cut.length} section${cut.length === 1 ? "" : "s"} not shown to stay within GitHub's ${limit.toLocaleString("en-US")}-character limit: ${names}. ${whereFull}\n`;
  return { text: `${text}${note}`.slice(0, limit), cut };
}
