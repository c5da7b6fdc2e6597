// One log follower per deployment: started for its current container, ended (after the last lines) before that container goes.
import type { LogFollower } from './log-follower.js';

/** How long ending a follower waits for it to read a stopped container's last lines. */
const LAST_LINES_MS = 3_000;

export class LogFollowers {
  private readonly byDeployment = new Map<string, { containerId: string; follower: Promise<LogFollower> }>();

  /** Starts following `containerId` unless that very container is followed already. */
  async follow(deploymentId: string, containerId: string, start: () => Promise<LogFollower>): Promise<void> {
    const current = this.byDeployment.get(deploymentId);
    if (current?.containerId === containerId) return void (await current.follower);
    if (current) await this.end(deploymentId);
    const follower = start();
    this.byDeployment.set(deploymentId, { containerId, follower });
    try {
      await follower;
    } catch (error) {
      if (this.byDeployment.get(deploymentId)?.follower === follower) this.byDeployment.delete(deploymentId);
      throw error;
    }
  }

  /** Lets the follower read what a stopped container wrote last (bounded), then closes it. */
  async end(deploymentId: string): Promise<void> {
    const current = this.byDeployment.get(deploymentId);
    if (!current) return;
    const follower = await current.follower.catch(() => null);
    if (follower) await Promise.race([follower.ended, new Promise((r) => setTimeout(r, LAST_LINES_MS).unref())]);
    await this.close(deploymentId);
  }

  /** Stops following at once. */
  async close(deploymentId: string): Promise<void> {
    const current = this.byDeployment.get(deploymentId);
    if (!current) return;
    this.byDeployment.delete(deploymentId);
    const follower = await current.follower.catch(() => null);
    await follower?.close();
  }

  async closeAll(): Promise<void> {
    await Promise.all([...this.byDeployment.keys()].map((id) => this.close(id)));
  }
}
