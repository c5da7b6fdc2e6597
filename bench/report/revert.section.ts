// Section 12 of the report: automatic revert (with and without keepPrevious) beside a manual rollback, in one run.
import type { RevertData } from '../scenarios/index.js';
import { ms, table } from './markdown.js';

const LABEL = {
  auto_revert: 'automatic revert (`autoRevert`)',
  auto_revert_keep: 'automatic revert, `keepPrevious: true`',
  rollback: 'manual `compartment rollback`',
} as const;

export function revertSection(d: RevertData): string {
  return [
    `A good build, then a bad one that passes readiness; under load (20 connections) the bad one's \`/health\` starts answering 500 (\`${d.health}\`), while \`/\` keeps answering. Automatic revert: from that moment to the first answer from the good build again (so it includes the 3 × 200 ms of failed checks it takes to call the build unhealthy). Manual rollback: from the \`rollback\` command's start, including the CLI's own start and connection (no detection: a person or an alert decides when); like the revert without \`keepPrevious\`, it starts the previous build's process again. "Same process": the good build answered from the process it ran before (kept and adopted, no start).`,
    '',
    table(
      ['how', 'runs', 'p50', 'max', 'failed requests', 'requests', 'same process'],
      d.rows.map((r) => [
        LABEL[r.how],
        r.runs,
        ms(r.servingAgainMs.p50),
        ms(r.servingAgainMs.max),
        r.failed,
        r.responses,
        `${r.samePid}/${r.runs}`,
      ]),
    ),
  ].join('\n');
}
