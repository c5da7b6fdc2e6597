// The selected deployment: header with live status, stage timeline, readiness attempts and the transition log.
import { esc, clock, duration, ago, eventLabel, dataSummary, changes, STAGES, isTerminal } from './format.js';

export function mountDetail(main) {
  main.innerHTML = `
    <section id="header" class="card header"></section>
    <section class="card"><h2>Stages</h2><div id="timeline" class="timeline"></div></section>
    <section class="card chart-card">
      <div class="chart-bar"><h2>Statechart <span class="muted small">generated from the machine · current states highlighted</span></h2>
        <div class="zoom"><button class="secondary" data-zoom="-" title="zoom out">−</button><button class="secondary" data-zoom="+" title="zoom in">+</button><button class="secondary" data-zoom="fit" title="whole chart / readable size">fit</button></div></div>
      <div id="chart" class="chart" data-testid="chart"></div>
    </section>
    <div class="two">
      <section class="card"><h2>Transitions <span id="transitions-count" class="muted small"></span></h2><div id="transitions" class="scroll transitions"></div></section>
      <section class="card"><h2>Readiness <span id="attempts-count" class="muted small"></span></h2><div id="attempts" class="scroll attempts"></div></section>
    </div>
    <section class="card"><div id="logs"></div></section>`;
  const $ = (id) => main.querySelector(`#${id}`);
  return {
    header: $('header'),
    timeline: $('timeline'),
    chart: $('chart'),
    transitions: $('transitions'),
    transitionsCount: $('transitions-count'),
    attempts: $('attempts'),
    attemptsCount: $('attempts-count'),
    logs: $('logs'),
  };
}

const badge = (kind, value, testid) =>
  `<span class="badge ${kind}-${esc(value)}" data-testid="${testid}">${esc(value)}</span>`;

/** A domain with its certificate on each edge: issued (until when) or pending until the first HTTPS visit. */
function domainText(d) {
  const cert = (c) =>
    c.state === 'issued'
      ? `certificate issued${c.notAfter ? ` until ${c.notAfter.slice(0, 10)}` : ''}`
      : 'certificate pending (first visit issues it)';
  const certs =
    d.certificates.length === 0
      ? 'certificate unknown'
      : d.certificates.map((c) => (d.certificates.length > 1 ? `${c.edgeId}: ` : '') + cert(c)).join('; ');
  return `<span class="mono">${esc(d.domain)}</span> <span class="muted">${esc(certs)}</span>`;
}

export function renderHeader(el, r, shown, ctx) {
  const stage = shown.stage.split('.')[0];
  const end = r.completedAt && isTerminal(shown.status) ? Date.parse(r.completedAt) : ctx.now;
  const link = (id) =>
    `<a href="#/${esc(r.environmentName)}/${esc(r.serviceName)}/${esc(id)}" class="mono">${esc(id)}</a>`;
  const facts = [
    ['id', `<span class="mono">${esc(r.id)}</span>`],
    ['node', esc(r.nodeId ?? '-')],
    ['trigger', esc(r.trigger)],
    ['created', `${esc(clock(r.createdAt, false))} <span class="muted">(${esc(ago(r.createdAt, ctx.now))})</span>`],
    ['elapsed', `<span data-testid="elapsed">${esc(duration(end - Date.parse(r.createdAt)))}</span>`],
    [
      'url',
      r.routeUrl
        ? `<a href="${esc(r.routeUrl)}" target="_blank" rel="noopener">${esc(r.routeUrl)}</a>`
        : '<span class="muted">none (not routable)</span>',
    ],
    ...(ctx.domains.length
      ? [['domains', `<span data-testid="domains">${ctx.domains.map(domainText).join('<br>')}</span>`]]
      : []),
    ...(r.previousId ? [['previous', link(r.previousId)]] : []),
    ...(r.replacedBy ? [['replaced by', link(r.replacedBy)]] : []),
  ];
  el.innerHTML = `
    <div class="title-row">
      <h1>${esc(r.serviceName)} <span class="muted">in</span> ${esc(r.environmentName)}</h1>
      <div class="badges">
        ${badge('status', shown.status, 'status')}${badge('stage', stage, 'stage')}${badge('health', shown.health, 'health')}
      </div>
      <div class="follow muted small">${ctx.pinned ? `pinned · <a href="#/${esc(r.environmentName)}/${esc(r.serviceName)}">follow the service</a>` : 'following the service: in flight, else active'}</div>
    </div>
    <div class="state-path mono small" data-testid="state-path">status: ${esc(shown.status)} · stage: ${esc(shown.stage)} · health: ${esc(shown.health)}</div>
    <dl class="facts">${facts.map(([k, v]) => `<div><dt>${k}</dt><dd>${v}</dd></div>`).join('')}</dl>
    ${r.failureMessage ? `<div class="failure" data-testid="failure">✗ ${esc(r.failureMessage)}</div>` : ''}
    ${
      ctx.actions
        ? `<div class="actions">
      ${ctx.actions.deploy ? `<button data-action="deploy" data-env="${esc(r.environmentName)}" data-service="${esc(r.serviceName)}">Deploy ${esc(r.serviceName)}</button>` : ''}
      <button data-action="rollback" data-env="${esc(r.environmentName)}" data-service="${esc(r.serviceName)}" class="secondary">Roll back ${esc(r.serviceName)}</button>
    </div>`
        : ''
    }`;
}

