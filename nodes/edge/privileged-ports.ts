// Whether this process may bind ports below 1024 (root, or CAP_NET_BIND_SERVICE in its effective set).
import { readFileSync } from 'node:fs';

const CAP_NET_BIND_SERVICE = 10n;

export function mayBindPrivilegedPorts(): boolean {
  if (process.getuid?.() === 0) return true;
  try {
    const line = readFileSync('/proc/self/status', 'utf8')
      .split('\n')
      .find((l) => l.startsWith('CapEff:'));
    return line !== undefined && ((BigInt(`0x${line.split(/\s+/)[1]}`) >> CAP_NET_BIND_SERVICE) & 1n) === 1n;
  } catch {
    return false;
  }
}
