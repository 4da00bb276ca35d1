import { cpus, totalmem } from 'node:os';

export interface MachineNote {
  cores: number;
  model: string;
  node: string;
  platform: string;
  memoryGiB: number;
  /** One line for tables: "2 cores, Node v20.x". */
  summary: string;
}

/** What the figures were measured on: they mean little without it. */
export function machineNote(): MachineNote {
  const list = cpus();
  return {
    cores: list.length,
    model: list[0]?.model.trim() ?? 'unknown',
    node: process.version,
    platform: `${process.platform} ${process.arch}`,
    memoryGiB: Math.round((totalmem() / 1024 ** 3) * 10) / 10,
    summary: `${list.length} cores, Node ${process.version}`,
  };
}
