// The deployment statechart drawn from its definition: Mermaid stateDiagram-v2 or Graphviz, current states marked.
import { deploymentMachine } from './deployment.machine.js';

type Node = typeof deploymentMachine.root;
type RegionState = { status: string; stage: string; health: string };

const idOf = (n: Node) => n.id.replace(/[^A-Za-z0-9]/g, '_');
const children = (n: Node) => Object.values(n.states) as Node[];
const ancestors = (n: Node): Node[] => (n.parent ? [...ancestors(n.parent as Node), n.parent as Node] : []);

/** Node ids that are active in `state`, ancestors included. */
function activeIds(state: RegionState | null): Set<string> {
  const out = new Set<string>();
  if (!state) return out;
  for (const [region, path] of Object.entries(state)) {
    const parts = [region, ...path.split('.')];
    for (let i = 1; i <= parts.length; i++) out.add(`${deploymentMachine.root.id}.${parts.slice(0, i).join('.')}`);
  }
  return out;
}

function eventLabel(type: string): string {
  const settled = /^xstate\.(done|error)\.actor\.(.+)$/.exec(type);
  return settled ? `${settled[2]} ${settled[1] === 'done' ? 'done' : 'failed'}` : type;
}

interface Edge {
  from: Node;
  to: Node;
  label: string;
  scope: Node;
}

/** Every transition, lifted to the children of the nearest common ancestor (diagrams cannot cross composites). */
function edges(): Edge[] {
  const seen = new Set<string>();
  const out: Edge[] = [];
  const visit = (n: Node) => {
    for (const list of n.transitions.values()) {
      for (const t of list) {
        for (const target of (t.target ?? []) as Node[]) {
          const a = [...ancestors(n), n];
          const b = [...ancestors(target), target];
          let i = 0;
          while (i < a.length && i < b.length && a[i] === b[i]) i++;
          if (i === 0 || i >= a.length || i >= b.length) continue;
          const e = { from: a[i]!, to: b[i]!, label: eventLabel(t.eventType), scope: a[i - 1]! };
          const key = `${e.from.id}>${e.to.id}>${e.label}`;
          if (!seen.has(key)) seen.add(key), out.push(e);
        }
      }
    }
    children(n).forEach(visit);
  };
  visit(deploymentMachine.root);
  return out;
}

function mermaid(active: Set<string>): string {
  const all = edges();
  const lines = ['stateDiagram-v2'];
  const block = (n: Node, indent: string) => {
    const kids = children(n);
    lines.push(`${indent}state "${n.key}" as ${idOf(n)}`);
    if (kids.length === 0) return;
    lines.push(`${indent}state ${idOf(n)} {`);
    kids.forEach((k, i) => {
      if (n.type === 'parallel' && i > 0) lines.push(`${indent}  --`);
      block(k, `${indent}  `);
    });
    const initial = n.type === 'compound' ? (n.initial?.target?.[0] as Node | undefined) : undefined;
    if (initial) lines.push(`${indent}  [*] --> ${idOf(initial)}`);
    for (const e of all.filter((x) => x.scope === n))
      lines.push(`${indent}  ${idOf(e.from)} --> ${idOf(e.to)} : ${e.label}`);
    lines.push(`${indent}}`);
  };
  block(deploymentMachine.root, '  ');
  lines.push('  classDef current fill:#ffe08a,stroke:#b8860b,stroke-width:2px');
  const marked = [...active].map((id) => id.replace(/[^A-Za-z0-9]/g, '_'));
  if (marked.length > 0) lines.push(`  class ${marked.join(',')} current`);
  return lines.join('\n');
}

function dot(active: Set<string>): string {
  const lines = ['digraph deployment {', '  compound=true; rankdir=LR; node [shape=box, style="rounded"];'];
  const leafOf = (n: Node): Node =>
    children(n).length === 0 ? n : leafOf(((n.initial?.target?.[0] as Node | undefined) ?? children(n)[0])!);
  const block = (n: Node, indent: string) => {
    const kids = children(n);
    if (kids.length === 0) {
      const style = active.has(n.id) ? ', style="rounded,filled", fillcolor="#ffe08a"' : '';
      lines.push(`${indent}${idOf(n)} [label="${n.key}"${style}];`);
      return;
    }
    lines.push(
      `${indent}subgraph cluster_${idOf(n)} {`,
      `${indent}  label="${n.key}${n.type === 'parallel' ? ' (parallel)' : ''}";`,
    );
    if (active.has(n.id)) lines.push(`${indent}  style=filled; fillcolor="#fff6d5";`);
    for (const k of kids) block(k, `${indent}  `);
    lines.push(`${indent}}`);
  };
  block(deploymentMachine.root, '  ');
  for (const e of edges()) {
    const from = leafOf(e.from);
    const to = leafOf(e.to);
    const attrs = [`label="${e.label}"`];
    if (from !== e.from) attrs.push(`ltail=cluster_${idOf(e.from)}`);
    if (to !== e.to) attrs.push(`lhead=cluster_${idOf(e.to)}`);
    lines.push(`  ${idOf(from)} -> ${idOf(to)} [${attrs.join(', ')}];`);
  }
  lines.push('}');
  return lines.join('\n');
}

export function deploymentChart(format: 'mermaid' | 'dot', state: RegionState | null = null): string {
  const active = activeIds(state);
  return format === 'mermaid' ? mermaid(active) : dot(active);
}
