// The answerer's ports, kept in the edge's data dir: Caddy's config names them, and an unchanged config needs no reload.
import { readFileSync, writeFileSync } from 'node:fs';

export interface AnswerPorts {
  ask: number;
  plain: number;
}

/** Ports picked at the first start (0 = pick one now). */
export function keptPorts(file: string): AnswerPorts {
  try {
    const p = JSON.parse(readFileSync(file, 'utf8')) as AnswerPorts;
    if (Number.isInteger(p.ask) && Number.isInteger(p.plain)) return p;
  } catch {
    // first start
  }
  return { ask: 0, plain: 0 };
}

export function keepPorts(file: string, ports: AnswerPorts): void {
  writeFileSync(file, JSON.stringify(ports), { mode: 0o600 });
}
