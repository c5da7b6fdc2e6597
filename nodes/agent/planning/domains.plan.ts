// Pure planning of a deploy's domains: who may take which name, what is claimed, taken over and released.
export interface ClaimView {
  environmentName: string;
  serviceName: string;
  revision: number;
}

export interface DomainWish {
  /** Index of the service in the deploy request (for the error's field path). */
  index: number;
  serviceName: string;
  domains: string[];
}

export interface DomainPlan {
  /** Names held by a route outside this deploy: the deploy is refused, nothing changes. */
  taken: Array<{ index: number; position: number; domain: string; holder: string }>;
  /** Claims to write: `from` is the revision of a claim moving from another service of this deploy, null when free. */
  claim: Array<{ domain: string; serviceName: string; from: number | null }>;
  /** Claims of this deploy's services that they no longer list (and nobody in it takes over). */
  release: Array<{ domain: string; revision: number }>;
}

export function planDomains(env: string, wishes: DomainWish[], claims: ReadonlyMap<string, ClaimView>): DomainPlan {
  const plan: DomainPlan = { taken: [], claim: [], release: [] };
  const inRequest = new Map(wishes.map((w) => [w.serviceName, new Set(w.domains)]));
  // A holder in this deploy that no longer lists the name gives it up: the name moves within the deploy.
  const givenUp = (c: ClaimView, domain: string) =>
    c.environmentName === env && inRequest.has(c.serviceName) && !inRequest.get(c.serviceName)!.has(domain);
  const moving = new Set<string>();
  for (const w of wishes) {
    for (const [position, domain] of w.domains.entries()) {
      const c = claims.get(domain);
      if (!c) {
        plan.claim.push({ domain, serviceName: w.serviceName, from: null });
        continue;
      }
      if (c.environmentName === env && c.serviceName === w.serviceName) continue;
      if (givenUp(c, domain)) {
        moving.add(domain);
        plan.claim.push({ domain, serviceName: w.serviceName, from: c.revision });
        continue;
      }
      plan.taken.push({ index: w.index, position, domain, holder: `${c.environmentName}/${c.serviceName}` });
    }
  }
  for (const [domain, c] of claims) {
    if (givenUp(c, domain) && !moving.has(domain)) plan.release.push({ domain, revision: c.revision });
  }
  return plan;
}
