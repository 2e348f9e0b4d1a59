import assert from "node:assert/strict";
import { test } from "node:test";
import { RetryBudget } from "./retry-budget.ts";

test("failed retries stay within 20% of requests plus a reserve of 10 per second of the window", () => {
  let now = 1_000_000;
  const budget = new RetryBudget({ ratio: 0.2, minPerSecond: 10, windowMs: 10_000 }, () => now);
  for (let i = 0; i < 1000; i++) budget.deposit();
  let granted = 0;
  while (budget.withdraw()) granted++;
  assert.equal(granted, 100 + 200);
  assert.equal(budget.withdraw(), undefined);
  // Half a window later the spent retries still count …
  now += 5_000;
  assert.equal(budget.withdraw(), undefined);
  // … and a window later they have left it (so have the requests): the reserve is back.
  now += 5_001;
  granted = 0;
  while (budget.withdraw()) granted++;
  assert.equal(granted, 100);
});

test("a retry that succeeds is refunded: retries that pay off never run the budget dry", () => {
  let now = 0;
  const budget = new RetryBudget({ ratio: 0.2, minPerSecond: 1, windowMs: 10_000 }, () => now);
  for (let i = 0; i < 1000; i++) {
    budget.deposit();
    const charge = budget.withdraw();
    assert.ok(charge, `retry ${i} refused`);
    charge.refund();
    charge.refund(); // twice is once
    now += 3;
  }
  assert.equal(budget.remaining(), 10 + 0.2 * Math.min(1000, Math.ceil(10_000 / 3)));
});

test("a refund for a bucket that left the window gives nothing back", () => {
  let now = 0;
  const budget = new RetryBudget({ ratio: 0, minPerSecond: 0.1, windowMs: 10_000 }, () => now);
  const charge = budget.withdraw()!;
  assert.equal(budget.withdraw(), undefined);
  now += 20_000;
  charge.refund();
  assert.equal(budget.remaining(), 1);
});