/** The stage entries of the latest promotion: a rollback starts over at starting_candidate after an active entry. */
function promotionEntries(stages) {
  let start = 0;
  stages.forEach((s, i) => {
    if (
      (s.stage === 'building' && s.status === 'queued') ||
      (s.stage === 'starting_candidate' && i > 0 && stages[i - 1].stage === 'active')
    )
      start = i;
  });
  return stages.slice(start);
}

export function renderTimeline(el, r, shown, now) {
  const entries = promotionEntries(r.stages);
  const current = shown.stage.split('.')[0];
  const currentIndex = STAGES.indexOf(current);
  const steps = STAGES.map((stage, i) => {
    const first = entries.findIndex((e) => e.stage === stage);
    const enteredAt = first >= 0 ? entries[first].at : null;
    const next = first >= 0 ? entries.slice(first).find((e) => e.stage !== stage) : null;
    const until = next ? Date.parse(next.at) : stage === current && !isTerminal(shown.status) ? now : null;
    let kind = 'pending';
    if (stage === current)
      kind = shown.status === 'failed' ? 'failed' : shown.status === 'succeeded' ? 'done' : 'current';
    else if (enteredAt) kind = 'done';
    else if (currentIndex > i || current === 'rolled_back') kind = 'skipped';
    const took = enteredAt && until ? duration(until - Date.parse(enteredAt)) : '';
    return `<li class="step ${kind}" data-stage="${stage}">
      <span class="step-mark"></span><span class="step-name">${stage.replace(/_/g, ' ')}</span>
      <span class="step-time muted small">${enteredAt ? esc(clock(enteredAt)) : kind === 'skipped' ? 'skipped' : ''}</span>
      <span class="step-took small">${esc(took)}</span></li>`;
  });
  el.innerHTML = `<ol class="steps">${steps.join('')}</ol>${current === 'rolled_back' ? '<div class="muted small">rolled back: a rollback made an older deployment active again</div>' : ''}`;
}

/** Re-renders a scrolling list, staying at the bottom only if the reader was there (they may be reading back). */
function keepScroll(el, html) {
  const atBottom = el.scrollHeight - el.scrollTop - el.clientHeight < 40;
  const top = el.scrollTop;
  el.innerHTML = html;
  el.scrollTop = atBottom ? el.scrollHeight : top;
}

export function renderAttempts(el, countEl, r) {
  const { attempts, recent } = r.readiness;
  countEl.textContent = attempts
    ? `${attempts} attempt${attempts === 1 ? '' : 's'}${recent.length < attempts ? `, last ${recent.length} shown` : ''}`
    : '';
  keepScroll(
    el,
    recent.length === 0
      ? `<div class="muted small pad">${r.stages.some((s) => s.stage === 'checking_readiness') || r.promotionStage === 'building' || r.promotionStage === 'starting_candidate' ? 'no attempts yet' : 'no readiness check configured'}</div>`
      : `<table><tbody>${recent
          .map(
            (a, i) => `<tr class="${a.ok ? 'ok' : 'bad'}">
        <td class="muted">${attempts - recent.length + i + 1}</td><td class="mono">${esc(clock(a.at))}</td>
        <td>${a.ok ? '✓' : '✗'}</td><td class="num">${Math.round(a.latencyMs)} ms</td><td>${esc(a.detail)}</td></tr>`,
          )
          .join('')}</tbody></table>`,
  );
}

export function renderTransitions(el, countEl, transitions, journal) {
  countEl.textContent = `${transitions.length || ''}${journal ? '' : ' · the node has no journal of it (restarted since): only what this page received'}`;
  keepScroll(
    el,
    transitions.length === 0
      ? '<div class="muted small pad">none received yet (the node keeps the last 500 per deployment since it started)</div>'
      : `<table><tbody>${transitions
          .map((t) => {
            const changed = changes(t.before, t.after);
            const what =
              t.before === null
                ? changes(null, t.after)
                    .map((c) => `${c.region} <b>${esc(c.to)}</b>`)
                    .join(' · ')
                : changed.length === 0
                  ? '<span class="muted">no state change</span>'
                  : changed.map((c) => `${c.region} ${esc(c.from)} → <b>${esc(c.to)}</b>`).join('<br>');
            return `<tr><td class="muted">#${t.seq}</td><td class="mono">${esc(clock(t.at))}</td>
          <td><span class="event">${esc(eventLabel(t.event))}</span>${dataSummary(t) ? `<div class="muted small">${esc(dataSummary(t))}</div>` : ''}
          ${t.raised.length ? `<div class="muted small">raised ${esc(t.raised.join(', '))}</div>` : ''}</td><td class="small">${what}</td></tr>`;
          })
          .join('')}</tbody></table>`,
  );
}
