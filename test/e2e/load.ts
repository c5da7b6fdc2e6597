// A keep-alive load generator (autocannon) that runs until stopped and reports every failure kind.
import autocannon from 'autocannon';

export interface LoadResult {
  requests: number;
  errors: number;
  timeouts: number;
  non2xx: number;
}

/** Starts `connections` keep-alive connections hammering `url`; `stop()` ends the run and returns its counts. `post`: a body to POST instead of GETs. */
export function startLoad(url: string, connections = 50, post?: string): { stop(): Promise<LoadResult> } {
  let instance!: autocannon.Instance;
  const method =
    post === undefined ? {} : { method: 'POST' as const, body: post, headers: { 'content-type': 'text/plain' } };
  const done = new Promise<LoadResult>((resolve, reject) => {
    instance = autocannon({ url, connections, duration: 3600, timeout: 10, ...method }, (error, r) =>
      error
        ? reject(error)
        : resolve({ requests: r.requests.total, errors: r.errors, timeouts: r.timeouts, non2xx: r.non2xx }),
    );
  });
  return {
    stop: () => {
      instance.stop();
      return done;
    },
  };
}
