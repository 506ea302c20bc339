/**
 * Figures, goals and how they are printed: a table for people, one JSON object for machines. Absolute times move
 * with the machine, so a goal is a ratio to a floor measured (or computed from the protocol) in the same run:
 * `ratio` is `value / floor` unless `ratio_is` says otherwise (a speed-up is `floor / value`).
 */
import os from 'node:os';
import v8 from 'node:v8';

export interface Figure {
  name: string;
  /** The measured value; null when it cannot be measured yet (`reason` says why). */
  value: number | null;
  unit: string;
  /** The goal in words, e.g. "< 300 ms". */
  goal?: string;
  /** What the value is compared with, measured or computed in the same run (same unit); null when none. */
  floor?: number | null;
  /** value / floor (or, for a speed-up, floor / value: see ratioIs); null when there is no floor. */
  ratio?: number | null;
  /** How the ratio is computed, when it is not value / floor. */
  ratioIs?: string;
  /** Whether the goal is met; null when there is no value or no goal. */
  met: boolean | null;
  reason?: string;
  /** Extra rows for the table (label, value), e.g. one per repository size. */
  rows?: { label: string; value: string }[];
  /** Everything else measured on the way (goes to JSON). */
  detail?: Record<string, unknown>;
}

/** A figure that needs code that has not landed yet. */
export function pending(name: string, unit: string, goal: string, reason: string): Figure {
  return { name, value: null, unit, goal, met: null, reason };
}

export function machine(): Record<string, unknown> {
  const cpus = os.cpus();
  return {
    node: process.version,
    platform: `${os.platform()} ${os.release()} ${os.arch()}`,
    cpus: cpus.length,
    cpu_model: cpus[0]?.model.trim() ?? 'unknown',
    memory_gb: Math.round((os.totalmem() / 1024 ** 3) * 10) / 10,
  };
}

export const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

export const round = (x: number, digits = 1): number => Math.round(x * 10 ** digits) / 10 ** digits;

/** One JSON object: every figure by name, plus machine, date and options. */
export function toJson(figures: Figure[], options: Record<string, unknown>): Record<string, unknown> {
  return {
    date: new Date().toISOString(),
    machine: machine(),
    options,
    figures: Object.fromEntries(figures.map((f) => [f.name, {
      value: f.value, floor: f.floor ?? null, ratio: f.ratio ?? null, goal: f.goal ?? null, met: f.met, unit: f.unit,
      ...(f.ratioIs ? { ratio_is: f.ratioIs } : {}), ...(f.reason ? { reason: f.reason } : {}), ...(f.detail ? { detail: f.detail } : {}),
    }])),
    summary: { met: figures.filter((f) => f.met === true).length, missed: figures.filter((f) => f.met === false).length, pending: figures.filter((f) => f.value === null).length },
  };
}

/** A ratio: value / floor, rounded to two places (null without both). */
export function ratioOf(value: number | null, floor: number | null): number | null {
  return value === null || floor === null || floor <= 0 ? null : round(value / floor, 2);
}

/** A plain-text table: figure, value, floor, ratio, goal, met (then each figure's extra rows). */
export function toTable(figures: Figure[]): string {
  const rows: string[][] = [['figure', 'value', 'floor', 'ratio', 'goal', 'met']];
  for (const f of figures) {
    const value = f.value === null ? `null (${f.reason ?? 'not measured'})` : `${f.value} ${f.unit}`;
    const floor = f.floor === undefined || f.floor === null ? '' : `${f.floor} ${f.unit}`;
    const ratio = f.ratio === undefined || f.ratio === null ? '' : `${f.ratio}×`;
    rows.push([f.name, value, floor, ratio, f.goal ?? '', f.met === null ? '-' : f.met ? 'yes' : 'NO']);
    for (const r of f.rows ?? []) rows.push([`  ${r.label}`, r.value, '', '', '', '']);
  }
  // Extra rows' text is long: it does not widen the columns (it runs on past them).
  const head = rows.filter((r) => !r[0]!.startsWith('  '));
  const widths = rows[0]!.map((_, i) => Math.max(...head.map((r) => r[i]!.length)));
  const line = (r: string[]) => r.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd();
  const m = machine();
  return [line(rows[0]!), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.slice(1).map(line), '', `node ${m.node}, ${m.cpus} × ${m.cpu_model}, ${m.memory_gb} GB, ${new Date().toISOString()}`].join('\n');
}

/**
 * Peak memory of this process while a figure is measured: RSS and V8 heap in use, sampled every 100 ms (the
 * pipeline's memory; the fakes run in other processes), cheaply (process.memoryUsage() reads /proc and walks
 * every heap space: sampled every 10 ms it cost a push 100 ms of CPU). `stop()` returns the peaks in bytes.
 */
export function memoryPeaks(): { stop(): { rss: number; heap: number } } {
  let rss = 0;
  let heap = 0;
  const sample = () => {
    rss = Math.max(rss, process.memoryUsage.rss());
    heap = Math.max(heap, v8.getHeapStatistics().used_heap_size);
  };
  sample();
  const timer = setInterval(sample, 100);
  return { stop: () => { clearInterval(timer); sample(); return { rss, heap }; } };
}
