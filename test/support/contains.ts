// Partial deep comparison: every field the expectation names must be in the actual value with the same
// value (objects compared field by field, arrays element by element and by length).
import assert from "node:assert/strict";

export function assertContains(actual: unknown, expected: unknown, at = "$"): void {
  if (Array.isArray(expected)) {
    assert.ok(Array.isArray(actual), `${at}: expected an array, got ${JSON.stringify(actual)}`);
    assert.equal(actual.length, expected.length, `${at}: expected ${expected.length} items, got ${JSON.stringify(actual)}`);
    expected.forEach((item, i) => assertContains(actual[i], item, `${at}[${i}]`));
  } else if (expected && typeof expected === "object") {
    assert.ok(actual && typeof actual === "object", `${at}: expected an object, got ${JSON.stringify(actual)}`);
    for (const [key, value] of Object.entries(expected)) {
      assertContains((actual as Record<string, unknown>)[key], value, `${at}.${key}`);
    }
  } else {
    assert.deepEqual(actual, expected, `${at}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`);
  }
}
