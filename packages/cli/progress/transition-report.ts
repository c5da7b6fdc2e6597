// Reading the statechart transitions node agents publish (the schema lives in packages/protocol).
import { TransitionReport, type RegionState } from '../../protocol/index.js';

export { TransitionReport, TransitionHistory, type RegionState } from '../../protocol/index.js';

export function parseReport(data: Uint8Array): TransitionReport | null {
  try {
    const parsed = TransitionReport.safeParse(JSON.parse(new TextDecoder().decode(data)));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

export const isTerminal = (state: RegionState) => state.status === 'succeeded' || state.status === 'failed';
