/** The machine a run happened on, printed with the table and written into --json. */
import os from 'node:os';

export interface Machine {
  cpu: string;
  cores: number;
  node: string;
  v8: string;
  platform: string;
  totalMemoryMB: number;
  freeMemoryMB: number;
  loadAverage: number[];
  date: string;
}

export function machine(): Machine {
  const cpus = os.cpus();
  return {
    cpu: cpus[0]?.model.trim() ?? 'unknown',
    cores: cpus.length,
    node: process.version,
    v8: process.versions.v8,
    platform: `${os.platform()} ${os.release()} ${os.arch()}`,
    totalMemoryMB: Math.round(os.totalmem() / 2 ** 20),
    freeMemoryMB: Math.round(os.freemem() / 2 ** 20),
    loadAverage: os.loadavg().map((l) => Math.round(l * 100) / 100),
    date: new Date().toISOString(),
  };
}

export function describeMachine(m: Machine): string {
  return `${m.cpu}, ${m.cores} cores, ${m.totalMemoryMB} MB (${m.freeMemoryMB} free), load ${m.loadAverage.join(' ')}, Node ${m.node} (V8 ${m.v8}), ${m.platform}`;
}
