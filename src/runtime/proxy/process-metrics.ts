// The proxy process's own resources on /metrics, under the names Prometheus client libraries give them
// (process_*, nodejs_*), so that a sidecar's memory and CPU can be watched beside its traffic: its heap
// bounds (src/cli/proxy-v8-flags.ts) are only worth what an operator can see of them. Read when
// scraped, not kept up to date in between. prom-client's collectDefaultMetrics would add these and
// much more (event-loop lag histograms, GC histograms, handles), at a cost on every request's path and
// several MB of RSS per sidecar; the five figures below are the ones a sidecar's dashboard needs.
import { Counter, Gauge, type Registry } from "prom-client";

export function registerProcessMetrics(registry: Registry): void {
  const registers = [registry];
  new Gauge({
    name: "process_resident_memory_bytes", help: "Resident memory size in bytes.", registers,
    collect() { this.set(process.memoryUsage.rss()); },
  });
  new Gauge({
    name: "nodejs_heap_size_used_bytes", help: "V8 heap in use, in bytes.", registers,
    collect() { this.set(process.memoryUsage().heapUsed); },
  });
  new Gauge({
    name: "nodejs_heap_size_total_bytes", help: "V8 heap reserved, in bytes.", registers,
    collect() { this.set(process.memoryUsage().heapTotal); },
  });
  let counted = 0;
  new Counter({
    name: "process_cpu_seconds_total", help: "User and system CPU time spent, in seconds.", registers,
    collect() {
      // A counter only goes up: it is told the CPU time spent since the last scrape.
      const { user, system } = process.cpuUsage();
      const seconds = (user + system) / 1e6;
      if (seconds <= counted) return;
      this.inc(seconds - counted);
      counted = seconds;
    },
  });
  new Gauge({
    name: "process_start_time_seconds", help: "Start time of the process since the Unix epoch, in seconds.", registers,
  }).set(Math.round(Date.now() / 1000 - process.uptime()));
}
