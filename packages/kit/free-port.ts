// A TCP port the kernel hands out and releases at once: free now, and very likely still free when bound moments later.
import { createServer } from 'node:net';

/** `host` undefined listens on every interface (what a workload binds); loopback for the node's own servers. */
export function kernelPort(host?: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.once('error', reject);
    srv.listen(0, host, () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}
