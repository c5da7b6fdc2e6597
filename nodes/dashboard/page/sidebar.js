// The left column: environments → services → deployments, each with its live status; clicking selects.
import { esc, ago } from './format.js';

const HISTORY_SHOWN = 6;
/** `active` covers the one serving and older ones kept for rollback: say which. */
export const stageLabel = (d) => (d.state.stage === 'active.standby' ? 'standby' : d.promotionStage);
const newestFirst = (a, b) => b.createdAt.localeCompare(a.createdAt);

/** `{env: {service: [records newest first]}}`, production first, then by name. */
export function groupRecords(records) {
  const tree = new Map();
  for (const r of records) {
    if (!tree.has(r.environmentName)) tree.set(r.environmentName, new Map());
    const services = tree.get(r.environmentName);
    if (!services.has(r.serviceName)) services.set(r.serviceName, []);
    services.get(r.serviceName).push(r);
  }
  const envs = [...tree.keys()].sort((a, b) => (a === 'production' ? -1 : b === 'production' ? 1 : a.localeCompare(b)));
  return envs.map((env) => ({
    env,
    services: [...tree.get(env).entries()]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([name, list]) => ({ name, deployments: list.sort(newestFirst) })),
  }));
}

function dot(status) {
  return `<span class="dot s-${esc(status)}" title="${esc(status)}"></span>`;
}

function serviceSummary(deployments) {
  const active = deployments.find((d) => d.isActive);
  const inflight = deployments.find((d) => d.status === 'queued' || d.status === 'running');
  if (inflight) return `<span class="s-text-running">${esc(inflight.promotionStage)}</span>`;
  if (active) return `<span class="muted">active · ${esc(active.health)}</span>`;
  return `<span class="s-text-${esc(deployments[0].status)}">${esc(deployments[0].status)}</span>`;
}

export function renderSidebar(el, state) {
  const groups = groupRecords([...state.records.values()]);
  if (groups.length === 0) {
    el.innerHTML =
      '<div class="side-empty">No deployments yet.<br><span class="muted">Run <code>compartment deploy</code> in a project.</span></div>';
    return;
  }
  const sel = state.selection;
  el.innerHTML = groups
    .map(
      ({ env, services }) => `
      <section class="env">
        <h3>${esc(env)}</h3>
        ${services
          .map(({ name, deployments }) => {
            const selected = sel && sel.env === env && sel.service === name;
            const lead =
              deployments.find((d) => d.status === 'queued' || d.status === 'running') ??
              deployments.find((d) => d.isActive) ??
              deployments[0];
            return `
          <div class="service ${selected ? 'selected' : ''}">
            <a class="service-row" href="#/${esc(env)}/${esc(name)}" data-testid="service-${esc(env)}-${esc(name)}">
              ${dot(lead.status)}<span class="service-name">${esc(name)}</span>${serviceSummary(deployments)}
            </a>
            ${
              selected
                ? `<ul class="deployments">${deployments
                    .slice(0, HISTORY_SHOWN)
                    .map(
                      (d) => `
              <li class="${d.id === state.current ? 'current' : ''}">
                <a href="#/${esc(env)}/${esc(name)}/${esc(d.id)}" title="${esc(d.status)} · ${esc(d.promotionStage)} · ${esc(d.health)}">
                  ${dot(d.status)}<span class="mono">${esc(d.id.slice(-8))}</span>
                  <span class="stage">${esc(stageLabel(d))}</span>${d.isActive ? '<span class="tag">live</span>' : ''}
                  <span class="when muted">${esc(ago(d.createdAt))}</span>
                </a>
              </li>`,
                    )
                    .join('')}
              ${deployments.length > HISTORY_SHOWN ? `<li class="muted more">${deployments.length - HISTORY_SHOWN} older</li>` : ''}
            </ul>`
                : ''
            }
          </div>`;
          })
          .join('')}
      </section>`,
    )
    .join('');
}
