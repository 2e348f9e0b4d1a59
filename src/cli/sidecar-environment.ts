// The allocator settings a sidecar is deployed with (docs/cli.md, "Deploying a sidecar" says why): two
// malloc arenas, and glibc's mmap and trim thresholds held at the 128 KB they start from. glibc reads
// them only when a process starts, so `typemesh proxy` names them (--help) but cannot set them for
// itself; the proxy benchmarks start their sidecars with them.
export const SIDECAR_MALLOC: Readonly<Record<string, string>> = {
  MALLOC_ARENA_MAX: "2",
  MALLOC_MMAP_THRESHOLD_: "131072",
  MALLOC_TRIM_THRESHOLD_: "131072",
};

/** The settings as they are written in an environment: NAME=VALUE, space-separated. */
export const SIDECAR_MALLOC_LINE = Object.entries(SIDECAR_MALLOC).map(([name, value]) => `${name}=${value}`).join(" ");
